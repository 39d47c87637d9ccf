package membership

import (
	"bytes"
	"context"
	"log"
	"log/slog"
)

// slogWriter turns memberlist's "[LEVEL] memberlist: text" lines into slog
// records at the matching level.
type slogWriter struct {
	logger *slog.Logger
}

// newStdLogger returns a *log.Logger whose output goes to logger.
func newStdLogger(logger *slog.Logger) *log.Logger {
	return log.New(slogWriter{logger: logger}, "", 0)
}

var levelPrefixes = []struct {
	prefix []byte
	level  slog.Level
}{
	{[]byte("[DEBUG]"), slog.LevelDebug},
	{[]byte("[INFO]"), slog.LevelInfo},
	{[]byte("[WARN]"), slog.LevelWarn},
	{[]byte("[ERR]"), slog.LevelError},
	{[]byte("[ERROR]"), slog.LevelError},
}

// Write logs one line; it never fails.
func (w slogWriter) Write(p []byte) (int, error) {
	msg, level := parseLogLine(p)
	w.logger.Log(context.Background(), level, msg)
	return len(p), nil
}

// parseLogLine strips the level tag and the "memberlist: " prefix.
func parseLogLine(p []byte) (string, slog.Level) {
	line := bytes.TrimSpace(p)
	level := slog.LevelInfo
	for _, lp := range levelPrefixes {
		if bytes.HasPrefix(line, lp.prefix) {
			level = lp.level
			line = bytes.TrimSpace(line[len(lp.prefix):])
			break
		}
	}
	line = bytes.TrimPrefix(line, []byte("memberlist: "))
	return string(line), level
}
