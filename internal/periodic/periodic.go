// Package periodic runs the background loops of a process: a task every
// interval, and a start-up step retried until a dependency answers.
package periodic

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
)

// Every runs task every interval until ctx ends. A failure is logged under
// name and the next tick tries again.
func Every(ctx context.Context, interval time.Duration, name string, task func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := task(ctx); err != nil {
				klog.CtxWarnf(ctx, "%s: %v", name, err)
			}
		}
	}
}

// Retry calls step until it succeeds or ctx ends, waiting wait between
// tries. It returns step's last error, named, when ctx ends first.
func Retry(ctx context.Context, wait time.Duration, name string, step func(context.Context) error) error {
	for {
		err := step(ctx)
		if err == nil {
			return nil
		}
		klog.CtxInfof(ctx, "%s (retrying): %v", name, err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", name, err)
		case <-time.After(wait):
		}
	}
}
