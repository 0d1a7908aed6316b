package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// frozenClock is a clock that moves only when told.
type frozenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frozenClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *frozenClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countStatements counts the statements db runs from now on.
func countStatements(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("test:count", count),
		cb.Query().After("gorm:query").Register("test:count", count),
		cb.Update().After("gorm:update").Register("test:count", count),
		cb.Delete().After("gorm:delete").Register("test:count", count),
		cb.Row().After("gorm:row").Register("test:count", count),
		cb.Raw().After("gorm:raw").Register("test:count", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return &n
}

// stepEnv is a sandbox whose loop the test steps by hand, on a frozen
// clock, with a count of the statements it runs and a webhook endpoint
// that answers webhookStatus.
type stepEnv struct {
	s             *Server
	clock         *frozenClock
	statements    *atomic.Int64
	webhookStatus atomic.Int32
	received      atomic.Int32
	// hold, while set, keeps webhook requests waiting until it is closed.
	hold atomic.Pointer[chan struct{}]
}

const (
	stepSettleDelay = time.Second
	stepRetryBase   = 3 * time.Second
)

func newStepEnv(t *testing.T, webhooks bool) *stepEnv {
	t.Helper()
	e := &stepEnv{clock: &frozenClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	e.webhookStatus.Store(http.StatusNoContent)
	db := dbtest.Open(t, "sandbox", Migrations())
	opts := Options{
		APIKey: "sk_test", DB: db, Now: e.clock.Now,
		SettleDelay: stepSettleDelay, WebhookRetryBase: stepRetryBase,
	}
	if webhooks {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.received.Add(1)
			if hold := e.hold.Load(); hold != nil {
				<-*hold
			}
			w.WriteHeader(int(e.webhookStatus.Load()))
		}))
		t.Cleanup(srv.Close)
		opts.WebhookURL, opts.WebhookSecret = srv.URL, "whsec_test"
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	t.Cleanup(s.sending.Wait)
	e.statements = countStatements(t, db)
	return e
}

// step runs one wake of the loop, waits for the deliveries it started,
// and returns the wait it chose and the statements it ran (the
// deliveries' own not counted).
func (e *stepEnv) step(t *testing.T) (time.Duration, int64) {
	t.Helper()
	before := e.statements.Load()
	wait, err := e.s.step(context.Background())
	n := e.statements.Load() - before
	if err != nil {
		t.Fatalf("step: %v", err)
	}
	e.s.sending.Wait()
	return wait, n
}

