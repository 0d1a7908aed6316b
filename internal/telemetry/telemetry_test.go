package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestTraceIDsWithoutAnExporter: with no exporter configured, spans are
// not recorded, yet each has a trace id and the log lines written in it
// carry that id.
func TestTraceIDsWithoutAnExporter(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "")
	var logs bytes.Buffer
	tel, err := New(context.Background(), Options{Service: "test", LogFormat: "json", LogLevel: slog.LevelInfo, LogOutput: &logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	ctx, span := tel.Tracer.Tracer("test").Start(context.Background(), "call")
	defer span.End()
	if span.IsRecording() {
		t.Error("a span is recorded although nothing exports it")
	}
	sc := span.SpanContext()
	if !sc.TraceID().IsValid() || !sc.SpanID().IsValid() {
		t.Fatalf("span context %v has no ids", sc)
	}
	tel.Logger.InfoContext(ctx, "inside")
	var rec map[string]any
	if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if rec["trace_id"] != sc.TraceID().String() || rec["span_id"] != sc.SpanID().String() {
		t.Errorf("log line %v does not carry the span's ids %s/%s", rec, sc.TraceID(), sc.SpanID())
	}
}
