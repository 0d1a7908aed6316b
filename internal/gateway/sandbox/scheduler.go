package sandbox

import (
	"context"
	"database/sql"
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
// ctx ends Run stops the deliveries in flight (they stay due) and returns
// once they have stopped.
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
// to wait for the next due work.
func (s *Server) step(ctx context.Context) (time.Duration, error) {
	now := s.opts.Now()
	db := s.ledger.db.WithContext(ctx)
	for _, st := range s.settlements() {
		var due []string
		err := db.Model(st.model).
			Where("status = ? AND settle_due > 0 AND settle_due <= ?", st.status, now.UnixNano()).
			Order("settle_due").Limit(settleBatch).Pluck("id", &due).Error
		if err != nil {
			return 0, fmt.Errorf("due %s: %w", st.what, err)
		}
		for _, id := range due {
			if err := st.settle(ctx, id); err != nil {
				return 0, err
			}
		}
	}
	sending, err := s.startDeliveries(ctx, now)
	if err != nil {
		return 0, err
	}
	return s.untilNextDue(ctx, sending)
}

// startDeliveries starts the due deliveries, as many as maxSending allows,
// each in a goroutine of its own, and returns the ids of those in flight.
func (s *Server) startDeliveries(ctx context.Context, now time.Time) ([]int64, error) {
	s.mu.Lock()
	sending := make([]int64, 0, len(s.inFlight))
	for id := range s.inFlight {
		sending = append(sending, id)
	}
	s.mu.Unlock()
	free := maxSending - len(sending)
	if free <= 0 || !s.ledger.webhooks {
		return sending, nil
	}
	due, err := s.ledger.dueDeliveries(ctx, now, free, sending)
	if err != nil {
		return sending, err
	}
	for _, d := range due {
		s.mu.Lock()
		s.inFlight[d.ID] = struct{}{}
		s.mu.Unlock()
		sending = append(sending, d.ID)
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
	return sending, nil
}

// dueQuery finds the earliest due time of one kind of work.
type dueQuery struct {
	what  string
	model any
	col   string
	where string
	args  []any
}

// untilNextDue is the wait until the earliest settlement or delivery that
// is not already under way (at most idleWait). Deliveries do not count
// while all sending slots are taken: a finished one wakes the loop.
func (s *Server) untilNextDue(ctx context.Context, sending []int64) (time.Duration, error) {
	var queries []dueQuery
	for _, st := range s.settlements() {
		queries = append(queries, dueQuery{st.what, st.model, "settle_due", "status = ? AND settle_due > 0", []any{st.status}})
	}
	if s.ledger.webhooks && len(sending) < maxSending {
		q := dueQuery{"webhooks", &deliveryRow{}, "next_attempt", "status = ?", []any{deliveryPending}}
		if len(sending) > 0 {
			q.where, q.args = q.where+" AND id NOT IN ?", append(q.args, sending)
		}
		queries = append(queries, q)
	}
	db := s.ledger.db.WithContext(ctx)
	wait := idleWait
	now := s.opts.Now()
	for _, q := range queries {
		var next sql.NullInt64
		if err := db.Model(q.model).Select("MIN("+q.col+")").Where(q.where, q.args...).Row().Scan(&next); err != nil {
			return 0, fmt.Errorf("next due %s: %w", q.what, err)
		}
		if next.Valid {
			wait = min(wait, max(0, time.Unix(0, next.Int64).Sub(now)))
		}
	}
	return wait, nil
}
