package schema

import (
	"time"

	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
)

// KeyAttr is one key attribute: its name and its scalar type (S, N or B).
type KeyAttr struct {
	Name string    `json:"name"`
	Type attr.Type `json:"type"`
}

// KeySchema is a table's or index's primary key. Range.Name is empty for a
// hash-only key.
type KeySchema struct {
	Hash  KeyAttr `json:"hash"`
	Range KeyAttr `json:"range"`
}

// HasRange reports whether the key has a sort key.
func (k KeySchema) HasRange() bool { return k.Range.Name != "" }

// Attrs returns the key attributes, hash key first.
func (k KeySchema) Attrs() []KeyAttr {
	if k.HasRange() {
		return []KeyAttr{k.Hash, k.Range}
	}
	return []KeyAttr{k.Hash}
}

// KeyOf returns the key attributes of an item (those it has).
func (k KeySchema) KeyOf(it attr.Item) attr.Item {
	key := make(attr.Item, 2)
	for _, ka := range k.Attrs() {
		if v, ok := it[ka.Name]; ok {
			key[ka.Name] = v
		}
	}
	return key
}

// CheckItem checks that an item holds every key attribute with its
// declared type, with DynamoDB's ValidationException messages.
func (k KeySchema) CheckItem(it attr.Item) error {
	for _, ka := range k.Attrs() {
		v, ok := it[ka.Name]
		if !ok {
			return dberr.Invalidf("Missing the key %s in the item", ka.Name)
		}
		if v.T != ka.Type {
			return dberr.Invalidf("Type mismatch for key %s expected: %s actual: %s", ka.Name, ka.Type, v.T)
		}
	}
	return nil
}

// IsKey reports whether name is one of the key attributes.
func (k KeySchema) IsKey(name string) bool {
	return name == k.Hash.Name || (k.HasRange() && name == k.Range.Name)
}

// Table statuses.
const (
	StatusCreating = "CREATING"
	StatusActive   = "ACTIVE"
	StatusDeleting = "DELETING"
	StatusUpdating = "UPDATING"
)

// Billing modes.
const (
	BillingProvisioned   = "PROVISIONED"
	BillingPayPerRequest = "PAY_PER_REQUEST"
)

// Throughput is provisioned read and write capacity.
type Throughput struct {
	ReadCapacityUnits      int64     `json:"rcu"`
	WriteCapacityUnits     int64     `json:"wcu"`
	LastIncreaseDateTime   time.Time `json:"lastIncrease,omitzero"`
	LastDecreaseDateTime   time.Time `json:"lastDecrease,omitzero"`
	NumberOfDecreasesToday int64     `json:"decreasesToday"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// SSE is the server-side encryption setting as the client gave it.
type SSE struct {
	Enabled        bool   `json:"enabled"`
	SSEType        string `json:"sseType,omitempty"`
	KMSMasterKeyID string `json:"kmsKeyId,omitempty"`
}

// Table is everything flotilla knows about one table.
type Table struct {
	Name string `json:"name"`
	ID   string `json:"id"`  // UUID, reported as TableId
	ARN  string `json:"arn"` // arn:aws:dynamodb:<region>:<account>:table/<name>
	// Partitions split the partition-key hash space among the table's
	// partitions, sorted by First (see ValidatePartitions).
	Partitions []Partition `json:"partitions"`
	Key        KeySchema   `json:"key"`
	// AttributeDefinitions in the order the client gave them.
	AttributeDefinitions []KeyAttr  `json:"attributeDefinitions"`
	Status               string     `json:"status"`
	CreationDateTime     time.Time  `json:"created"`
	BillingMode          string     `json:"billingMode"`
	BillingModeUpdated   time.Time  `json:"billingModeUpdated,omitzero"`
	Throughput           Throughput `json:"throughput"`
	Tags                 []Tag      `json:"tags,omitempty"`
	TableClass           string     `json:"tableClass,omitempty"`
	DeletionProtection   bool       `json:"deletionProtection"`
	SSE                  *SSE       `json:"sse,omitempty"`
}
