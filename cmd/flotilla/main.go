package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `flotilla is a DynamoDB-compatible database.

Usage:
  flotilla serve [--data-dir ./data] [--http-addr 127.0.0.1:8000]
                 [--grpc-addr 127.0.0.1:7000] [--gossip-addr 127.0.0.1:7946]
                 [--node-id ID] [--zone Z] [--region us-east-1]
                 [--join HOST:PORT,...] [--bootstrap-expect N] [--log-level info]
  flotilla admin status [--addr 127.0.0.1:8000]
  flotilla bench --endpoint http://127.0.0.1:8000 [--clients 16] [--duration 10s]
                 [--item-size 1024] [--ops put,get]
  flotilla bench --endpoint http://127.0.0.1:8000 --workload a..f [--phase both]
                 [--records 10000] [--operations N] [--target OPS/S] [--csv F] [--html F]

Run 'flotilla <command> -h' for the flags of a command.
`

// command is one subcommand: it parses args and runs until ctx ends.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"serve": runServe,
	"admin": runAdmin,
	"bench": runBench,
}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code: 0 on
// success, 2 on bad usage, 1 on any other failure.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "flotilla: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "flotilla %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "flotilla %s: %v\n", args[0], err)
		return 1
	}
}

// usageError is a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// parse parses args into fs, reporting errors and extra arguments as usage
// errors. The flag package has already printed the flag's usage.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
