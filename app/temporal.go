package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/periodic"
)

// needsTemporal reports whether a part of the process talks to Temporal:
// the services over workflows and the worker.
func (b *builder) needsTemporal() bool {
	for _, s := range []string{config.Checkout, config.Order, config.Payment} {
		if slices.Contains(b.opts.Services, s) {
			return true
		}
	}
	return b.opts.Worker
}

// temporal dials the Temporal frontend, retrying while it starts.
func (b *builder) temporal(ctx context.Context) error {
	c, err := DialTemporal(ctx, b.cfg)
	if err != nil {
		return err
	}
	b.sys.Temporal = c
	b.sys.onClose(c.Close)
	return nil
}

// DialTemporal connects to the configured Temporal frontend, retrying
// while it starts, until ctx ends.
func DialTemporal(ctx context.Context, cfg config.Config) (client.Client, error) {
	var c client.Client
	err := periodic.Retry(ctx, 500*time.Millisecond, "temporal at "+cfg.TemporalHostPort, func(ctx context.Context) error {
		var err error
		c, err = client.DialContext(ctx, client.Options{
			HostPort:  cfg.TemporalHostPort,
			Namespace: cfg.TemporalNamespace,
			Logger:    klogAdapter{},
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("dial temporal: %w", err)
	}
	return c, nil
}

// klogAdapter sends the Temporal SDK's logs to klog.
type klogAdapter struct{}

var _ log.Logger = klogAdapter{}

func kv(msg string, keyvals []any) string {
	var b strings.Builder
	b.WriteString(msg)
	for i := 0; i+1 < len(keyvals); i += 2 {
		fmt.Fprintf(&b, " %v=%v", keyvals[i], keyvals[i+1])
	}
	return b.String()
}

func (klogAdapter) Debug(msg string, keyvals ...any) { klog.Debug(kv(msg, keyvals)) }
func (klogAdapter) Info(msg string, keyvals ...any)  { klog.Debug(kv(msg, keyvals)) }
func (klogAdapter) Warn(msg string, keyvals ...any)  { klog.Warn(kv(msg, keyvals)) }
func (klogAdapter) Error(msg string, keyvals ...any) { klog.Error(kv(msg, keyvals)) }
