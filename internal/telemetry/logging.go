package telemetry

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"go.opentelemetry.io/otel/trace"
	temporallog "go.temporal.io/sdk/log"
	gormlogger "gorm.io/gorm/logger"
)

// ParseLogLevel reads a level name: debug, info, warn or error.
func ParseLogLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(strings.TrimSpace(s)))
	return l, err
}

// newLogger builds the process's logger: JSON (or text) records carrying
// the trace and span ids of the context they are logged with.
func newLogger(o Options, level slog.Leveler) *slog.Logger {
	return slog.New(newHandler(o.LogOutput, o.LogFormat, level))
}

func newHandler(w io.Writer, format string, level slog.Leveler) slog.Handler {
	if w == nil {
		w = os.Stderr
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return traceHandler{h}
}

// traceHandler adds trace_id and span_id to every record logged with a
// context that carries a span.
type traceHandler struct{ slog.Handler }

func (h traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h traceHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return traceHandler{h.Handler.WithAttrs(attrs)}
}

func (h traceHandler) WithGroup(name string) slog.Handler {
	return traceHandler{h.Handler.WithGroup(name)}
}

// TemporalLogger is the Temporal SDK's logger over l.
func TemporalLogger(l *slog.Logger) temporallog.Logger {
	return temporallog.NewStructuredLogger(l)
}

// GormLogger is GORM's logger over l: no colours, slow queries (over
// 200 ms) at warn, errors other than "record not found" at error.
func GormLogger(l *slog.Logger, debug bool) gormlogger.Interface {
	level := gormlogger.Warn
	if debug {
		level = gormlogger.Info
	}
	return gormlogger.NewSlogLogger(l, gormlogger.Config{
		SlowThreshold:             200 * time.Millisecond,
		LogLevel:                  level,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})
}

// routeKlog sends Kitex's klog (the logger the services, the middleware
// and Kitex itself use) to the process's logger.
func routeKlog(l *slog.Logger, level *slog.LevelVar) {
	klog.SetLogger(&klogLogger{logger: l, level: level})
}

// klogLogger is a klog.FullLogger over slog.
type klogLogger struct {
	mu     sync.RWMutex
	logger *slog.Logger
	level  *slog.LevelVar
}

var _ klog.FullLogger = (*klogLogger)(nil)

func (k *klogLogger) log(ctx context.Context, lv slog.Level, msg string) {
	k.mu.RLock()
	l := k.logger
	k.mu.RUnlock()
	l.Log(ctx, lv, msg)
}

func (k *klogLogger) logf(ctx context.Context, lv slog.Level, format string, v []any) {
	k.mu.RLock()
	l := k.logger
	k.mu.RUnlock()
	if l.Enabled(ctx, lv) {
		l.Log(ctx, lv, fmt.Sprintf(format, v...))
	}
}

// levels of klog's words in slog.
const (
	levelTrace  = slog.LevelDebug - 4
	levelNotice = slog.LevelInfo + 2
	levelFatal  = slog.LevelError + 4
)

func (k *klogLogger) Trace(v ...any)  { k.log(context.Background(), levelTrace, fmt.Sprint(v...)) }
func (k *klogLogger) Debug(v ...any)  { k.log(context.Background(), slog.LevelDebug, fmt.Sprint(v...)) }
func (k *klogLogger) Info(v ...any)   { k.log(context.Background(), slog.LevelInfo, fmt.Sprint(v...)) }
func (k *klogLogger) Notice(v ...any) { k.log(context.Background(), levelNotice, fmt.Sprint(v...)) }
func (k *klogLogger) Warn(v ...any)   { k.log(context.Background(), slog.LevelWarn, fmt.Sprint(v...)) }
func (k *klogLogger) Error(v ...any)  { k.log(context.Background(), slog.LevelError, fmt.Sprint(v...)) }
func (k *klogLogger) Fatal(v ...any) {
	k.log(context.Background(), levelFatal, fmt.Sprint(v...))
	os.Exit(1)
}

func (k *klogLogger) Tracef(f string, v ...any)  { k.logf(context.Background(), levelTrace, f, v) }
func (k *klogLogger) Debugf(f string, v ...any)  { k.logf(context.Background(), slog.LevelDebug, f, v) }
func (k *klogLogger) Infof(f string, v ...any)   { k.logf(context.Background(), slog.LevelInfo, f, v) }
func (k *klogLogger) Noticef(f string, v ...any) { k.logf(context.Background(), levelNotice, f, v) }
func (k *klogLogger) Warnf(f string, v ...any)   { k.logf(context.Background(), slog.LevelWarn, f, v) }
func (k *klogLogger) Errorf(f string, v ...any)  { k.logf(context.Background(), slog.LevelError, f, v) }
func (k *klogLogger) Fatalf(f string, v ...any) {
	k.logf(context.Background(), levelFatal, f, v)
	os.Exit(1)
}

func (k *klogLogger) CtxTracef(ctx context.Context, f string, v ...any) {
	k.logf(ctx, levelTrace, f, v)
}
func (k *klogLogger) CtxDebugf(ctx context.Context, f string, v ...any) {
	k.logf(ctx, slog.LevelDebug, f, v)
}
func (k *klogLogger) CtxInfof(ctx context.Context, f string, v ...any) {
	k.logf(ctx, slog.LevelInfo, f, v)
}
func (k *klogLogger) CtxNoticef(ctx context.Context, f string, v ...any) {
	k.logf(ctx, levelNotice, f, v)
}
func (k *klogLogger) CtxWarnf(ctx context.Context, f string, v ...any) {
	k.logf(ctx, slog.LevelWarn, f, v)
}
func (k *klogLogger) CtxErrorf(ctx context.Context, f string, v ...any) {
	k.logf(ctx, slog.LevelError, f, v)
}
func (k *klogLogger) CtxFatalf(ctx context.Context, f string, v ...any) {
	k.logf(ctx, levelFatal, f, v)
	os.Exit(1)
}

// SetLevel sets the lowest level logged, in klog's words.
func (k *klogLogger) SetLevel(lv klog.Level) {
	levels := map[klog.Level]slog.Level{
		klog.LevelTrace: levelTrace, klog.LevelDebug: slog.LevelDebug, klog.LevelInfo: slog.LevelInfo,
		klog.LevelNotice: levelNotice, klog.LevelWarn: slog.LevelWarn, klog.LevelError: slog.LevelError,
		klog.LevelFatal: levelFatal,
	}
	k.level.Set(levels[lv])
}

// SetOutput sends the logs to w, in JSON (tests capture them so).
func (k *klogLogger) SetOutput(w io.Writer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.logger = slog.New(newHandler(w, "json", k.level))
}
