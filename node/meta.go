package node

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// metaFile is the name of the node identity file in the data directory.
const metaFile = "node.json"

// meta is the identity of a node, persisted in node.json.
type meta struct {
	NodeID    string `json:"nodeId"`
	ClusterID string `json:"clusterId"`
	Region    string `json:"region"`
}

// loadMeta reads node.json in dir, creating it on first start. An explicit
// node id must match the stored one: a data directory belongs to one node.
func loadMeta(dir, nodeID, region string) (meta, bool, error) {
	m, err := readMeta(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m = meta{NodeID: nodeID, Region: region}
		if m.NodeID == "" {
			m.NodeID = "node-" + randomHex(8)
		}
		m.ClusterID = randomHex(16)
		return m, true, writeMeta(dir, m)
	case err != nil:
		return meta{}, false, err
	case nodeID != "" && nodeID != m.NodeID:
		return meta{}, false, fmt.Errorf("node: data directory %s belongs to node %q, not %q", dir, m.NodeID, nodeID)
	case m.Region != region:
		m.Region = region
		return m, false, writeMeta(dir, m)
	}
	return m, false, nil
}

func readMeta(dir string) (meta, error) {
	var m meta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return m, fmt.Errorf("node: read %s: %w", metaFile, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("node: decode %s: %w", filepath.Join(dir, metaFile), err)
	}
	if m.NodeID == "" || m.ClusterID == "" {
		return m, fmt.Errorf("node: %s lacks a node or cluster id", filepath.Join(dir, metaFile))
	}
	return m, nil
}

// writeMeta replaces node.json atomically and durably: write a temporary
// file, sync it, rename it over the old one, sync the directory.
func writeMeta(dir string, m meta) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("node: encode %s: %w", metaFile, err)
	}
	tmp := filepath.Join(dir, metaFile+".tmp")
	if err := writeSynced(tmp, append(b, '\n')); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, metaFile)); err != nil {
		return fmt.Errorf("node: install %s: %w", metaFile, err)
	}
	return syncDir(dir)
}

func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("node: create %s: %w", path, err)
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("node: write %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("node: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("node: sync %s: %w", dir, err)
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
