package router

import (
	"strconv"
	"time"
)

// Wire types of the control plane (tables, tags, endpoints and limits), with
// DynamoDB's field names. Request fields are pointers so that validation can
// tell a missing member from a zero one.

// keySchemaElement is one element of a KeySchema.
type keySchemaElement struct {
	AttributeName *string `json:"AttributeName"`
	KeyType       *string `json:"KeyType"`
}

// attributeDefinition is one element of AttributeDefinitions.
type attributeDefinition struct {
	AttributeName *string `json:"AttributeName"`
	AttributeType *string `json:"AttributeType"`
}

// provisionedThroughput is a request's ProvisionedThroughput.
type provisionedThroughput struct {
	ReadCapacityUnits  *int64 `json:"ReadCapacityUnits"`
	WriteCapacityUnits *int64 `json:"WriteCapacityUnits"`
}

// sseSpecification is a request's SSESpecification.
type sseSpecification struct {
	Enabled        *bool   `json:"Enabled"`
	SSEType        *string `json:"SSEType"`
	KMSMasterKeyID *string `json:"KMSMasterKeyId"`
}

// streamSpecification is a request's StreamSpecification.
type streamSpecification struct {
	StreamEnabled  *bool   `json:"StreamEnabled"`
	StreamViewType *string `json:"StreamViewType"`
}

// wireTag is one resource tag.
type wireTag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

// createTableInput is CreateTable's request.
type createTableInput struct {
	TableName                 *string                `json:"TableName"`
	AttributeDefinitions      []attributeDefinition  `json:"AttributeDefinitions"`
	KeySchema                 []keySchemaElement     `json:"KeySchema"`
	BillingMode               *string                `json:"BillingMode"`
	ProvisionedThroughput     *provisionedThroughput `json:"ProvisionedThroughput"`
	LocalSecondaryIndexes     []any                  `json:"LocalSecondaryIndexes"`
	GlobalSecondaryIndexes    []any                  `json:"GlobalSecondaryIndexes"`
	StreamSpecification       *streamSpecification   `json:"StreamSpecification"`
	SSESpecification          *sseSpecification      `json:"SSESpecification"`
	Tags                      []wireTag              `json:"Tags"`
	TableClass                *string                `json:"TableClass"`
	DeletionProtectionEnabled *bool                  `json:"DeletionProtectionEnabled"`
}

// tableNameInput is the request of DescribeTable and DeleteTable.
type tableNameInput struct {
	TableName *string `json:"TableName"`
}

// updateTableInput is UpdateTable's request. Members flotilla does not
// support yet are decoded so that they can be refused explicitly.
type updateTableInput struct {
	TableName                   *string                `json:"TableName"`
	AttributeDefinitions        []attributeDefinition  `json:"AttributeDefinitions"`
	BillingMode                 *string                `json:"BillingMode"`
	ProvisionedThroughput       *provisionedThroughput `json:"ProvisionedThroughput"`
	GlobalSecondaryIndexUpdates []any                  `json:"GlobalSecondaryIndexUpdates"`
	StreamSpecification         *streamSpecification   `json:"StreamSpecification"`
	SSESpecification            *sseSpecification      `json:"SSESpecification"`
	ReplicaUpdates              []any                  `json:"ReplicaUpdates"`
	TableClass                  *string                `json:"TableClass"`
	DeletionProtectionEnabled   *bool                  `json:"DeletionProtectionEnabled"`
	OnDemandThroughput          *struct{}              `json:"OnDemandThroughput"`
	WarmThroughput              *struct{}              `json:"WarmThroughput"`
}

// listTablesInput is ListTables' request.
type listTablesInput struct {
	ExclusiveStartTableName *string `json:"ExclusiveStartTableName"`
	Limit                   *int64  `json:"Limit"`
}

// listTablesOutput is ListTables' response.
type listTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

// tagResourceInput is TagResource's request.
type tagResourceInput struct {
	ResourceArn *string   `json:"ResourceArn"`
	Tags        []wireTag `json:"Tags"`
}

// untagResourceInput is UntagResource's request.
type untagResourceInput struct {
	ResourceArn *string   `json:"ResourceArn"`
	TagKeys     []*string `json:"TagKeys"`
}

// listTagsInput is ListTagsOfResource's request.
type listTagsInput struct {
	ResourceArn *string `json:"ResourceArn"`
	NextToken   *string `json:"NextToken"`
}

// tagOut is one tag in a response.
type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// listTagsOutput is ListTagsOfResource's response.
type listTagsOutput struct {
	Tags []tagOut `json:"Tags"`
}

