package router

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// maxConstraintErrors is how many constraint failures DynamoDB reports in
// one "N validation errors detected" message; it stops looking after that.
const maxConstraintErrors = 10

// maxCapacityUnits is the largest ReadCapacityUnits or WriteCapacityUnits
// DynamoDB accepts before the throughput limits proper apply.
const maxCapacityUnits = 1_000_000_000_000

// Enumerations as DynamoDB lists them in constraint messages.
const (
	enumKeyType       = "Member must satisfy enum value set: [HASH, RANGE]"
	enumAttributeType = "Member must satisfy enum value set: [B, N, S]"
	enumBillingMode   = "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
	enumTableClass    = "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"
	enumSSEType       = "Member must satisfy enum value set: [AES256, KMS]"
	patternName       = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
)

// Table classes.
const (
	classStandard   = "STANDARD"
	classInfrequent = "STANDARD_INFREQUENT_ACCESS"
)

// cappedErr returns c's error after trimming it to DynamoDB's ten messages.
func cappedErr(c *constraints) error {
	if len(c.msgs) > maxConstraintErrors {
		c.msgs = c.msgs[:maxConstraintErrors]
	}
	return c.err()
}

// checkTableNamePresent reports the two TableName failures that DynamoDB's
// control plane raises on their own, before any constraint: a missing name
// and a name outside 3..255 characters.
func checkTableNamePresent(name *string) error {
	if name == nil {
		return dberr.New(dberr.Validation, "The parameter 'TableName' is required but was not present in the request")
	}
	if n := len(*name); n < 3 || n > 255 {
		return dberr.New(dberr.Validation, "TableName must be at least 3 characters long and at most 255 characters long")
	}
	return nil
}

// namePattern records a name that is not made of [a-zA-Z0-9_.-].
func (c *constraints) namePattern(name *string, field string) {
	if name != nil && !validTableName(*name) {
		c.add(*name, field, patternName)
	}
}

// enum records value at field when it is set and not one of allowed.
func (c *constraints) oneOf(value *string, field, constraint string, allowed ...string) {
	if value != nil && !slices.Contains(allowed, *value) {
		c.add(*value, field, constraint)
	}
}

// throughput records ProvisionedThroughput's member failures.
func (c *constraints) throughput(pt *provisionedThroughput, field string) {
	if pt == nil {
		return
	}
	units := []struct {
		v    *int64
		name string
	}{{pt.WriteCapacityUnits, "writeCapacityUnits"}, {pt.ReadCapacityUnits, "readCapacityUnits"}}
	for _, u := range units {
		switch {
		case u.v == nil:
			c.addNull(field + "." + u.name)
		case *u.v < 1:
			c.add(*u.v, field+"."+u.name, "Member must have value greater than or equal to 1")
		}
	}
}

// attributeDefinitions records AttributeDefinitions' failures.
func (c *constraints) attributeDefinitions(defs []attributeDefinition) {
	if defs == nil {
		c.addNull("attributeDefinitions")
		return
	}
	for i, d := range defs {
		prefix := fmt.Sprintf("attributeDefinitions.%d.member.", i+1)
		if d.AttributeName == nil {
			c.addNull(prefix + "attributeName")
		}
		if d.AttributeType == nil {
			c.addNull(prefix + "attributeType")
		}
		c.oneOf(d.AttributeType, prefix+"attributeType", enumAttributeType, "B", "N", "S")
	}
}

// keySchema records KeySchema's failures.
func (c *constraints) keySchema(ks []keySchemaElement) {
	switch {
	case ks == nil:
		c.addNull("keySchema")
		return
	case len(ks) == 0:
		c.add("[]", "keySchema", "Member must have length greater than or equal to 1")
	case len(ks) > 2:
		c.add(renderKeySchema(ks), "keySchema", "Member must have length less than or equal to 2")
	}
	for i, k := range ks {
		prefix := fmt.Sprintf("keySchema.%d.member.", i+1)
		if k.AttributeName == nil {
			c.addNull(prefix + "attributeName")
		}
		if k.KeyType == nil {
			c.addNull(prefix + "keyType")
		}
		c.oneOf(k.KeyType, prefix+"keyType", enumKeyType, "HASH", "RANGE")
	}
}

// renderKeySchema renders a KeySchema as DynamoDB quotes it in messages.
func renderKeySchema(ks []keySchemaElement) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = fmt.Sprintf("KeySchemaElement(attributeName=%s, keyType=%s)", orEmpty(k.AttributeName), orEmpty(k.KeyType))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// tags records the length failures of Tags' members.
func (c *constraints) tags(tags []wireTag, field string) {
	for i, t := range tags {
		prefix := fmt.Sprintf("%s.%d.member.", field, i+1)
		switch {
		case t.Key == nil:
			c.addNull(prefix + "key")
		case utf8.RuneCountInString(*t.Key) < 1:
			c.add(*t.Key, prefix+"key", "Member must have length greater than or equal to 1")
		case utf8.RuneCountInString(*t.Key) > 128:
			c.add(*t.Key, prefix+"key", "Member must have length less than or equal to 128")
		}
		if t.Value != nil && utf8.RuneCountInString(*t.Value) > 256 {
			c.add(*t.Value, prefix+"value", "Member must have length less than or equal to 256")
		}
	}
}

// sse records SSESpecification's member failures.
func (c *constraints) sse(s *sseSpecification) {
	if s != nil {
		c.oneOf(s.SSEType, "sSESpecification.sSEType", enumSSEType, "AES256", "KMS")
	}
}

