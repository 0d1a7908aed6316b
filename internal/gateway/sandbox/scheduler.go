package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/gateway"
)

const (
	// settleBatch bounds the charges or refunds settled in one step.
	settleBatch = 100
	// maxSending bounds the webhook deliveries in flight at once.
	maxSending = 16
	// idleWait is the longest the loop sleeps when nothing is due; work
	// created by requests wakes it sooner.
	idleWait = time.Minute
	// errorWait is the pause after a failing step (the store is down).
	errorWait = time.Second
)

// Run does the sandbox's background work until ctx ends: it settles the
// charges and refunds that are due and delivers the webhooks, resuming
// what an earlier run left (state is in the store). Serve calls it; call
// it yourself only when serving Handler with a server of your own. When
// ctx ends Run finishes the settlement under way, stops the deliveries
// in flight (they stay due) and returns once they have stopped.
func (s *Server) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("sandbox: already running")
	}
	defer s.running.Store(false)
	defer s.sending.Wait()
	for {
		wait, err := s.step(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			klog.CtxWarnf(ctx, "sandbox: %v", err)
			wait = errorWait
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-s.wakeCh:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// wake makes Run look for due work now.
func (s *Server) wake() {
	select {
	case s.wakeCh <- struct{}{}:
	default:
	}
}

// settlement is a kind of object that settles when its settle_due comes.
type settlement struct {
	what   string
	model  any
	status any // the status of the objects still to settle
	settle func(ctx context.Context, id string) error
}

func (s *Server) settlements() []settlement {
	return []settlement{
		{"charges", &chargeRow{}, gateway.ChargeProcessing, s.ledger.settleCharge},
		{"refunds", &refundRow{}, gateway.RefundPending, s.ledger.settleRefund},
	}
}

// step settles what is due, starts the due deliveries, and says how long
// to wait for the next due work: until the earliest settlement or
// delivery that is not already under way, at most idleWait. One query per
// kind of work (charges, refunds, deliveries) reads both: the work in due
// order, a batch of what is due now and, after it, the first of the rest.
func (s *Server) step(ctx context.Context) (time.Duration, error) {
	now := s.opts.Now()
	var next []int64 // due times (unix nanoseconds) of the work left
	for _, st := range s.settlements() {
		due, later, err := s.ledger.dueSettlements(ctx, st, now)
		if err != nil {
			return 0, err
		}
		for _, id := range due {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			// A settlement, once started, runs to its end (it is one
			// short transaction): cancelled midway, its connection would
			// be handed back by a goroutine of database/sql after Run
			// returned and the store was closed.
			if err := st.settle(context.WithoutCancel(ctx), id); err != nil {
				return 0, err
			}
		}
		next = append(next, later...)
	}
	later, err := s.startDeliveries(ctx, now)
	if err != nil {
		return 0, err
	}
	next = append(next, later...)
	wait := idleWait
	now = s.opts.Now()
	for _, at := range next {
		wait = min(wait, max(0, time.Unix(0, at).Sub(now)))
	}
	return wait, nil
}

// dueSettlements returns the ids of up to settleBatch objects of one kind
// due at now, earliest first, and the due time of the next one to settle
// (none when nothing else waits; due already when the batch was full).
func (l *ledger) dueSettlements(ctx context.Context, st settlement, now time.Time) (due []string, next []int64, err error) {
	var rows []struct {
		ID        string
		SettleDue int64
	}
	err = l.db.WithContext(ctx).Model(st.model).Select("id", "settle_due").
		Where("status = ? AND settle_due > 0", st.status).
		Order("settle_due").Limit(settleBatch + 1).Find(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("due %s: %w", st.what, err)
	}
	for _, r := range rows {
		if len(due) == settleBatch || r.SettleDue > now.UnixNano() {
			return due, []int64{r.SettleDue}, nil
		}
		due = append(due, r.ID)
	}
	return due, nil, nil
}

// startDeliveries starts the due deliveries, as many as maxSending allows,
// each in a goroutine of its own, and returns when the next one not under
// way is due. It returns none while all sending slots are taken: a
// finished delivery wakes the loop.
func (s *Server) startDeliveries(ctx context.Context, now time.Time) (next []int64, err error) {
	s.mu.Lock()
	sending := make([]int64, 0, len(s.inFlight))
	for id := range s.inFlight {
		sending = append(sending, id)
	}
	s.mu.Unlock()
	free := maxSending - len(sending)
	if free <= 0 || !s.ledger.webhooks {
		return nil, nil
	}
	// One more than the free slots: the first that is not started says
	// when to look again.
	pending, err := s.ledger.pendingDeliveries(ctx, free+1, sending)
	if err != nil {
		return nil, err
	}
	for i, d := range pending {
		if i == free {
			return nil, nil // all slots taken
		}
		if d.NextAttempt > now.UnixNano() {
			return []int64{d.NextAttempt}, nil
		}
		s.mu.Lock()
		s.inFlight[d.ID] = struct{}{}
		s.mu.Unlock()
		s.sending.Add(1)
		go func() {
			defer s.sending.Done()
			s.deliver(ctx, d)
			s.mu.Lock()
			delete(s.inFlight, d.ID)
			s.mu.Unlock()
			s.wake()
		}()
	}
	return nil, nil
}
