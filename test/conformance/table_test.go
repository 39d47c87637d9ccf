package conformance

import (
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func keyAttrs(hash string, ht types.ScalarAttributeType) ([]types.KeySchemaElement, []types.AttributeDefinition) {
	return []types.KeySchemaElement{{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash}},
		[]types.AttributeDefinition{{AttributeName: aws.String(hash), AttributeType: ht}}
}

func TestCreateTableDescriptions(t *testing.T) {
	t.Parallel()
	ks, ad := keyAttrs("id", types.ScalarAttributeTypeS)
	tests := []struct {
		name  string
		in    func(name string) *dynamodb.CreateTableInput
		check func(t *testing.T, d *types.TableDescription)
	}{
		{
			name: "hash key on demand",
			in: func(name string) *dynamodb.CreateTableInput {
				return &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest}
			},
			check: func(t *testing.T, d *types.TableDescription) {
				if d.BillingModeSummary == nil || d.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
					t.Errorf("BillingModeSummary = %+v, want PAY_PER_REQUEST", d.BillingModeSummary)
				}
				if d.ProvisionedThroughput == nil || aws.ToInt64(d.ProvisionedThroughput.ReadCapacityUnits) != 0 || aws.ToInt64(d.ProvisionedThroughput.WriteCapacityUnits) != 0 {
					t.Errorf("ProvisionedThroughput = %+v, want 0/0 for on-demand", d.ProvisionedThroughput)
				}
				if len(d.KeySchema) != 1 || aws.ToString(d.KeySchema[0].AttributeName) != "id" || d.KeySchema[0].KeyType != types.KeyTypeHash {
					t.Errorf("KeySchema = %+v", d.KeySchema)
				}
			},
		},
		{
			name: "hash and range provisioned",
			in: func(name string) *dynamodb.CreateTableInput {
				return &dynamodb.CreateTableInput{
					TableName: &name,
					KeySchema: []types.KeySchemaElement{
						{AttributeName: aws.String("h"), KeyType: types.KeyTypeHash},
						{AttributeName: aws.String("r"), KeyType: types.KeyTypeRange},
					},
					AttributeDefinitions: []types.AttributeDefinition{
						{AttributeName: aws.String("h"), AttributeType: types.ScalarAttributeTypeN},
						{AttributeName: aws.String("r"), AttributeType: types.ScalarAttributeTypeB},
					},
					ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(7)},
				}
			},
			check: func(t *testing.T, d *types.TableDescription) {
				pt := d.ProvisionedThroughput
				if pt == nil || aws.ToInt64(pt.ReadCapacityUnits) != 5 || aws.ToInt64(pt.WriteCapacityUnits) != 7 {
					t.Errorf("ProvisionedThroughput = %+v, want 5/7", pt)
				}
				if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != types.BillingModeProvisioned {
					t.Errorf("BillingModeSummary = %+v, want PROVISIONED or absent", d.BillingModeSummary)
				}
				if len(d.KeySchema) != 2 || d.KeySchema[1].KeyType != types.KeyTypeRange || aws.ToString(d.KeySchema[1].AttributeName) != "r" {
					t.Errorf("KeySchema = %+v", d.KeySchema)
				}
			},
		},
		{
			name: "table class, deletion protection, SSE, tags",
			in: func(name string) *dynamodb.CreateTableInput {
				return &dynamodb.CreateTableInput{
					TableName: &name, KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest,
					TableClass:                types.TableClassStandardInfrequentAccess,
					DeletionProtectionEnabled: aws.Bool(true),
					SSESpecification:          &types.SSESpecification{Enabled: aws.Bool(true)},
					Tags:                      []types.Tag{{Key: aws.String("team"), Value: aws.String("db")}},
				}
			},
			check: func(t *testing.T, d *types.TableDescription) {
				if d.TableClassSummary == nil || d.TableClassSummary.TableClass != types.TableClassStandardInfrequentAccess {
					t.Errorf("TableClassSummary = %+v, want STANDARD_INFREQUENT_ACCESS", d.TableClassSummary)
				}
				if !aws.ToBool(d.DeletionProtectionEnabled) {
					t.Errorf("DeletionProtectionEnabled = false, want true")
				}
				if d.SSEDescription == nil || d.SSEDescription.Status != types.SSEStatusEnabled || d.SSEDescription.SSEType != types.SSETypeKms {
					t.Errorf("SSEDescription = %+v, want ENABLED/KMS", d.SSEDescription)
				}
				tags, err := db.ListTagsOfResource(ctxT(t), &dynamodb.ListTagsOfResourceInput{ResourceArn: d.TableArn})
				if err != nil {
					t.Fatalf("ListTagsOfResource: %v", err)
				}
				if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" || aws.ToString(tags.Tags[0].Value) != "db" {
					t.Errorf("tags = %+v, want team=db", tags.Tags)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := tableName(t)
			before := time.Now().Add(-time.Minute)
			d := mustCreate(t, tc.in(name))
			checkCommonDescription(t, d, name, before)
			if d.TableStatus != types.TableStatusCreating && d.TableStatus != types.TableStatusActive {
				t.Errorf("CreateTable TableStatus = %s, want CREATING or ACTIVE", d.TableStatus)
			}
			out, err := db.DescribeTable(ctxT(t), &dynamodb.DescribeTableInput{TableName: &name})
			if err != nil {
				t.Fatalf("DescribeTable: %v", err)
			}
			checkCommonDescription(t, out.Table, name, before)
			if out.Table.TableStatus != types.TableStatusActive {
				t.Errorf("TableStatus = %s, want ACTIVE", out.Table.TableStatus)
			}
			tc.check(t, out.Table)
		})
	}
}

