package ycsb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The attribute names of the key.
const (
	KeyAttr    = "ycsb_key"
	BucketAttr = "ycsb_bucket"
)

// Table is a YCSB table in a DynamoDB-compatible database, reached through
// one SDK client per endpoint; client i of a run uses endpoint i modulo
// their number. Safe for concurrent use.
type Table struct {
	Name       string
	Ranged     bool // hash key BucketAttr, range key KeyAttr (workload E)
	Buckets    int  // number of buckets of a ranged table
	Consistent bool // strongly consistent reads and scans
	clients    []*dynamodb.Client
}

// NewTable describes table name for workload w over clients.
func NewTable(name string, w Workload, buckets int, consistent bool, clients []*dynamodb.Client) *Table {
	return &Table{Name: name, Ranged: w.Ranged, Buckets: max(buckets, 1), Consistent: consistent, clients: clients}
}

// Create creates the table through the first endpoint and waits until
// every endpoint reports it active.
func (t *Table) Create(ctx context.Context) error {
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(t.Name),
		BillingMode:          types.BillingModePayPerRequest,
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(KeyAttr), KeyType: types.KeyTypeHash}},
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(KeyAttr), AttributeType: types.ScalarAttributeTypeS}},
	}
	if t.Ranged {
		in.KeySchema = []types.KeySchemaElement{
			{AttributeName: aws.String(BucketAttr), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(KeyAttr), KeyType: types.KeyTypeRange},
		}
		in.AttributeDefinitions = append(in.AttributeDefinitions,
			types.AttributeDefinition{AttributeName: aws.String(BucketAttr), AttributeType: types.ScalarAttributeTypeS})
	}
	if _, err := t.clients[0].CreateTable(ctx, in); err != nil {
		return fmt.Errorf("create table %s: %w", t.Name, err)
	}
	for i, c := range t.clients {
		w := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
			o.MinDelay, o.MaxDelay = 50*time.Millisecond, time.Second
		})
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.Name)}, time.Minute); err != nil {
			return fmt.Errorf("wait for table %s through endpoint %d: %w", t.Name, i, err)
		}
	}
	return nil
}

// Delete deletes the table.
func (t *Table) Delete(ctx context.Context) error {
	if _, err := t.clients[0].DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(t.Name)}); err != nil {
		return fmt.Errorf("delete table %s: %w", t.Name, err)
	}
	return nil
}

// Store returns the Store of client i.
func (t *Table) Store(i int) Store { return &tableStore{t: t, c: t.clients[i%len(t.clients)]} }

// tableStore is one client's view of a Table.
type tableStore struct {
	t *Table
	c *dynamodb.Client
}

var _ Store = (*tableStore)(nil)

func (s *tableStore) key(keynum int64) map[string]types.AttributeValue {
	k := map[string]types.AttributeValue{KeyAttr: &types.AttributeValueMemberS{Value: KeyName(keynum)}}
	if s.t.Ranged {
		k[BucketAttr] = &types.AttributeValueMemberS{Value: BucketName(keynum, s.t.Buckets)}
	}
	return k
}

func (s *tableStore) item(keynum int64, values []string) map[string]types.AttributeValue {
	item := s.key(keynum)
	for i, v := range values {
		item[FieldName(i)] = &types.AttributeValueMemberS{Value: v}
	}
	return item
}

func (s *tableStore) Read(ctx context.Context, keynum int64) error {
	_, err := s.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.t.Name), Key: s.key(keynum),
		ConsistentRead: aws.Bool(s.t.Consistent)})
	return err
}

func (s *tableStore) Update(ctx context.Context, keynum int64, field int, value string) error {
	_, err := s.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(s.t.Name),
		Key:                       s.key(keynum),
		UpdateExpression:          aws.String("SET #f = :v"),
		ExpressionAttributeNames:  map[string]string{"#f": FieldName(field)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: value}},
	})
	return err
}

func (s *tableStore) Insert(ctx context.Context, keynum int64, values []string) error {
	_, err := s.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.t.Name), Item: s.item(keynum, values)})
	return err
}

// InsertBatch writes the records with BatchWriteItem, resending whatever
// comes back unprocessed (after a short pause that grows) up to ten times.
func (s *tableStore) InsertBatch(ctx context.Context, keynums []int64, values [][]string) error {
	reqs := make([]types.WriteRequest, len(keynums))
	for i, k := range keynums {
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: s.item(k, values[i])}}
	}
	pending := map[string][]types.WriteRequest{s.t.Name: reqs}
	for attempt := range 10 {
		out, err := s.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
		if err != nil {
			return err
		}
		if len(out.UnprocessedItems) == 0 {
			return nil
		}
		pending = out.UnprocessedItems
		realClock{}.SleepUntil(ctx, time.Now().Add(time.Duration(attempt+1)*10*time.Millisecond))
	}
	return fmt.Errorf("batch write: %d tables still unprocessed after 10 attempts", len(pending))
}

// Scan queries the record's bucket from its key on.
func (s *tableStore) Scan(ctx context.Context, keynum int64, n int) error {
	if !s.t.Ranged {
		return fmt.Errorf("scan needs a ranged table (workload e); %s has a hash key only", s.t.Name)
	}
	_, err := s.c.Query(ctx, &dynamodb.QueryInput{
		TableName:                aws.String(s.t.Name),
		KeyConditionExpression:   aws.String("#b = :b AND #k >= :k"),
		ExpressionAttributeNames: map[string]string{"#b": BucketAttr, "#k": KeyAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":b": &types.AttributeValueMemberS{Value: BucketName(keynum, s.t.Buckets)},
			":k": &types.AttributeValueMemberS{Value: KeyName(keynum)},
		},
		Limit:          aws.Int32(int32(n)),
		ConsistentRead: aws.Bool(s.t.Consistent),
	})
	return err
}
