package rpc

import (
	"context"
	"log/slog"
	"time"

	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"

	"github.com/tempomall/tempomall/internal/telemetry"
)

// Observer records every call a server answers: the RPC metrics (by
// service, method and status code) and one access log line (method, code,
// duration, caller, peer). Successful calls log at debug, refusals at
// info, failures at warn.
type Observer struct {
	Metrics *telemetry.Metrics
	Logger  *slog.Logger
}

func (o *Observer) served(ctx context.Context, service, method string, code codes.Code, d time.Duration, caller, peer string) {
	if o == nil {
		return
	}
	if o.Metrics != nil {
		o.Metrics.RPC(ctx, service, method, code.String(), d)
	}
	if o.Logger == nil {
		return
	}
	level := slog.LevelDebug
	switch code {
	case codes.OK:
	case codes.Internal, codes.Unknown, codes.Unavailable, codes.DeadlineExceeded, codes.DataLoss:
		level = slog.LevelWarn
	default:
		level = slog.LevelInfo
	}
	if caller == "" {
		caller = "anonymous"
	}
	o.Logger.LogAttrs(ctx, level, "rpc",
		slog.String("service", service), slog.String("method", method), slog.String("code", code.String()),
		slog.Duration("duration", d), slog.String("caller", caller), slog.String("peer", peer))
}

// callerSlot is where the guard leaves the caller's name for the access
// line written by the middleware around it.
type callerSlot struct{ name string }

type callerSlotKey struct{}

func withCallerSlot(ctx context.Context) (context.Context, *callerSlot) {
	s := &callerSlot{}
	return context.WithValue(ctx, callerSlotKey{}, s), s
}

func setCaller(ctx context.Context, name string) {
	if s, ok := ctx.Value(callerSlotKey{}).(*callerSlot); ok {
		s.name = name
	}
}
