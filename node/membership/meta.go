package membership

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/memberlist"
)

// Meta is what a node tells its peers about itself.
type Meta struct {
	NodeID   string `json:"id"`
	GRPCAddr string `json:"grpc,omitempty"`
	HTTPAddr string `json:"http,omitempty"`
	Zone     string `json:"zone,omitempty"`
}

// wireMeta is Meta as gossiped: the leaving mark is set just before a
// graceful Leave so peers can tell a departure from a failure.
type wireMeta struct {
	Meta
	Leaving bool `json:"leaving,omitempty"`
}

// encodeMeta renders w as memberlist node metadata, rejecting anything
// over memberlist's limit.
func encodeMeta(w wireMeta) ([]byte, error) {
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("membership: encode meta: %w", err)
	}
	if len(b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("membership: Config.Meta encodes to %d bytes, over the %d-byte limit", len(b), memberlist.MetaMaxSize)
	}
	return b, nil
}

// decodeMeta parses a peer's metadata; name fills in a missing node id.
func decodeMeta(name string, b []byte) (wireMeta, error) {
	var w wireMeta
	if len(b) > 0 {
		if err := json.Unmarshal(b, &w); err != nil {
			return wireMeta{Meta: Meta{NodeID: name}}, fmt.Errorf("membership: decode meta of %q: %w", name, err)
		}
	}
	if w.NodeID == "" {
		w.NodeID = name
	}
	return w, nil
}
