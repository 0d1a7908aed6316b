package periodic_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/periodic"
)

func TestEveryRunsUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	done := make(chan struct{})
	go func() {
		periodic.Every(ctx, time.Millisecond, "count", func(context.Context) error {
			if n.Add(1) == 3 {
				cancel()
			}
			return errors.New("failures do not stop the loop")
		})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Every did not return after its context ended")
	}
	if got := n.Load(); got < 3 {
		t.Errorf("ran %d times, want at least 3", got)
	}
}

func TestRetry(t *testing.T) {
	tries := 0
	err := periodic.Retry(context.Background(), time.Millisecond, "step", func(context.Context) error {
		tries++
		if tries < 3 {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil || tries != 3 {
		t.Errorf("Retry = %v after %d tries, want nil after 3", err, tries)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	down := errors.New("auth service down")
	err = periodic.Retry(ctx, time.Millisecond, "load keys", func(context.Context) error { return down })
	if !errors.Is(err, down) || err.Error() != "load keys: auth service down" {
		t.Errorf("Retry after the deadline = %v, want the last error, named", err)
	}
}
