// Package schema holds table metadata: what a table is called, its key
// schema and the settings DescribeTable reports. The catalog stores these
// values; the router validates requests against them; the partition state
// machine needs only the KeySchema. It also owns the partition map of a
// table: the split of the partition-key hash space into ranges.
//
// Values are plain data, safe to share while nobody mutates them.
package schema
