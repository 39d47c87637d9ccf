package expr

import (
	"testing"

	"github.com/flotilla-db/flotilla/partition/attr"
)

func TestEnvValidate(t *testing.T) {
	tests := []struct {
		name   string
		names  map[string]string
		values map[string]attr.Value
		want   string
	}{
		{"empty names", map[string]string{}, nil, "ExpressionAttributeNames must not be empty"},
		{"bad name key", map[string]string{"#ok": "a", "x": "b"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "x"`},
		{"bare hash", map[string]string{"#": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "#"`},
		{"dash in name", map[string]string{"#a-b": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"`},
		{"empty values", nil, map[string]attr.Value{}, "ExpressionAttributeValues must not be empty"},
		{"bad value key", nil, map[string]attr.Value{"v": str("x")}, `ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`},
		{"names first", map[string]string{}, map[string]attr.Value{}, "ExpressionAttributeNames must not be empty"},
		{"ok", map[string]string{"#a_1": "a"}, map[string]attr.Value{":v_1": str("x")}, ""},
		{"none", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewEnv(tt.names, tt.values).Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantMessage(t, err, tt.want)
		})
	}
}

func TestEnvCheckUnused(t *testing.T) {
	tests := []struct {
		name string
		cond string
		want string
	}{
		{"all used", "#a = :s AND #b = :t", ""},
		{"names unused", "a = :s AND b = :t", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"},
		{"values unused", "#a = :s AND #b = #a", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:t}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := NewEnv(map[string]string{"#a": "a", "#b": "b"}, map[string]attr.Value{":s": str("x"), ":t": str("y")})
			if _, err := ParseCondition("ConditionExpression", tt.cond, env); err != nil {
				t.Fatal(err)
			}
			err := env.CheckUnused()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckUnused: %v", err)
				}
				return
			}
			wantMessage(t, err, tt.want)
		})
	}
}

func TestEnvUsedAcrossExpressions(t *testing.T) {
	env := NewEnv(map[string]string{"#a": "a", "#p": "p"}, map[string]attr.Value{":s": str("x"), ":n": num("1")})
	if _, err := ParseUpdate("SET #a = :s", env); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCondition("ConditionExpression", "n < :n", env); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProjection("#p", env); err != nil {
		t.Fatal(err)
	}
	if err := env.CheckUnused(); err != nil {
		t.Fatalf("CheckUnused: %v", err)
	}
	var zero Env
	zero.Names = map[string]string{"#a": "a"}
	if _, err := ParseProjection("#a", &zero); err != nil {
		t.Fatalf("Env without NewEnv: %v", err)
	}
	if err := zero.CheckUnused(); err != nil {
		t.Fatalf("CheckUnused on Env without NewEnv: %v", err)
	}
}
