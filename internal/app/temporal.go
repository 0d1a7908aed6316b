package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/tempomall/tempomall/internal/periodic"
)

// Temporal returns the process's Temporal client, dialing on first use
// (and retrying while the server starts).
func (p *Platform) Temporal(ctx context.Context) (client.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.temporal != nil {
		return p.temporal, nil
	}
	err := periodic.Retry(ctx, 500*time.Millisecond, "temporal at "+p.cfg.TemporalHostPort, func(ctx context.Context) error {
		c, err := client.DialContext(ctx, client.Options{
			HostPort:  p.cfg.TemporalHostPort,
			Namespace: p.cfg.TemporalNamespace,
			Logger:    klogAdapter{},
		})
		if err == nil {
			p.temporal = c
			p.closers = append(p.closers, c.Close)
		}
		return err
	})
	return p.temporal, err
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
