package router

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/flotilla-db/flotilla/partition/attr"
)

// This file writes response bodies. encoding/json re-validates and
// compacts whatever a MarshalJSON method returns, which for an item
// response costs more than writing the item; the hot responses (GetItem
// and the single-item writes) therefore write their JSON themselves.

// jsonAppender is a response that writes its own JSON, exactly as
// encoding/json (without HTML escaping) would write it.
type jsonAppender interface {
	appendJSON(dst []byte) ([]byte, error)
}

// maxPooledBuffer is the largest response buffer kept for reuse; larger
// ones (Query and Scan pages) are left to the garbage collector.
const maxPooledBuffer = 64 << 10

// bufferPool hands out response buffers. The zero value is ready to use
// and safe for concurrent use.
type bufferPool struct{ p sync.Pool }

func (bp *bufferPool) get() *[]byte {
	if b, ok := bp.p.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4096)
	return &b
}

func (bp *bufferPool) put(b *[]byte) {
	if cap(*b) <= maxPooledBuffer {
		*b = (*b)[:0]
		bp.p.Put(b)
	}
}

// appendResponse appends v's JSON encoding to dst.
func appendResponse(dst []byte, v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		return a.appendJSON(dst)
	}
	buf := bytes.NewBuffer(dst)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// internalErrorBody is the response body when a response cannot be encoded.
const internalErrorBody = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"Internal server error"}`

// appendJSON appends v's JSON encoding to dst and returns status, or an
// InternalServerError when v cannot be encoded.
func (r *Router) appendJSON(dst []byte, status int, v any) (int, []byte) {
	b, err := appendResponse(dst, v)
	if err != nil {
		r.log.Error("encode response", "err", err)
		return http.StatusInternalServerError, append(dst[:0], internalErrorBody...)
	}
	return status, b
}

// appendItemField appends `"name":item` after a '{' or a previous field;
// first reports whether it is the object's first field.
func appendItemField(dst []byte, name string, it attr.Item, first bool) []byte {
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, `":`...)
	return attr.AppendItemJSON(dst, it)
}

// appendCapacityField appends `,"ConsumedCapacity":{...}` (or without the
// comma when first) with encoding/json's formatting of the numbers.
func appendCapacityField(dst []byte, c *consumedCapacity, first bool) ([]byte, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return dst, err
	}
	if !first {
		dst = append(dst, ',')
	}
	dst = append(dst, `"ConsumedCapacity":`...)
	return append(dst, b...), nil
}

// appendItemResponse writes {"<name>":item,"ConsumedCapacity":c} leaving
// out an empty item and a nil c, as the struct tags of getItemOutput and
// writeOutput do.
func appendItemResponse(dst []byte, name string, it attr.Item, c *consumedCapacity) ([]byte, error) {
	if err := checkTyped(it); err != nil {
		return dst, err
	}
	dst = append(dst, '{')
	first := true
	if len(it) > 0 {
		dst = appendItemField(dst, name, it, true)
		first = false
	}
	if c != nil {
		var err error
		if dst, err = appendCapacityField(dst, c, first); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// checkTyped fails, as Item.MarshalJSON does, when a value without a type
// is anywhere in it.
func checkTyped(it attr.Item) error {
	for _, v := range it {
		if !typed(v) {
			_, err := it.MarshalJSON()
			return err
		}
	}
	return nil
}

func typed(v attr.Value) bool {
	switch v.T {
	case attr.TypeInvalid:
		return false
	case attr.TypeL:
		for _, el := range v.L {
			if !typed(el) {
				return false
			}
		}
	case attr.TypeM:
		for _, el := range v.M {
			if !typed(el) {
				return false
			}
		}
	}
	return true
}

func (o *getItemOutput) appendJSON(dst []byte) ([]byte, error) {
	return appendItemResponse(dst, "Item", o.Item, o.ConsumedCapacity)
}

func (o *writeOutput) appendJSON(dst []byte) ([]byte, error) {
	return appendItemResponse(dst, "Attributes", o.Attributes, o.ConsumedCapacity)
}

// encodedItemOutput is a GetItem response of the whole item, without
// consumed capacity, from the item's storage encoding (nil: no item).
type encodedItemOutput []byte

func (o encodedItemOutput) appendJSON(dst []byte) ([]byte, error) {
	if o == nil {
		return append(dst, "{}"...), nil
	}
	dst = append(dst, `{"Item":`...)
	dst, err := attr.AppendEncodedItemJSON(dst, o)
	if err != nil {
		return dst, fmt.Errorf("router: stored item: %w", err)
	}
	return append(dst, '}'), nil
}

var (
	_ jsonAppender = encodedItemOutput(nil)
	_ jsonAppender = (*getItemOutput)(nil)
	_ jsonAppender = (*writeOutput)(nil)
)
