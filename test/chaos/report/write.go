package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/flotilla-db/flotilla/test/chaos/history"
	"github.com/flotilla-db/flotilla/test/chaos/workload"
)

// Write creates dir if needed and writes the report folder into it:
// summary.txt, history.jsonl, windows.json, results.json, every file the
// results attach (by base name) and timeline.html.
func Write(dir string, r *Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: create %s: %w", dir, err)
	}
	if err := history.WriteJSONL(filepath.Join(dir, "history.jsonl"), r.Ops); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	page, err := Timeline(r)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"summary.txt":   []byte(Summary(r)),
		"timeline.html": page,
	}
	if files["windows.json"], err = indentJSON(nonNil(r.Windows)); err != nil {
		return err
	}
	if files["results.json"], err = indentJSON(nonNil(r.Results)); err != nil {
		return err
	}
	for _, res := range r.Results {
		for name, data := range res.Files {
			files[attachedName(res, name)] = data
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("report: write %s: %w", name, err)
		}
	}
	return nil
}

// reserved names the files Write itself produces.
var reserved = map[string]bool{
	"summary.txt": true, "history.jsonl": true, "windows.json": true,
	"results.json": true, "timeline.html": true,
}

// attachedName is where a result's attached file goes: its base name,
// prefixed by the checker's name if it would replace one of Write's own.
func attachedName(res workload.Result, name string) string {
	base := filepath.Base(name)
	if reserved[base] || base == "." || base == string(filepath.Separator) {
		return res.Checker + "-" + base
	}
	return base
}

func indentJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode %T: %w", v, err)
	}
	return append(b, '\n'), nil
}

// nonNil makes a nil slice encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