func checkCommonDescription(t *testing.T, d *types.TableDescription, name string, before time.Time) {
	t.Helper()
	if d == nil {
		t.Fatal("no TableDescription")
	}
	if aws.ToString(d.TableName) != name {
		t.Errorf("TableName = %q, want %q", aws.ToString(d.TableName), name)
	}
	arn := aws.ToString(d.TableArn)
	if !strings.HasPrefix(arn, "arn:aws:dynamodb:us-east-1:") || !strings.HasSuffix(arn, ":table/"+name) {
		t.Errorf("TableArn = %q, want arn:aws:dynamodb:us-east-1:<account>:table/%s", arn, name)
	}
	if len(aws.ToString(d.TableId)) != 36 {
		t.Errorf("TableId = %q, want a UUID", aws.ToString(d.TableId))
	}
	if d.CreationDateTime == nil || d.CreationDateTime.Before(before) || d.CreationDateTime.After(time.Now().Add(time.Minute)) {
		t.Errorf("CreationDateTime = %v, want about now", d.CreationDateTime)
	}
}

func TestCreateTableErrors(t *testing.T) {
	t.Parallel()
	ks, ad := keyAttrs("id", types.ScalarAttributeTypeS)
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}
	tests := []struct {
		name string
		in   dynamodb.CreateTableInput
		msg  string // exact message; "" with contains set
		has  string
	}{
		{name: "on demand with throughput", in: dynamodb.CreateTableInput{KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest, ProvisionedThroughput: pt(1, 1)},
			msg: "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"},
		{name: "provisioned without throughput", in: dynamodb.CreateTableInput{KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModeProvisioned},
			msg: "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"},
		{name: "no billing mode and no throughput", in: dynamodb.CreateTableInput{KeySchema: ks, AttributeDefinitions: ad},
			msg: "No provisioned throughput specified for the table"},
		{name: "zero read capacity", in: dynamodb.CreateTableInput{KeySchema: ks, AttributeDefinitions: ad, ProvisionedThroughput: pt(0, 1)},
			msg: "1 validation error detected: Value '0' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{name: "zero write capacity", in: dynamodb.CreateTableInput{KeySchema: ks, AttributeDefinitions: ad, ProvisionedThroughput: pt(1, 0)},
			msg: "1 validation error detected: Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{name: "key not defined", in: dynamodb.CreateTableInput{KeySchema: ks, BillingMode: types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("other"), AttributeType: types.ScalarAttributeTypeS}}},
			msg: "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [id], AttributeDefinitions: [other]"},
		{name: "extra attribute definition", in: dynamodb.CreateTableInput{KeySchema: ks, BillingMode: types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{
				{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS},
				{AttributeName: aws.String("extra"), AttributeType: types.ScalarAttributeTypeS}}},
			msg: "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"},
		{name: "bad attribute type", in: dynamodb.CreateTableInput{KeySchema: ks, BillingMode: types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: "BOOL"}}},
			has: "Member must satisfy enum value set: [B, N, S]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.TableName = aws.String(tableName(t))
			_, err := db.CreateTable(ctxT(t), &in)
			if tc.msg != "" {
				wantAPIError(t, err, validation, tc.msg)
			} else {
				wantAPIErrorContains(t, err, validation, tc.has)
			}
		})
	}
	t.Run("short name", func(t *testing.T) {
		_, err := db.CreateTable(ctxT(t), &dynamodb.CreateTableInput{TableName: aws.String("ab"), KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest})
		wantAPIError(t, err, validation, "TableName must be at least 3 characters long and at most 255 characters long")
	})
	t.Run("duplicate", func(t *testing.T) {
		name := hashTable(t)
		_, err := db.CreateTable(ctxT(t), &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest})
		wantAPIError(t, err, inUse, "Table already exists: "+name)
		var riu *types.ResourceInUseException
		if !errors.As(err, &riu) {
			t.Errorf("error %T is not *types.ResourceInUseException", err)
		}
	})
}