// charge creates a charge of a card that succeeds, due SettleDelay from
// now.
func (e *stepEnv) charge(t *testing.T) gateway.Charge {
	t.Helper()
	ctx := context.Background()
	pm, err := e.s.ledger.createPaymentMethod(ctx, gateway.Card{Number: testcards.Succeeds, ExpMonth: 12, ExpYear: 2030, CVC: "123"})
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := e.s.ledger.createCharge(ctx, newID("key"), gateway.CreateChargeParams{Amount: 100, Currency: "USD", PaymentMethod: pm.ID})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func (e *stepEnv) status(t *testing.T, id string) gateway.ChargeStatus {
	t.Helper()
	ch, err := e.s.ledger.getCharge(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ch.Status
}

// TestStepQueries counts the statements of a wake with nothing to do:
// one query per kind of work (charges, refunds and, with webhooks on,
// deliveries) finds both what is due and when the next work is due. (It
// was two per kind, six in all, before the queries were merged.)
func TestStepQueries(t *testing.T) {
	for _, tt := range []struct {
		name     string
		webhooks bool
		want     int64
	}{
		{"webhooks on", true, 3},
		{"webhooks off", false, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newStepEnv(t, tt.webhooks)
			wait, n := e.step(t)
			t.Logf("idle wake: %d statements", n)
			if n != tt.want || wait != idleWait {
				t.Errorf("idle wake: %d statements, wait %s; want %d, %s", n, wait, tt.want, idleWait)
			}
			e.charge(t)
			wait, n = e.step(t)
			t.Logf("wake with a charge not yet due: %d statements", n)
			if n != tt.want || wait != stepSettleDelay {
				t.Errorf("charge not yet due: %d statements, wait %s; want %d, %s", n, wait, tt.want, stepSettleDelay)
			}
		})
	}
}

func TestStepSettlesAndWaitsForTheNextDue(t *testing.T) {
	e := newStepEnv(t, true)
	first := e.charge(t)
	e.clock.advance(stepSettleDelay / 2)
	second := e.charge(t)

	if wait, _ := e.step(t); wait != stepSettleDelay/2 {
		t.Fatalf("wait %s, want %s (until the first charge is due)", wait, stepSettleDelay/2)
	}
	e.clock.advance(stepSettleDelay / 2)
	wait, _ := e.step(t)
	if e.status(t, first.ID) != gateway.ChargeSucceeded || e.status(t, second.ID) != gateway.ChargeProcessing {
		t.Fatalf("charges %s, %s; want the first settled only", e.status(t, first.ID), e.status(t, second.ID))
	}
	if wait != stepSettleDelay/2 || e.received.Load() != 1 {
		t.Fatalf("wait %s, %d webhooks; want %s (until the second charge is due), 1", wait, e.received.Load(), stepSettleDelay/2)
	}

	// A refund, due after the second charge.
	e.clock.advance(stepSettleDelay / 4)
	if _, _, err := e.s.ledger.createRefund(context.Background(), newID("key"), gateway.CreateRefundParams{Charge: first.ID, Amount: 40}); err != nil {
		t.Fatal(err)
	}
	if wait, _ := e.step(t); wait != stepSettleDelay/4 {
		t.Fatalf("wait %s, want %s (until the second charge is due)", wait, stepSettleDelay/4)
	}
	e.clock.advance(stepSettleDelay / 4)
	if wait, _ := e.step(t); wait != 3*stepSettleDelay/4 || e.status(t, second.ID) != gateway.ChargeSucceeded {
		t.Fatalf("wait %s, second charge %s; want %s (until the refund is due), succeeded", wait, e.status(t, second.ID), 3*stepSettleDelay/4)
	}
	e.clock.advance(3 * stepSettleDelay / 4)
	if wait, _ := e.step(t); wait != idleWait || e.received.Load() != 3 {
		t.Fatalf("wait %s, %d webhooks; want %s, 3", wait, e.received.Load(), idleWait)
	}
}

func TestStepWaitsForAWebhookRetry(t *testing.T) {
	e := newStepEnv(t, true)
	e.webhookStatus.Store(http.StatusInternalServerError)
	e.charge(t)
	e.clock.advance(stepSettleDelay)
	if _, _ = e.step(t); e.received.Load() != 1 {
		t.Fatalf("%d webhook attempts, want 1", e.received.Load())
	}
	// The failed attempt is retried after the retry base: nothing else
	// is due.
	if wait, _ := e.step(t); wait != stepRetryBase {
		t.Fatalf("wait %s, want %s (the retry)", wait, stepRetryBase)
	}
	e.webhookStatus.Store(http.StatusNoContent)
	e.clock.advance(stepRetryBase)
	wait, _ := e.step(t)
	if e.received.Load() != 2 || wait != idleWait {
		t.Fatalf("%d webhook attempts, wait %s; want 2, %s", e.received.Load(), wait, idleWait)
	}
}

func TestStepWithAllSendingSlotsTaken(t *testing.T) {
	e := newStepEnv(t, true)
	hold := make(chan struct{})
	e.hold.Store(&hold)
	for range maxSending + 1 {
		e.charge(t)
	}
	e.clock.advance(stepSettleDelay)
	// All charges settle; maxSending deliveries start and wait; the one
	// left is due but has no slot, so the loop waits for a finished
	// delivery to wake it.
	wait, err := e.s.step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if wait != idleWait {
		t.Fatalf("wait %s with all slots taken, want %s", wait, idleWait)
	}
	// Once the deliveries under way have read their events, they make no
	// statements until answered.
	for deadline := time.Now().Add(5 * time.Second); e.received.Load() < maxSending; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d webhooks under way, want %d", e.received.Load(), maxSending)
		}
	}
	before := e.statements.Load()
	if _, err := e.s.step(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.statements.Load() - before; n != 2 {
		t.Errorf("wake with all slots taken: %d statements, want 2 (no delivery query)", n)
	}
	e.hold.Store(nil)
	close(hold)
	e.s.sending.Wait()
	if wait, _ := e.step(t); wait != idleWait || e.received.Load() != maxSending+1 {
		t.Fatalf("wait %s, %d webhooks sent; want %s, %d", wait, e.received.Load(), idleWait, maxSending+1)
	}
}

func TestStepSettlesInBatches(t *testing.T) {
	e := newStepEnv(t, false)
	for range settleBatch + 1 {
		e.charge(t)
	}
	e.clock.advance(stepSettleDelay)
	if wait, _ := e.step(t); wait != 0 {
		t.Fatalf("wait %s after a full batch, want 0", wait)
	}
	var left int64
	if err := e.s.ledger.db.Model(&chargeRow{}).Where("status = ?", gateway.ChargeProcessing).Count(&left).Error; err != nil || left != 1 {
		t.Fatalf("%d charges left processing (%v), want 1", left, err)
	}
	if wait, _ := e.step(t); wait != idleWait {
		t.Fatalf("wait %s, want %s", wait, idleWait)
	}
}
