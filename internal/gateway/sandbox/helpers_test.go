package sandbox_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

const (
	testAPIKey = "sk_test_sandbox"
	testSecret = "whsec_sandbox"
	// testSettle keeps the tests fast.
	testSettle = 5 * time.Millisecond
)

// receiver is a webhook endpoint: it verifies every signature with
// gateway.VerifySignature, records the deliveries it accepts, and answers
// 500 to the first failFirst requests.
type receiver struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	failFirst int
	requests  int
	attempts  map[string]int // event id -> requests seen
	accepted  []gateway.Event
}

func newReceiver(t testing.TB, failFirst int) *receiver {
	rc := &receiver{t: t, failFirst: failFirst, attempts: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := gateway.VerifySignature(testSecret, r.Header.Get(gateway.SignatureHeader), body, time.Now(), time.Minute); err != nil {
		rc.t.Errorf("webhook signature refused: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ev, err := gateway.ParseEvent(body)
	if err != nil {
		rc.t.Errorf("webhook body refused: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	rc.attempts[ev.ID]++
	if rc.requests <= rc.failFirst {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	rc.accepted = append(rc.accepted, ev)
	w.WriteHeader(http.StatusNoContent)
}

// setFailing makes the receiver answer 500 to everything (or nothing).
func (rc *receiver) setFailing(failing bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if failing {
		rc.failFirst = 1 << 30
	} else {
		rc.failFirst = 0
		rc.requests = 0
	}
}

// eventsOf returns the accepted events about a charge (or its refunds).
func (rc *receiver) eventsOf(chargeID string) []gateway.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []gateway.Event
	for _, ev := range rc.accepted {
		if (ev.Charge != nil && ev.Charge.ID == chargeID) || (ev.Refund != nil && ev.Refund.Charge == chargeID) {
			out = append(out, ev)
		}
	}
	return out
}

// attemptsOf says how many requests carried an event.
func (rc *receiver) attemptsOf(eventID string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.attempts[eventID]
}

func (rc *receiver) totalRequests() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, a := range rc.attempts {
		n += a
	}
	return n
}

// sandboxEnv is a sandbox served on a real listener, a client of it and
// its webhook receiver.
type sandboxEnv struct {
	client *gateway.HTTPClient
	rc     *receiver
	url    string
	stop   func()
}

// startSandbox serves a sandbox until the test ends (or stop). opts gets
// the test's API key, secret and webhook URL unless they are set.
func startSandbox(t testing.TB, rc *receiver, opts sandbox.Options) *sandboxEnv {
	t.Helper()
	if opts.APIKey == "" {
		opts.APIKey = testAPIKey
	}
	if rc != nil && opts.WebhookURL == "" {
		opts.WebhookURL, opts.WebhookSecret = rc.srv.URL+"/webhooks/gateway", testSecret
	}
	if opts.SettleDelay == 0 {
		opts.SettleDelay = testSettle
	}
	if opts.WebhookRetryBase == 0 {
		opts.WebhookRetryBase = 5 * time.Millisecond
	}
	s, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	// A client of its own, whose idle connections are closed before the
	// server stops: the server waits for connections that never sent a
	// request (which a transport may have dialed ahead) before it exits.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			transport.CloseIdleConnections()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Serve did not return after its context ended")
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	url := "http://" + ln.Addr().String()
	client := gateway.NewHTTPClient(url, opts.APIKey, &http.Client{Transport: transport})
	return &sandboxEnv{client: client, rc: rc, url: url, stop: stop}
}

// eventually polls cond until it holds, failing the test after 5s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// newKey returns a fresh idempotency key.
func newKey(t testing.TB) string { return t.Name() + "-" + rand.Text() }

// card returns a test card number with a valid expiry and CVC.
func card(number string) gateway.Card {
	return gateway.Card{Number: number, ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123", HolderName: "Ada Lovelace"}
}

// paymentMethod tokenizes a card number.
func (e *sandboxEnv) paymentMethod(t testing.TB, number string) gateway.PaymentMethod {
	t.Helper()
	pm, err := e.client.CreatePaymentMethod(context.Background(), card(number))
	if err != nil {
		t.Fatalf("CreatePaymentMethod: %v", err)
	}
	return pm
}

// charge tokenizes number and charges amount USD with a fresh key.
func (e *sandboxEnv) charge(t testing.TB, number string, amount int64) gateway.Charge {
	t.Helper()
	ch, err := e.client.CreateCharge(context.Background(), gateway.CreateChargeParams{
		Amount: amount, Currency: "USD", PaymentMethod: e.paymentMethod(t, number).ID, IdempotencyKey: newKey(t),
	})
	if err != nil {
		t.Fatalf("CreateCharge: %v", err)
	}
	return ch
}

// waitCharge polls a charge until it leaves processing.
func (e *sandboxEnv) waitCharge(t testing.TB, id string) gateway.Charge {
	t.Helper()
	var ch gateway.Charge
	eventually(t, "charge "+id+" to settle", func() bool {
		var err error
		ch, err = e.client.GetCharge(context.Background(), id)
		if err != nil {
			t.Fatalf("GetCharge: %v", err)
		}
		return ch.Status != gateway.ChargeProcessing
	})
	return ch
}

// wantCode checks that err is a *gateway.Error with status and code.
func wantCode(t testing.TB, err error, status int, code string) {
	t.Helper()
	var ge *gateway.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error = %v, want a *gateway.Error %d %s", err, status, code)
	}
	if ge.HTTPStatus != status || ge.Code != code {
		t.Fatalf("error = %d %s (%s), want %d %s", ge.HTTPStatus, ge.Code, ge.Message, status, code)
	}
}

// forEachStore runs a test on an in-memory store, on a SQLite file
// (several connections, so that the store's unique keys and conditional
// updates are what keeps concurrent requests apart) and, when
// dbtest.MySQLEnv names a server (make test-integration), on MySQL.
func forEachStore(t *testing.T, test func(t *testing.T, opts sandbox.Options)) {
	t.Run("memory", func(t *testing.T) { test(t, sandbox.Options{}) })
	t.Run("file", func(t *testing.T) {
		test(t, sandbox.Options{StorePath: filepath.Join(t.TempDir(), "sandbox.db")})
	})
	if dbtest.UsingMySQL() {
		t.Run("mysql", func(t *testing.T) {
			test(t, sandbox.Options{DB: dbtest.Open(t, "sandbox", sandbox.Migrations())})
		})
	}
}