func TestDescribeTableCounts(t *testing.T) {
	t.Parallel()
	name := hashTable(t)
	put(t, name, Item{"pk": S("a"), "v": S("x")}, Item{"pk": S("b")}, Item{"pk": S("c"), "n": N("1")})
	poll(t, 20*time.Second, "ItemCount 3", func() bool {
		out, err := db.DescribeTable(ctxT(t), &dynamodb.DescribeTableInput{TableName: &name})
		if err != nil {
			t.Fatalf("DescribeTable: %v", err)
		}
		return aws.ToInt64(out.Table.ItemCount) == 3 && aws.ToInt64(out.Table.TableSizeBytes) > 0
	})
}

func TestDescribeTableMissing(t *testing.T) {
	t.Parallel()
	_, err := db.DescribeTable(ctxT(t), &dynamodb.DescribeTableInput{TableName: aws.String("no-such-table")})
	wantAPIError(t, err, notFound, "Requested resource not found: Table: no-such-table not found")
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("error %T is not *types.ResourceNotFoundException", err)
	}
}

func TestWaitersAndDeleteTable(t *testing.T) {
	t.Parallel()
	name := tableName(t)
	ks, ad := keyAttrs("id", types.ScalarAttributeTypeS)
	ctx := ctxT(t)
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest}); err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
	exists := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second })
	if err := exists.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 30*time.Second); err != nil {
		t.Fatalf("TableExistsWaiter: %v", err)
	}
	out, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	if err != nil {
		t.Fatalf("DeleteTable: %v", err)
	}
	if out.TableDescription == nil || aws.ToString(out.TableDescription.TableName) != name {
		t.Errorf("DeleteTable description = %+v", out.TableDescription)
	} else if s := out.TableDescription.TableStatus; s != types.TableStatusDeleting {
		t.Errorf("DeleteTable TableStatus = %s, want DELETING", s)
	}
	gone := dynamodb.NewTableNotExistsWaiter(db, func(o *dynamodb.TableNotExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	if err := gone.Wait(ctx, &dynamodb.DescribeTableInput{TableName: &name}, 30*time.Second); err != nil {
		t.Fatalf("TableNotExistsWaiter: %v", err)
	}
	_, err = db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	wantAPIError(t, err, notFound, "Requested resource not found: Table: "+name+" not found")
	_, err = db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &name, Key: Item{"id": S("x")}})
	wantAPIError(t, err, notFound, "Requested resource not found")
}

