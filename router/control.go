package router

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// The control plane: table lifecycle, tags, endpoints and limits. Tables are
// created, updated and deleted synchronously, so every table a response
// describes is ACTIVE (or DELETING in DeleteTable's answer).

// createTable serves CreateTable.
func (r *Router) createTable(ctx context.Context, body []byte) (any, error) {
	var in createTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	t, err := r.newTable(&in)
	if err != nil {
		return nil, err
	}
	if err := r.cfg.Catalog.CreateTable(ctx, t); err != nil {
		return nil, fmt.Errorf("router: create table %s: %w", t.Name, err)
	}
	return tableDescriptionOutput{TableDescription: r.describe(t, 0, 0)}, nil
}

// newTable validates a CreateTable request in DynamoDB's order and returns
// the table it defines.
func (r *Router) newTable(in *createTableInput) (*schema.Table, error) {
	if err := validateCreateShape(in); err != nil {
		return nil, err
	}
	mode := schema.BillingProvisioned
	if in.BillingMode != nil {
		mode = *in.BillingMode
	} else if in.ProvisionedThroughput == nil {
		return nil, dberr.Validationf("No provisioned throughput specified for the table")
	}
	if err := checkBilling(mode, in.ProvisionedThroughput); err != nil {
		return nil, err
	}
	key, err := checkKeySchema(in.KeySchema, in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	if err := checkUnsupportedCreate(in); err != nil {
		return nil, err
	}
	if len(in.AttributeDefinitions) != len(in.KeySchema) {
		return nil, dberr.Invalidf("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions")
	}
	if err := checkStreamCreate(in.StreamSpecification); err != nil {
		return nil, err
	}
	if err := checkSSE(in.SSESpecification); err != nil {
		return nil, err
	}
	tags, err := checkTags(in.Tags)
	if err != nil {
		return nil, err
	}
	return r.buildTable(in, key, mode, tags), nil
}

// buildTable assembles a validated CreateTable request into a table.
func (r *Router) buildTable(in *createTableInput, key schema.KeySchema, mode string, tags []schema.Tag) *schema.Table {
	now := r.cfg.Now()
	t := &schema.Table{
		Name:             *in.TableName,
		ID:               newUUID(),
		ARN:              r.tableARN(*in.TableName),
		Key:              key,
		Status:           schema.StatusActive,
		CreationDateTime: now,
		BillingMode:      mode,
		Tags:             tags,
		SSE:              r.sseSetting(in.SSESpecification),
	}
	for _, d := range in.AttributeDefinitions {
		t.AttributeDefinitions = append(t.AttributeDefinitions, keyAttr(*d.AttributeName, in.AttributeDefinitions))
	}
	if pt := in.ProvisionedThroughput; pt != nil {
		t.Throughput.ReadCapacityUnits = *pt.ReadCapacityUnits
		t.Throughput.WriteCapacityUnits = *pt.WriteCapacityUnits
	}
	if mode == schema.BillingPayPerRequest {
		t.BillingModeUpdated = now
	}
	if in.TableClass != nil {
		t.TableClass = *in.TableClass
	}
	if in.DeletionProtectionEnabled != nil {
		t.DeletionProtection = *in.DeletionProtectionEnabled
	}
	return t
}

// sseSetting returns the encryption setting of an SSESpecification, with
// DynamoDB's defaults filled in (SSEType KMS, a key of its own), or nil
// when encryption at rest uses the default owned key.
func (r *Router) sseSetting(s *sseSpecification) *schema.SSE {
	if s == nil || s.Enabled == nil || !*s.Enabled {
		return nil
	}
	key := "arn:aws:kms:" + r.cfg.Region + ":" + r.cfg.AccountID + ":key/" + newUUID()
	if s.KMSMasterKeyID != nil {
		key = r.kmsKeyARN(*s.KMSMasterKeyID)
	}
	return &schema.SSE{Enabled: true, SSEType: "KMS", KMSMasterKeyID: key}
}

// kmsKeyARN expands a key id, alias or ARN to an ARN.
func (r *Router) kmsKeyARN(id string) string {
	prefix := "arn:aws:kms:" + r.cfg.Region + ":" + r.cfg.AccountID + ":"
	switch {
	case strings.HasPrefix(id, "arn:"):
		return id
	case strings.HasPrefix(id, "alias/"):
		return prefix + id
	}
	return prefix + "key/" + id
}

// tableARN returns the ARN of the named table in this region and account.
func (r *Router) tableARN(name string) string {
	return "arn:aws:dynamodb:" + r.cfg.Region + ":" + r.cfg.AccountID + ":table/" + name
}

// describeTable serves DescribeTable.
func (r *Router) describeTable(ctx context.Context, body []byte) (any, error) {
	t, err := r.controlTable(ctx, body)
	if err != nil {
		return nil, err
	}
	d, err := r.describeWithStats(ctx, t)
	if err != nil {
		return nil, err
	}
	return describeTableOutput{Table: d}, nil
}

// controlTable decodes a {TableName} request and returns the table, with
// the control plane's messages for a bad or unknown name.
func (r *Router) controlTable(ctx context.Context, body []byte) (*schema.Table, error) {
	var in tableNameInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := checkTableNamePresent(in.TableName); err != nil {
		return nil, err
	}
	var c constraints
	c.namePattern(in.TableName, "tableName")
	if err := c.err(); err != nil {
		return nil, err
	}
	t, err := r.cfg.Catalog.Table(ctx, *in.TableName)
	if err != nil {
		return nil, fmt.Errorf("router: table %s: %w", *in.TableName, err)
	}
	return t, nil
}

// describeWithStats describes t with its current item count and size.
func (r *Router) describeWithStats(ctx context.Context, t *schema.Table) (*tableDescription, error) {
	t, items, size, err := r.tableStats(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("router: stats of table %s: %w", t.Name, err)
	}
	return r.describe(t, items, size), nil
}

// describe renders t as a TableDescription.
func (r *Router) describe(t *schema.Table, items, size int64) *tableDescription {
	d := &tableDescription{
		TableName:                 t.Name,
		TableStatus:               t.Status,
		CreationDateTime:          epochTime(t.CreationDateTime),
		TableSizeBytes:            size,
		ItemCount:                 items,
		TableArn:                  t.ARN,
		TableID:                   t.ID,
		DeletionProtectionEnabled: t.DeletionProtection,
		ProvisionedThroughput: throughputDescription{
			LastIncreaseDateTime:   epochPtr(t.Throughput.LastIncreaseDateTime),
			LastDecreaseDateTime:   epochPtr(t.Throughput.LastDecreaseDateTime),
			NumberOfDecreasesToday: t.Throughput.NumberOfDecreasesToday,
			ReadCapacityUnits:      t.Throughput.ReadCapacityUnits,
			WriteCapacityUnits:     t.Throughput.WriteCapacityUnits,
		},
	}
	for _, a := range t.AttributeDefinitions {
		d.AttributeDefinitions = append(d.AttributeDefinitions, attributeDefinitionOut{a.Name, a.Type.String()})
	}
	d.KeySchema = []keySchemaOut{{t.Key.Hash.Name, "HASH"}}
	if t.Key.HasRange() {
		d.KeySchema = append(d.KeySchema, keySchemaOut{t.Key.Range.Name, "RANGE"})
	}
	if t.BillingMode == schema.BillingPayPerRequest || !t.BillingModeUpdated.IsZero() {
		d.BillingModeSummary = &billingModeSummary{t.BillingMode, epochPtr(t.BillingModeUpdated)}
	}
	if t.TableClass != "" {
		d.TableClassSummary = &tableClassSummary{t.TableClass}
	}
	if t.SSE != nil && t.SSE.Enabled {
		d.SSEDescription = &sseDescription{Status: "ENABLED", SSEType: t.SSE.SSEType, KMSMasterKeyArn: t.SSE.KMSMasterKeyID}
	}
	return d
}

// listTables serves ListTables.
func (r *Router) listTables(ctx context.Context, body []byte) (any, error) {
	var in listTablesInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validateListTables(&in); err != nil {
		return nil, err
	}
	names, err := r.cfg.Catalog.ListTables(ctx)
	if err != nil {
		return nil, fmt.Errorf("router: list tables: %w", err)
	}
	return pageTableNames(names, in.ExclusiveStartTableName, in.Limit), nil
}

// validateListTables checks ListTables' members.
func validateListTables(in *listTablesInput) error {
	var c constraints
	if s := in.ExclusiveStartTableName; s != nil {
		c.namePattern(s, "exclusiveStartTableName")
		if len(*s) < 3 {
			c.add(*s, "exclusiveStartTableName", "Member must have length greater than or equal to 3")
		}
		if len(*s) > 255 {
			c.add(*s, "exclusiveStartTableName", "Member must have length less than or equal to 255")
		}
	}
	if l := in.Limit; l != nil && *l < 1 {
		c.add(*l, "limit", "Member must have value greater than or equal to 1")
	}
	if l := in.Limit; l != nil && *l > 100 {
		c.add(*l, "limit", "Member must have value less than or equal to 100")
	}
	return c.err()
}

// pageTableNames returns the page of sorted names after start, at most
// limit (default 100) long, naming its last table when more remain.
func pageTableNames(names []string, start *string, limit *int64) listTablesOutput {
	slices.Sort(names)
	if start != nil {
		i, found := slices.BinarySearch(names, *start)
		if found {
			i++
		}
		names = names[i:]
	}
	n := 100
	if limit != nil {
		n = int(*limit)
	}
	out := listTablesOutput{TableNames: names}
	if len(names) > n {
		out.TableNames = names[:n]
		out.LastEvaluatedTableName = names[n-1]
	}
	if out.TableNames == nil {
		out.TableNames = []string{}
	}
	return out
}

// deleteTable serves DeleteTable.
func (r *Router) deleteTable(ctx context.Context, body []byte) (any, error) {
	t, err := r.controlTable(ctx, body)
	if err != nil {
		return nil, err
	}
	if t.DeletionProtection {
		return nil, dberr.Validationf("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
	}
	t, items, size, err := r.tableStats(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("router: stats of table %s: %w", t.Name, err)
	}
	last, err := r.cfg.Catalog.DeleteTable(ctx, t.Name)
	if err != nil {
		return nil, fmt.Errorf("router: delete table %s: %w", t.Name, err)
	}
	last.Status = schema.StatusDeleting
	return tableDescriptionOutput{TableDescription: r.describe(last, items, size)}, nil
}

// describeEndpoints serves DescribeEndpoints: the endpoint is the host the
// client reached, or DynamoDB's regional name when the request had none.
func (r *Router) describeEndpoints(ctx context.Context, body []byte) (any, error) {
	var in struct{}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	addr := requestHost(ctx)
	if addr == "" {
		addr = "dynamodb." + r.cfg.Region + ".amazonaws.com"
	}
	return describeEndpointsOutput{Endpoints: []endpoint{{Address: addr, CachePeriodInMinutes: 1440}}}, nil
}

// describeLimits serves DescribeLimits with DynamoDB's default quotas.
func (r *Router) describeLimits(ctx context.Context, body []byte) (any, error) {
	var in struct{}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return describeLimitsOutput{
		AccountMaxReadCapacityUnits:  80000,
		AccountMaxWriteCapacityUnits: 80000,
		TableMaxReadCapacityUnits:    40000,
		TableMaxWriteCapacityUnits:   40000,
	}, nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sameUTCDay reports whether a and b fall on the same UTC calendar day.
func sameUTCDay(a, b time.Time) bool {
	ay, am, ad := a.UTC().Date()
	by, bm, bd := b.UTC().Date()
	return ay == by && am == bm && ad == bd
}