// epochTime is a time on the wire: seconds since the Unix epoch as a JSON
// number with a millisecond fraction, as DynamoDB reports it.
type epochTime time.Time

// MarshalJSON renders t as seconds with three decimals.
func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	b := strconv.AppendInt(nil, sec, 10)
	b = append(b, '.')
	return append(b, byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10)), nil
}

// epochPtr returns nil for the zero time, so that omitempty drops it.
func epochPtr(t time.Time) *epochTime {
	if t.IsZero() {
		return nil
	}
	e := epochTime(t)
	return &e
}

// keySchemaOut is one KeySchema element in a response.
type keySchemaOut struct {
	AttributeName string `json:"AttributeName"`
	KeyType       string `json:"KeyType"`
}

// attributeDefinitionOut is one AttributeDefinitions element in a response.
type attributeDefinitionOut struct {
	AttributeName string `json:"AttributeName"`
	AttributeType string `json:"AttributeType"`
}

// throughputDescription is ProvisionedThroughputDescription.
type throughputDescription struct {
	LastIncreaseDateTime   *epochTime `json:"LastIncreaseDateTime,omitempty"`
	LastDecreaseDateTime   *epochTime `json:"LastDecreaseDateTime,omitempty"`
	NumberOfDecreasesToday int64      `json:"NumberOfDecreasesToday"`
	ReadCapacityUnits      int64      `json:"ReadCapacityUnits"`
	WriteCapacityUnits     int64      `json:"WriteCapacityUnits"`
}

// billingModeSummary is BillingModeSummary.
type billingModeSummary struct {
	BillingMode                       string     `json:"BillingMode"`
	LastUpdateToPayPerRequestDateTime *epochTime `json:"LastUpdateToPayPerRequestDateTime,omitempty"`
}

// tableClassSummary is TableClassSummary.
type tableClassSummary struct {
	TableClass string `json:"TableClass"`
}

// sseDescription is SSEDescription.
type sseDescription struct {
	Status          string `json:"Status"`
	SSEType         string `json:"SSEType"`
	KMSMasterKeyArn string `json:"KMSMasterKeyArn"`
}

// tableDescription is DynamoDB's TableDescription.
type tableDescription struct {
	AttributeDefinitions      []attributeDefinitionOut `json:"AttributeDefinitions"`
	TableName                 string                   `json:"TableName"`
	KeySchema                 []keySchemaOut           `json:"KeySchema"`
	TableStatus               string                   `json:"TableStatus"`
	CreationDateTime          epochTime                `json:"CreationDateTime"`
	ProvisionedThroughput     throughputDescription    `json:"ProvisionedThroughput"`
	TableSizeBytes            int64                    `json:"TableSizeBytes"`
	ItemCount                 int64                    `json:"ItemCount"`
	TableArn                  string                   `json:"TableArn"`
	TableID                   string                   `json:"TableId"`
	BillingModeSummary        *billingModeSummary      `json:"BillingModeSummary,omitempty"`
	TableClassSummary         *tableClassSummary       `json:"TableClassSummary,omitempty"`
	SSEDescription            *sseDescription          `json:"SSEDescription,omitempty"`
	DeletionProtectionEnabled bool                     `json:"DeletionProtectionEnabled"`
}

// tableDescriptionOutput wraps a description as CreateTable, UpdateTable
// and DeleteTable return it.
type tableDescriptionOutput struct {
	TableDescription *tableDescription `json:"TableDescription"`
}

// describeTableOutput is DescribeTable's response.
type describeTableOutput struct {
	Table *tableDescription `json:"Table"`
}

// endpoint is one element of DescribeEndpoints' response.
type endpoint struct {
	Address              string `json:"Address"`
	CachePeriodInMinutes int64  `json:"CachePeriodInMinutes"`
}

// describeEndpointsOutput is DescribeEndpoints' response.
type describeEndpointsOutput struct {
	Endpoints []endpoint `json:"Endpoints"`
}

// describeLimitsOutput is DescribeLimits' response.
type describeLimitsOutput struct {
	AccountMaxReadCapacityUnits  int64 `json:"AccountMaxReadCapacityUnits"`
	AccountMaxWriteCapacityUnits int64 `json:"AccountMaxWriteCapacityUnits"`
	TableMaxReadCapacityUnits    int64 `json:"TableMaxReadCapacityUnits"`
	TableMaxWriteCapacityUnits   int64 `json:"TableMaxWriteCapacityUnits"`
}

// emptyOutput is the body of operations that return nothing.
type emptyOutput struct{}