func TestDeletionProtection(t *testing.T) {
	t.Parallel()
	name := tableName(t)
	ks, ad := keyAttrs("id", types.ScalarAttributeTypeS)
	mustCreate(t, &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, BillingMode: types.BillingModePayPerRequest, DeletionProtectionEnabled: aws.Bool(true)})
	ctx := ctxT(t)
	_, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	wantAPIError(t, err, validation, "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	upd, err := db.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: &name, DeletionProtectionEnabled: aws.Bool(false)})
	if err != nil {
		t.Fatalf("UpdateTable DeletionProtectionEnabled=false: %v", err)
	}
	if aws.ToBool(upd.TableDescription.DeletionProtectionEnabled) {
		t.Errorf("UpdateTable still reports deletion protection")
	}
	waitActive(t, name)
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name}); err != nil {
		t.Fatalf("DeleteTable after disabling protection: %v", err)
	}
}

func TestListTablesPaging(t *testing.T) {
	// Not parallel: it lists every table while no other test creates or
	// deletes any.
	var mine []string
	for range 5 {
		mine = append(mine, hashTable(t))
	}
	ctx := ctxT(t)
	var all []string
	var start *string
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("ListTables never ended")
		}
		out, err := db.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(2), ExclusiveStartTableName: start})
		if err != nil {
			t.Fatalf("ListTables: %v", err)
		}
		if len(out.TableNames) > 2 {
			t.Fatalf("page of %d names with Limit 2", len(out.TableNames))
		}
		all = append(all, out.TableNames...)
		if out.LastEvaluatedTableName == nil {
			break
		}
		if got, want := aws.ToString(out.LastEvaluatedTableName), out.TableNames[len(out.TableNames)-1]; got != want {
			t.Fatalf("LastEvaluatedTableName = %q, want last name of page %q", got, want)
		}
		start = out.LastEvaluatedTableName
	}
	if !sort.StringsAreSorted(all) {
		t.Errorf("ListTables not sorted: %v", all)
	}
	seen := map[string]int{}
	for _, n := range all {
		seen[n]++
	}
	for _, n := range mine {
		if seen[n] != 1 {
			t.Errorf("table %s listed %d times", n, seen[n])
		}
	}
	for _, tc := range []struct {
		limit int32
		msg   string
	}{
		{0, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{101, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"},
	} {
		_, err := db.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(tc.limit)})
		wantAPIError(t, err, validation, tc.msg)
	}
}

func TestUpdateTable(t *testing.T) {
	t.Parallel()
	ks, ad := keyAttrs("id", types.ScalarAttributeTypeS)
	pt := func(r, w int64) *types.ProvisionedThroughput {
		return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
	}
	t.Run("provisioned to on demand and back", func(t *testing.T) {
		name := tableName(t)
		mustCreate(t, &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, ProvisionedThroughput: pt(5, 5)})
		out, err := db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: &name, BillingMode: types.BillingModePayPerRequest})
		if err != nil {
			t.Fatalf("UpdateTable to PAY_PER_REQUEST: %v", err)
		}
		if s := out.TableDescription.BillingModeSummary; s == nil || s.BillingMode != types.BillingModePayPerRequest {
			t.Errorf("BillingModeSummary = %+v, want PAY_PER_REQUEST", s)
		}
		waitActive(t, name)
		out, err = db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: &name, BillingMode: types.BillingModeProvisioned, ProvisionedThroughput: pt(3, 4)})
		if err != nil {
			t.Fatalf("UpdateTable to PROVISIONED: %v", err)
		}
		waitActive(t, name)
		d, err := db.DescribeTable(ctxT(t), &dynamodb.DescribeTableInput{TableName: &name})
		if err != nil {
			t.Fatalf("DescribeTable: %v", err)
		}
		if p := d.Table.ProvisionedThroughput; aws.ToInt64(p.ReadCapacityUnits) != 3 || aws.ToInt64(p.WriteCapacityUnits) != 4 {
			t.Errorf("ProvisionedThroughput = %+v, want 3/4", p)
		}
		if s := d.Table.BillingModeSummary; s == nil || s.BillingMode != types.BillingModeProvisioned {
			t.Errorf("BillingModeSummary = %+v, want PROVISIONED", s)
		}
	})
	t.Run("throughput change and no change", func(t *testing.T) {
		name := tableName(t)
		mustCreate(t, &dynamodb.CreateTableInput{TableName: &name, KeySchema: ks, AttributeDefinitions: ad, ProvisionedThroughput: pt(5, 5)})
		_, err := db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: &name, ProvisionedThroughput: pt(5, 5)})
		wantAPIError(t, err, validation, "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
		if _, err := db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: &name, ProvisionedThroughput: pt(10, 20)}); err != nil {
			t.Fatalf("UpdateTable 10/20: %v", err)
		}
		waitActive(t, name)
		d, err := db.DescribeTable(ctxT(t), &dynamodb.DescribeTableInput{TableName: &name})
		if err != nil {
			t.Fatalf("DescribeTable: %v", err)
		}
		if p := d.Table.ProvisionedThroughput; aws.ToInt64(p.ReadCapacityUnits) != 10 || aws.ToInt64(p.WriteCapacityUnits) != 20 {
			t.Errorf("ProvisionedThroughput = %+v, want 10/20", p)
		}
	})
	t.Run("nothing to update", func(t *testing.T) {
		name := hashTable(t)
		_, err := db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: &name})
		wantAPIErrorContains(t, err, validation, "At least one of")
	})
	t.Run("missing table", func(t *testing.T) {
		_, err := db.UpdateTable(ctxT(t), &dynamodb.UpdateTableInput{TableName: aws.String("no-such-table"), BillingMode: types.BillingModePayPerRequest})
		wantAPIError(t, err, notFound, "Requested resource not found: Table: no-such-table not found")
	})
}

