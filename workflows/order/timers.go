package order

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// deadline is the one timer a phase keeps: the next moment the order must
// act (its payment window, a charge to check, a refund window). It is
// started when the moment is known, kept while the moment stays, and
// cancelled as soon as the moment no longer matters, so that no timer is
// left behind; its summary names it in the history and the Web UI.
type deadline struct {
	at      time.Time
	summary string
	timer   workflow.Future
	cancel  workflow.CancelFunc
}

// set makes the timer fire at at (no timer when at is zero).
func (d *deadline) set(ctx workflow.Context, at time.Time, summary string) {
	if d.timer != nil && at.Equal(d.at) && summary == d.summary {
		return
	}
	d.stop()
	if at.IsZero() {
		return
	}
	tctx, cancel := workflow.WithCancel(ctx)
	d.at, d.summary, d.cancel = at, summary, cancel
	d.timer = workflow.NewTimerWithOptions(tctx, max(at.Sub(workflow.Now(ctx)), time.Millisecond), workflow.TimerOptions{Summary: summary})
}

// stop cancels the timer if it has not fired.
func (d *deadline) stop() {
	if d.timer != nil && !d.timer.IsReady() {
		d.cancel()
	}
	d.timer, d.cancel = nil, nil
}

// passed reports whether the timer has fired (and forgets it).
func (d *deadline) passed() bool {
	if d.timer == nil || !d.timer.IsReady() {
		return false
	}
	d.timer = nil
	return true
}

// wait blocks until a gateway event arrives, a handler pokes the main
// coroutine, or the deadline passes. Events are left on their channel for
// the next locked section to take.
func (w *lifecycle) wait(ctx workflow.Context, d *deadline) error {
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(w.events, func(workflow.ReceiveChannel, bool) {})
	sel.AddReceive(w.wake, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	if d.timer != nil {
		sel.AddFuture(d.timer, func(workflow.Future) {})
	}
	sel.Select(ctx)
	return ctx.Err()
}
