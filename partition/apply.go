package partition

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	"github.com/flotilla-db/flotilla/partition/attr"
	"github.com/flotilla-db/flotilla/partition/dberr"
	"github.com/flotilla-db/flotilla/partition/expr"
)

// ApplyBatch applies commands with log indexes first, first+1, ... in one
// storage batch (see ApplyEntries) and returns one Result each. Commands at
// or below AppliedIndex are skipped (their Result is zero). Later commands
// see the effects of earlier ones. A storage fault is returned as the error,
// and then nothing of the batch is applied.
func (p *Partition) ApplyBatch(first uint64, cmds []*Command) ([]Result, error) {
	entries := make([]Entry, len(cmds))
	for i, cmd := range cmds {
		entries[i] = Entry{Index: first + uint64(i), Cmd: cmd}
	}
	return p.ApplyEntries(entries)
}

func (p *Partition) currentMeta() meta {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.meta
}

// change is the outcome of one command before it is written.
type change struct {
	key      []byte
	old, new attr.Item
	update   *expr.Update // nil unless an UpdateExpression was applied
}

// apply applies one command to the batch and metadata. A failed command
// returns its failure in Result.Err and writes nothing; the error is for
// storage faults only.
func (p *Partition) apply(b *pebble.Batch, m *meta, cmd *Command) (Result, error) {
	ch, err := p.prepare(b, cmd)
	if err != nil {
		var de *dberr.Error
		if errors.As(err, &de) {
			return Result{Err: de}, nil
		}
		return Result{}, err
	}
	if err := p.write(b, m, ch); err != nil {
		return Result{}, err
	}
	return Result{
		Attributes: returnValues(cmd.ReturnValues, ch),
		ItemBytes:  max(attr.ItemSize(ch.old), attr.ItemSize(ch.new)),
	}, nil
}

// prepare reads the old item, checks the condition and computes the new
// item. Client-visible failures are *dberr.Error values.
func (p *Partition) prepare(b *pebble.Batch, cmd *Command) (*change, error) {
	if err := p.checkCommandKey(cmd); err != nil {
		return nil, err
	}
	env := expr.NewEnv(cmd.Names, cmd.Values)
	cond, upd, err := parseCommand(cmd, env)
	if err != nil {
		return nil, err
	}
	key, err := p.ks.itemKey(cmd.Item)
	if err != nil {
		return nil, err
	}
	old, err := getItem(b, key)
	if err != nil {
		return nil, err
	}
	if cond != nil && !cond.Eval(old) {
		return nil, conditionFailed(cmd, old)
	}
	ch := &change{key: key, old: old, update: upd}
	if ch.new, err = p.newItem(cmd, old, upd); err != nil {
		return nil, err
	}
	return ch, nil
}

func (p *Partition) checkCommandKey(cmd *Command) error {
	if cmd.Op == OpPut {
		return p.ks.schema.CheckItem(cmd.Item)
	}
	if cmd.Op != OpUpdate && cmd.Op != OpDelete {
		return dberr.New(dberr.Internal, "partition: unknown command op %d", cmd.Op)
	}
	return nil
}

// parseCommand parses the command's condition and update expressions.
func parseCommand(cmd *Command, env *expr.Env) (*expr.Condition, *expr.Update, error) {
	var cond *expr.Condition
	var upd *expr.Update
	var err error
	if cmd.Condition != "" {
		if cond, err = expr.ParseCondition("ConditionExpression", cmd.Condition, env); err != nil {
			return nil, nil, err
		}
	}
	if cmd.Op == OpUpdate && cmd.Update != "" {
		if upd, err = expr.ParseUpdate(cmd.Update, env); err != nil {
			return nil, nil, err
		}
	}
	return cond, upd, nil
}

func conditionFailed(cmd *Command, old attr.Item) error {
	e := dberr.ConditionFailed()
	if cmd.ReturnOldOnConditionFailure && old != nil {
		e.Item = old
	}
	return e
}

// newItem computes the item a command leaves behind (nil: none).
func (p *Partition) newItem(cmd *Command, old attr.Item, upd *expr.Update) (attr.Item, error) {
	switch cmd.Op {
	case OpPut:
		if attr.ItemSize(cmd.Item) > attr.MaxItemSize {
			return nil, dberr.Validationf("Item size has exceeded the maximum allowed size")
		}
		return cmd.Item, nil
	case OpDelete:
		return nil, nil
	}
	base := old
	if base == nil {
		base = p.ks.schema.KeyOf(cmd.Item)
	}
	if upd == nil {
		return base, nil
	}
	it, err := upd.Apply(base)
	if err != nil {
		return nil, err
	}
	if err := p.checkKeyUnchanged(base, it); err != nil {
		return nil, err
	}
	if attr.ItemSize(it) > attr.MaxItemSize {
		return nil, dberr.Validationf("Item size to update has exceeded the maximum allowed size")
	}
	return it, nil
}

// checkKeyUnchanged rejects an update that changed or removed a key
// attribute.
func (p *Partition) checkKeyUnchanged(before, after attr.Item) error {
	for name, v := range p.ks.schema.KeyOf(before) {
		if nv, ok := after[name]; !ok || !attr.Equal(v, nv) {
			return dberr.Invalidf("Cannot update attribute %s. This attribute is part of the key", name)
		}
	}
	return nil
}

// write stores the change in the batch and updates the metadata.
func (p *Partition) write(b *pebble.Batch, m *meta, ch *change) error {
	if ch.new != nil {
		if err := b.Set(ch.key, attr.AppendItem(nil, ch.new), nil); err != nil {
			return fmt.Errorf("write item: %w", err)
		}
		m.items++
		m.bytes += int64(attr.ItemSize(ch.new))
	} else if ch.old != nil {
		if err := b.Delete(ch.key, nil); err != nil {
			return fmt.Errorf("delete item: %w", err)
		}
	}
	if ch.old != nil {
		m.items--
		m.bytes -= int64(attr.ItemSize(ch.old))
	}
	return nil
}

// returnValues computes what ReturnValues asked for; nil for nothing.
func returnValues(rv string, ch *change) attr.Item {
	var out attr.Item
	switch rv {
	case ReturnAllOld:
		out = ch.old
	case ReturnAllNew:
		out = ch.new
	case ReturnUpdatedOld:
		out = projectUpdated(ch.old, ch.update)
	case ReturnUpdatedNew:
		out = projectUpdated(ch.new, ch.update)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func projectUpdated(it attr.Item, upd *expr.Update) attr.Item {
	if it == nil || upd == nil {
		return nil
	}
	paths := upd.Paths()
	if len(paths) == 0 {
		return nil
	}
	return expr.Project(it, paths)
}
