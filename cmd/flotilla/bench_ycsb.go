package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/flotilla-db/flotilla/cmd/flotilla/ycsb"
)

// runYCSB runs a YCSB workload's load and/or run phase and prints the
// outcome; it writes the CSV and HTML reports when asked.
func runYCSB(ctx context.Context, f *benchFlags, stdout, stderr io.Writer) error {
	y := f.ycsb
	clients := make([]*dynamodb.Client, len(f.endpoints))
	for i, e := range f.endpoints {
		c, err := ycsb.NewClient(endpointURL(e), connsFor(f, i))
		if err != nil {
			return err
		}
		clients[i] = c
	}
	table := ycsb.NewTable(ycsbTableName(f), y.workload, y.buckets, f.consistent, clients)
	cfg := ycsbConfig(f, stderr)
	fmt.Fprintf(stdout, "table %s, %d records, %d clients over %d endpoints, ~%d-byte items (10 fields of %d bytes), ConsistentRead: %v\n",
		table.Name, y.records, f.clients, len(f.endpoints), f.itemSize, ycsb.FieldLength(f.itemSize), f.consistent)
	if y.phase != "run" {
		created, err := createIfMissing(ctx, table)
		if err != nil {
			return err
		}
		if created && y.phase == "both" && f.table == "" && !f.keep {
			defer deleteYCSBTable(table, stderr)
		}
		rep, err := ycsb.Load(ctx, cfg, table.Store)
		if rep != nil {
			rep.LoadText(stdout)
		}
		if err != nil {
			return fmt.Errorf("load: %w", err)
		}
	}
	if y.phase == "load" {
		return nil
	}
	rep, err := ycsb.Run(ctx, cfg, table.Store)
	if rep == nil {
		return fmt.Errorf("run: %w", err)
	}
	if werr := writeReports(rep, y, stdout); werr != nil {
		return werr
	}
	return err
}

// ycsbTableName is --table, or the default for the phase.
func ycsbTableName(f *benchFlags) string {
	switch {
	case f.table != "":
		return f.table
	case f.ycsb.phase == "both":
		return "flotilla-ycsb-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	case f.ycsb.workload.Ranged:
		return "usertable-e"
	default:
		return "usertable"
	}
}

func ycsbConfig(f *benchFlags, stderr io.Writer) ycsb.Config {
	y := f.ycsb
	return ycsb.Config{
		Workload: y.workload, Distribution: y.distribution, Records: y.records, Operations: y.operations,
		Duration: f.duration, Clients: f.clients, Target: y.target, ItemSize: f.itemSize, MaxScan: y.maxScan,
		Seed: y.seed, Progress: stderr, ProgressTTY: ycsb.IsTerminal(stderr),
	}
}

// createIfMissing creates the table unless it exists already; it reports
// whether it did.
func createIfMissing(ctx context.Context, t *ycsb.Table) (bool, error) {
	err := t.Create(ctx)
	if inUse := new(types.ResourceInUseException); errors.As(err, &inUse) {
		return false, nil
	}
	return err == nil, err
}

func deleteYCSBTable(t *ycsb.Table, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := t.Delete(ctx); err != nil {
		fmt.Fprintf(stderr, "flotilla bench: %v\n", err)
	}
}

// writeReports prints the run's report and writes the files asked for.
func writeReports(rep *ycsb.Report, y *ycsbFlags, stdout io.Writer) error {
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	for _, out := range []struct {
		path  string
		write func(io.Writer) error
	}{{y.csv, rep.WriteCSV}, {y.html, rep.WriteHTML}} {
		if out.path == "" {
			continue
		}
		if err := writeFile(out.path, out.write); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", out.path)
	}
	return nil
}

func writeFile(path string, write func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	if err := write(file); err != nil {
		file.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}