func TestTags(t *testing.T) {
	t.Parallel()
	name := hashTable(t)
	ctx := ctxT(t)
	d, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		t.Fatalf("DescribeTable: %v", err)
	}
	arn := d.Table.TableArn
	list := func() map[string]string {
		out, err := db.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsOfResource: %v", err)
		}
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("new table has tags %v", got)
	}
	_, err = db.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{
		{Key: aws.String("env"), Value: aws.String("test")}, {Key: aws.String("owner"), Value: aws.String("me")}}})
	if err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if got := list(); len(got) != 2 || got["env"] != "test" || got["owner"] != "me" {
		t.Fatalf("tags = %v, want env=test owner=me", got)
	}
	if _, err := db.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatalf("TagResource overwrite: %v", err)
	}
	if _, err := db.UntagResource(ctx, &dynamodb.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"owner"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if got := list(); len(got) != 1 || got["env"] != "prod" {
		t.Fatalf("tags = %v, want env=prod", got)
	}
	missing := strings.TrimSuffix(aws.ToString(arn), name) + "no-such-table"
	_, err = db.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: &missing})
	wantAPIErrorContains(t, err, notFound)
	_, err = db.TagResource(ctx, &dynamodb.TagResourceInput{ResourceArn: &missing, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	wantAPIErrorContains(t, err, notFound)
}

func TestDescribeEndpointsAndLimits(t *testing.T) {
	t.Parallel()
	ctx := ctxT(t)
	ep, err := db.DescribeEndpoints(ctx, &dynamodb.DescribeEndpointsInput{})
	if err != nil {
		t.Fatalf("DescribeEndpoints: %v", err)
	}
	if len(ep.Endpoints) != 1 || aws.ToString(ep.Endpoints[0].Address) == "" || ep.Endpoints[0].CachePeriodInMinutes != 1440 {
		t.Errorf("Endpoints = %+v, want one address cached 1440 minutes", ep.Endpoints)
	}
	lim, err := db.DescribeLimits(ctx, &dynamodb.DescribeLimitsInput{})
	if err != nil {
		t.Fatalf("DescribeLimits: %v", err)
	}
	got := []int64{aws.ToInt64(lim.AccountMaxReadCapacityUnits), aws.ToInt64(lim.AccountMaxWriteCapacityUnits),
		aws.ToInt64(lim.TableMaxReadCapacityUnits), aws.ToInt64(lim.TableMaxWriteCapacityUnits)}
	want := []int64{80000, 80000, 40000, 40000}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("DescribeLimits = %v, want %v", got, want)
			break
		}
	}
}
