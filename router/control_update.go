package router

import (
	"context"
	"fmt"
	"time"

	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/schema"
)

// updateTable serves UpdateTable.
func (r *Router) updateTable(ctx context.Context, body []byte) (any, error) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := validateUpdate(&in); err != nil {
		return nil, err
	}
	now := r.cfg.Now()
	t, err := r.cfg.Catalog.UpdateTable(ctx, *in.TableName, func(t *schema.Table) error {
		return r.applyUpdate(t, &in, now)
	})
	if err != nil {
		return nil, fmt.Errorf("router: update table %s: %w", *in.TableName, err)
	}
	d, err := r.describeWithStats(ctx, t)
	if err != nil {
		return nil, err
	}
	return tableDescriptionOutput{TableDescription: d}, nil
}

// validateUpdate checks an UpdateTable request on its own, before the
// table is read.
func validateUpdate(in *updateTableInput) error {
	if err := checkTableNamePresent(in.TableName); err != nil {
		return err
	}
	var c constraints
	c.namePattern(in.TableName, "tableName")
	c.oneOf(in.BillingMode, "billingMode", enumBillingMode, schema.BillingProvisioned, schema.BillingPayPerRequest)
	c.throughput(in.ProvisionedThroughput, "provisionedThroughput")
	c.sse(in.SSESpecification)
	c.oneOf(in.TableClass, "tableClass", enumTableClass, classStandard, classInfrequent)
	if err := cappedErr(&c); err != nil {
		return err
	}
	if err := checkUpdateRequested(in); err != nil {
		return err
	}
	if err := checkThroughputBounds(in.ProvisionedThroughput); err != nil {
		return err
	}
	if err := checkUpdateAlone(in); err != nil {
		return err
	}
	if err := checkSSE(in.SSESpecification); err != nil {
		return err
	}
	if in.BillingMode != nil && *in.BillingMode == schema.BillingPayPerRequest && in.ProvisionedThroughput != nil {
		return dberr.Invalidf("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	}
	return nil
}

// checkUpdateRequested rejects an UpdateTable that asks for nothing, and
// the updates flotilla does not serve yet.
func checkUpdateRequested(in *updateTableInput) error {
	if in.ProvisionedThroughput == nil && in.BillingMode == nil && in.StreamSpecification == nil &&
		len(in.GlobalSecondaryIndexUpdates) == 0 && in.SSESpecification == nil && len(in.ReplicaUpdates) == 0 &&
		in.DeletionProtectionEnabled == nil && in.OnDemandThroughput == nil && in.WarmThroughput == nil &&
		in.TableClass == nil {
		return dberr.Validationf("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, " +
			"GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, " +
			"ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, " +
			"WarmThroughput or TableClass is required")
	}
	unsupported := []struct {
		set  bool
		name string
	}{
		{len(in.GlobalSecondaryIndexUpdates) > 0, "GlobalSecondaryIndexUpdates are"},
		{in.StreamSpecification != nil, "StreamSpecification is"},
		{len(in.ReplicaUpdates) > 0, "ReplicaUpdates are"},
		{in.OnDemandThroughput != nil, "OnDemandThroughput is"},
		{in.WarmThroughput != nil, "WarmThroughput is"},
	}
	for _, u := range unsupported {
		if u.set {
			return dberr.Validationf("%s not supported by flotilla yet", u.name)
		}
	}
	return nil
}

// checkUpdateAlone enforces DynamoDB's rule that encryption, table class
// and deletion protection changes each come in a request of their own.
func checkUpdateAlone(in *updateTableInput) error {
	capacity := in.ProvisionedThroughput != nil || in.BillingMode != nil
	groups := []struct {
		set  bool
		name string
	}{
		{in.SSESpecification != nil, "Server-Side Encryption"},
		{in.TableClass != nil, "TableClass"},
		{in.DeletionProtectionEnabled != nil, "DeletionProtection"},
	}
	n := 0
	if capacity {
		n++
	}
	for _, g := range groups {
		if g.set {
			n++
		}
	}
	for _, g := range groups {
		if g.set && n > 1 {
			return dberr.Invalidf("%s modification must be the only operation in the request", g.name)
		}
	}
	return nil
}

// applyUpdate applies a validated UpdateTable request to t.
func (r *Router) applyUpdate(t *schema.Table, in *updateTableInput, now time.Time) error {
	switch {
	case in.BillingMode != nil:
		if err := switchBilling(t, *in.BillingMode, in.ProvisionedThroughput, now); err != nil {
			return err
		}
	case in.ProvisionedThroughput != nil:
		if t.BillingMode == schema.BillingPayPerRequest {
			return dberr.Invalidf("ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST")
		}
		if err := setThroughput(t, in.ProvisionedThroughput, now); err != nil {
			return err
		}
	}
	if in.DeletionProtectionEnabled != nil {
		t.DeletionProtection = *in.DeletionProtectionEnabled
	}
	if in.TableClass != nil {
		t.TableClass = *in.TableClass
	}
	if s := in.SSESpecification; s != nil {
		if (s.Enabled == nil || !*s.Enabled) && t.SSE == nil {
			return dberr.Invalidf("Table is already encrypted by default")
		}
		t.SSE = r.sseSetting(s)
	}
	return nil
}

// switchBilling moves t to billing mode (pt is the request's throughput,
// already checked to be absent for PAY_PER_REQUEST).
func switchBilling(t *schema.Table, mode string, pt *provisionedThroughput, now time.Time) error {
	switch {
	case mode == schema.BillingPayPerRequest:
		if t.BillingMode != mode {
			t.BillingMode = mode
			t.BillingModeUpdated = now
			t.Throughput.ReadCapacityUnits, t.Throughput.WriteCapacityUnits = 0, 0
		}
		return nil
	case t.BillingMode == schema.BillingPayPerRequest && pt == nil:
		return dberr.Invalidf("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
	case t.BillingMode == schema.BillingPayPerRequest:
		t.BillingMode = mode
		t.Throughput.ReadCapacityUnits, t.Throughput.WriteCapacityUnits = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
		return nil
	case pt != nil:
		return setThroughput(t, pt, now)
	}
	return nil
}

// setThroughput changes a provisioned table's capacity, recording the
// increase or decrease as DynamoDB does.
func setThroughput(t *schema.Table, pt *provisionedThroughput, now time.Time) error {
	cur := &t.Throughput
	read, write := *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	if read == cur.ReadCapacityUnits && write == cur.WriteCapacityUnits {
		return dberr.Validationf("The provisioned throughput for the table will not change. The requested value equals the current value. "+
			"Current ReadCapacityUnits provisioned for the table: %d. Requested ReadCapacityUnits: %d. "+
			"Current WriteCapacityUnits provisioned for the table: %d. Requested WriteCapacityUnits: %d. "+
			"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
			cur.ReadCapacityUnits, read, cur.WriteCapacityUnits, write)
	}
	if read > cur.ReadCapacityUnits || write > cur.WriteCapacityUnits {
		cur.LastIncreaseDateTime = now
	}
	if read < cur.ReadCapacityUnits || write < cur.WriteCapacityUnits {
		if !sameUTCDay(cur.LastDecreaseDateTime, now) {
			cur.NumberOfDecreasesToday = 0
		}
		cur.LastDecreaseDateTime = now
		cur.NumberOfDecreasesToday++
	}
	cur.ReadCapacityUnits, cur.WriteCapacityUnits = read, write
	return nil
}