func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// validateCreateShape runs CreateTable's constraint checks, in the order
// DynamoDB reports them.
func validateCreateShape(in *createTableInput) error {
	if err := checkTableNamePresent(in.TableName); err != nil {
		return err
	}
	var c constraints
	c.attributeDefinitions(in.AttributeDefinitions)
	c.namePattern(in.TableName, "tableName")
	c.oneOf(in.BillingMode, "billingMode", enumBillingMode, schema.BillingProvisioned, schema.BillingPayPerRequest)
	c.throughput(in.ProvisionedThroughput, "provisionedThroughput")
	c.keySchema(in.KeySchema)
	if in.StreamSpecification != nil && in.StreamSpecification.StreamEnabled == nil {
		c.addNull("streamSpecification.streamEnabled")
	}
	c.sse(in.SSESpecification)
	c.tags(in.Tags, "tags")
	c.oneOf(in.TableClass, "tableClass", enumTableClass, classStandard, classInfrequent)
	return cappedErr(&c)
}

// checkBilling checks CreateTable's BillingMode against its
// ProvisionedThroughput and the throughput bounds.
func checkBilling(mode string, pt *provisionedThroughput) error {
	switch {
	case mode == schema.BillingPayPerRequest && pt != nil:
		return dberr.Invalidf("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	case mode == schema.BillingProvisioned && pt == nil:
		return dberr.Invalidf("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	return checkThroughputBounds(pt)
}

// checkThroughputBounds rejects capacity above DynamoDB's hard bound.
func checkThroughputBounds(pt *provisionedThroughput) error {
	if pt == nil {
		return nil
	}
	if *pt.ReadCapacityUnits > maxCapacityUnits {
		return dberr.Validationf("Given value %d for ReadCapacityUnits is out of bounds", *pt.ReadCapacityUnits)
	}
	if *pt.WriteCapacityUnits > maxCapacityUnits {
		return dberr.Validationf("Given value %d for WriteCapacityUnits is out of bounds", *pt.WriteCapacityUnits)
	}
	return nil
}

// checkKeySchema checks a table's KeySchema against its
// AttributeDefinitions with DynamoDB's messages and returns the key.
func checkKeySchema(ks []keySchemaElement, defs []attributeDefinition) (schema.KeySchema, error) {
	var key schema.KeySchema
	if len(ks) > len(defs) {
		return key, dberr.Validationf("Invalid KeySchema: Some index key attribute have no definition")
	}
	defNames := make([]string, len(defs))
	for i, d := range defs {
		defNames[i] = *d.AttributeName
		if slices.Contains(defNames[:i], defNames[i]) {
			return key, dberr.Validationf("Attribute Name is duplicated: %s", defNames[i])
		}
	}
	keyNames := make([]string, len(ks))
	for i, k := range ks {
		keyNames[i] = *k.AttributeName
	}
	for _, k := range keyNames {
		if !slices.Contains(defNames, k) {
			return key, dberr.Invalidf("Some index key attributes are not defined in AttributeDefinitions. Keys: [%s], AttributeDefinitions: [%s]",
				strings.Join(keyNames, ", "), strings.Join(defNames, ", "))
		}
	}
	if len(ks) == 2 && keyNames[0] == keyNames[1] {
		return key, dberr.Validationf("Both the Hash Key and the Range Key element in the KeySchema have the same name")
	}
	if *ks[0].KeyType != "HASH" {
		return key, dberr.Validationf("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
	}
	if len(ks) == 2 && *ks[1].KeyType != "RANGE" {
		return key, dberr.Validationf("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
	}
	key.Hash = keyAttr(keyNames[0], defs)
	if len(ks) == 2 {
		key.Range = keyAttr(keyNames[1], defs)
	}
	return key, nil
}

// keyAttr returns the defined key attribute called name.
func keyAttr(name string, defs []attributeDefinition) schema.KeyAttr {
	for _, d := range defs {
		if *d.AttributeName == name {
			return schema.KeyAttr{Name: name, Type: attr.ParseType(*d.AttributeType)}
		}
	}
	return schema.KeyAttr{Name: name}
}

// checkUnsupportedCreate refuses the CreateTable features flotilla does not
// serve yet, rather than ignoring them silently.
func checkUnsupportedCreate(in *createTableInput) error {
	switch {
	case in.LocalSecondaryIndexes != nil:
		return dberr.Validationf("LocalSecondaryIndexes are not supported by flotilla yet")
	case in.GlobalSecondaryIndexes != nil:
		return dberr.Validationf("GlobalSecondaryIndexes are not supported by flotilla yet")
	}
	return nil
}

// checkStreamCreate checks CreateTable's StreamSpecification.
func checkStreamCreate(s *streamSpecification) error {
	switch {
	case s == nil:
		return nil
	case *s.StreamEnabled:
		return dberr.Validationf("StreamSpecification is not supported by flotilla yet")
	case s.StreamViewType != nil:
		return dberr.Invalidf("Table is being created with a stream disabled, UpdateViewType should not be specified")
	}
	return nil
}

// checkSSE checks an SSESpecification's members against each other.
func checkSSE(s *sseSpecification) error {
	if s == nil {
		return nil
	}
	enabled := s.Enabled != nil && *s.Enabled
	switch {
	case !enabled && s.SSEType != nil:
		return dberr.Invalidf("SSEType can not be specified if Enabled is false")
	case !enabled && s.KMSMasterKeyID != nil:
		return dberr.Invalidf("KMSMasterKeyId can not be specified if Enabled is false")
	case s.SSEType != nil && *s.SSEType == "AES256":
		return dberr.Invalidf("SSEType AES256 is not supported")
	case s.KMSMasterKeyID != nil && s.SSEType == nil:
		return dberr.Invalidf("SSEType KMS is required if KMSMasterKeyId is specified")
	}
	return nil
}
