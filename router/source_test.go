package router

import (
	"reflect"
	"testing"

	"github.com/flotilla-db/flotilla/partition"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/expr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// TestReadSource checks that Query and Scan inputs carry the text of their
// expressions (after legacy translation), so that a node can parse them
// again: the re-parsed key condition equals the router's.
func TestReadSource(t *testing.T) {
	e := newDataEnv(t)
	key := schema.KeySchema{Hash: schema.KeyAttr{Name: "pk", Type: attr.TypeS}, Range: schema.KeyAttr{Name: "sk", Type: attr.TypeS}}
	tests := []struct {
		name, op, body string
		consistent     bool
		filter, proj   bool
	}{
		{"query expressions", "Query", `{"TableName":"range","KeyConditionExpression":"pk = :p","FilterExpression":"#n > :v","ProjectionExpression":"a, #n","ExpressionAttributeNames":{"#n":"n"},"ExpressionAttributeValues":{":p":{"S":"a"},":v":{"N":"1"}},"ConsistentRead":true}`, true, true, true},
		{"query legacy", "Query", `{"TableName":"range","KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}},"QueryFilter":{"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"1"}]}},"AttributesToGet":["a","n"]}`, false, true, true},
		{"scan legacy", "Scan", `{"TableName":"hash","ScanFilter":{"n":{"ComparisonOperator":"NULL"}},"AttributesToGet":["a"],"ConsistentRead":true}`, true, true, true},
		{"scan bare", "Scan", `{"TableName":"hash"}`, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.mustOK(t, tt.op, tt.body)
			var src *partition.ReadSource
			var consistent bool
			if tt.op == "Query" {
				in := e.lastQuery()
				src, consistent = in.Source, in.Consistent
				if src == nil {
					t.Fatal("no Source")
				}
				kc, err := expr.ParseKeyCondition(src.KeyCondition, expr.NewEnv(src.Names, src.Values), key)
				if err != nil || !reflect.DeepEqual(kc, in.Key) {
					t.Errorf("re-parsed key condition = %+v, %v; want %+v", kc, err, in.Key)
				}
			} else {
				in := e.lastScan()
				src, consistent = in.Source, in.Consistent
				if src == nil {
					t.Fatal("no Source")
				}
			}
			if consistent != tt.consistent {
				t.Errorf("Consistent = %v, want %v", consistent, tt.consistent)
			}
			if (src.Filter != "") != tt.filter || (src.Projection != "") != tt.proj {
				t.Errorf("Source = %+v", src)
			}
			env := expr.NewEnv(src.Names, src.Values)
			if src.Filter != "" {
				if _, err := expr.ParseCondition("FilterExpression", src.Filter, env); err != nil {
					t.Errorf("re-parse filter: %v", err)
				}
			}
			if src.Projection != "" {
				if _, err := expr.ParseProjection(src.Projection, env); err != nil {
					t.Errorf("re-parse projection: %v", err)
				}
			}
		})
	}
}
