package router

import "github.com/flotilla-db/flotilla/partition/schema"

// ReturnConsumedCapacity settings, as on the wire.
const (
	capacityIndexes = "INDEXES"
	capacityTotal   = "TOTAL"
	capacityNone    = "NONE"
)

// Capacity unit sizes: a write unit covers 1 KB of item, a read unit 4 KB
// read strongly consistently (two reads eventually consistently).
const (
	writeUnitBytes = 1024
	readUnitBytes  = 4096
)

// capacityUnits is the {"CapacityUnits":n} shape of one table or index.
type capacityUnits struct {
	CapacityUnits float64 `json:"CapacityUnits"`
}

// consumedCapacity is DynamoDB's ConsumedCapacity of one table.
type consumedCapacity struct {
	TableName     string         `json:"TableName"`
	CapacityUnits float64        `json:"CapacityUnits"`
	Table         *capacityUnits `json:"Table,omitempty"`
}

// wantCapacity reports whether a ReturnConsumedCapacity setting asks for
// consumed capacity in the response.
func wantCapacity(mode *string) bool {
	return mode != nil && (*mode == capacityTotal || *mode == capacityIndexes)
}

// newCapacity returns the ConsumedCapacity to report for units consumed on t,
// or nil when the request did not ask for it. Both billing modes report it.
func newCapacity(t *schema.Table, mode *string, units float64) *consumedCapacity {
	if !wantCapacity(mode) {
		return nil
	}
	c := &consumedCapacity{TableName: t.Name, CapacityUnits: units}
	if *mode == capacityIndexes {
		c.Table = &capacityUnits{CapacityUnits: units}
	}
	return c
}

// writeUnits is the write capacity of writing an item whose larger version
// (old or new) is size bytes: one unit per started KB, at least one.
func writeUnits(size int) float64 {
	return float64(ceilDiv(size, writeUnitBytes))
}

// readUnits is the read capacity of reading size bytes: one unit per started
// 4 KB, at least one, halved for eventually consistent reads.
func readUnits(size int, consistent bool) float64 {
	u := float64(ceilDiv(size, readUnitBytes))
	if !consistent {
		u /= 2
	}
	return u
}

// ceilDiv divides n by d rounding up, with a minimum of one.
func ceilDiv(n, d int) int {
	if n <= 0 {
		return 1
	}
	return (n + d - 1) / d
}

// capacityTally sums consumed capacity per table in first-seen order, for
// batch operations.
type capacityTally struct {
	order []*schema.Table
	units map[string]float64
}

func (c *capacityTally) add(t *schema.Table, units float64) {
	if c.units == nil {
		c.units = map[string]float64{}
	}
	if _, ok := c.units[t.Name]; !ok {
		c.order = append(c.order, t)
	}
	c.units[t.Name] += units
}

// list renders the tally, or nil when mode does not ask for capacity.
func (c *capacityTally) list(mode *string) []*consumedCapacity {
	if !wantCapacity(mode) {
		return nil
	}
	out := make([]*consumedCapacity, 0, len(c.order))
	for _, t := range c.order {
		out = append(out, newCapacity(t, mode, c.units[t.Name]))
	}
	return out
}
