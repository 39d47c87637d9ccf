package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofFlagName is the serve flag that turns the profiling endpoint on.
const pprofFlagName = "pprof"

// addPprofFlag registers --pprof on the serve flag set.
func addPprofFlag(fs *flag.FlagSet) {
	fs.String(pprofFlagName, "", "host:port to serve net/http/pprof on (e.g. 127.0.0.1:6060); off when empty")
}

// pprofAddr returns the --pprof address of a serve command line that
// serveConfig accepted (flag, else FLOTILLA_PPROF), or "".
func pprofAddr(args []string, getenv func(string) string) (string, error) {
	fs, _ := newServeFlags(io.Discard)
	if err := fs.Parse(args); err != nil {
		return "", usageError{err.Error()}
	}
	if err := envDefaults(fs, getenv); err != nil {
		return "", err
	}
	f := fs.Lookup(pprofFlagName)
	if f == nil {
		return "", nil
	}
	return f.Value.String(), nil
}

// servePprof starts the profiling server a serve command line asks for
// (see startPprof).
func servePprof(args []string, getenv func(string) string, log *slog.Logger) (stop func(), err error) {
	addr, err := pprofAddr(args, getenv)
	if err != nil {
		return nil, err
	}
	_, stop, err = startPprof(addr, log)
	return stop, err
}

// pprofShutdownTimeout bounds how long stopping the profiling server waits
// for a profile being written.
const pprofShutdownTimeout = 2 * time.Second

// startPprof serves net/http/pprof on addr when addr is not empty and
// returns the address it listens on. The returned stop function shuts the
// server down and waits for its goroutine; call it once.
func startPprof(addr string, log *slog.Logger) (bound string, stop func(), err error) {
	if addr == "" {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("pprof: listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof server failed", slog.Any("err", err))
		}
	}()
	log.Info("pprof serving", slog.String("addr", ln.Addr().String()))
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), pprofShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		<-done
	}, nil
}

// pprofMux routes /debug/pprof/ to net/http/pprof's handlers.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
