package payment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/services/payment"
)

// t0 is when the test payments are created.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// newStore returns a store over a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set).
func newStore(t testing.TB) *payment.Store {
	t.Helper()
	return payment.NewStore(dbtest.Open(t, "payment", payment.Migrations))
}

// paymentID is the id of an order's attempt-th payment.
func paymentID(orderID string, attempt int) string {
	return fmt.Sprintf("pay_%s_%d", orderID, attempt)
}

// pay returns version v of an order's attempt-th payment in state status,
// last changed minute minutes after t0.
func pay(orderID string, attempt int, status commerce.PaymentStatus, v int64, minute int) commerce.Payment {
	return commerce.Payment{
		ID: paymentID(orderID, attempt), OrderID: orderID, UserID: 7, Attempt: attempt,
		Amount: money.New(2599, "USD"), Status: status,
		Card:      commerce.Card{Token: "pm_1", Brand: "visa", Last4: "4242", ExpMonth: 12, ExpYear: 2030},
		CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(minute) * time.Minute), Version: v,
	}
}

// write is one Record call.
type write struct {
	p     commerce.Payment
	event string
}

// recordAll applies writes or fails the test.
func recordAll(t *testing.T, s *payment.Store, writes ...write) {
	t.Helper()
	for _, w := range writes {
		if err := s.Record(context.Background(), w.p, w.event, "detail of "+w.event); err != nil {
			t.Fatalf("record %s v%d: %v", w.p.ID, w.p.Version, err)
		}
	}
}

// logEntry is the part of a log row that tests compare.
type logEntry struct {
	PaymentID string
	From, To  commerce.PaymentStatus
	Event     string
}

// logsOf returns the log of an order (or of one payment) or fails the test.
func logsOf(t *testing.T, s *payment.Store, orderID, paymentID string) []logEntry {
	t.Helper()
	logs, err := s.Logs(context.Background(), orderID, paymentID)
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	out := make([]logEntry, len(logs))
	for i, l := range logs {
		out[i] = logEntry{l.PaymentID, l.FromStatus, l.ToStatus, l.Event}
	}
	return out
}

func TestStoreRecord(t *testing.T) {
	id := paymentID("o1", 1)
	pending := pay("o1", 1, commerce.PaymentPending, 1, 0)
	processing := pay("o1", 1, commerce.PaymentProcessing, 2, 1)
	processing.ChargeID = "ch_1"
	charged := pay("o1", 1, commerce.PaymentProcessing, 3, 2)
	charged.ChargeID = "ch_2"
	succeeded := pay("o1", 1, commerce.PaymentSucceeded, 3, 3)
	succeeded.ChargeID = "ch_1"
	failedAtTwo := pay("o1", 1, commerce.PaymentFailed, 2, 4)

	tests := []struct {
		name     string
		writes   []write
		want     commerce.Payment
		wantLogs []logEntry
	}{
		{"first write logs its status",
			[]write{{pending, "created"}}, pending,
			[]logEntry{{id, "", commerce.PaymentPending, "created"}}},
		{"every status change logs once",
			[]write{{pending, "created"}, {processing, "charged"}, {succeeded, "charge.succeeded"}}, succeeded,
			[]logEntry{
				{id, "", commerce.PaymentPending, "created"},
				{id, commerce.PaymentPending, commerce.PaymentProcessing, "charged"},
				{id, commerce.PaymentProcessing, commerce.PaymentSucceeded, "charge.succeeded"},
			}},
		{"repeat of a version logs nothing new",
			[]write{{pending, "created"}, {processing, "charged"}, {processing, "charged"}}, processing,
			[]logEntry{
				{id, "", commerce.PaymentPending, "created"},
				{id, commerce.PaymentPending, commerce.PaymentProcessing, "charged"},
			}},
		{"older version is ignored",
			[]write{{pending, "created"}, {succeeded, "charge.succeeded"}, {processing, "charged"}}, succeeded,
			[]logEntry{
				{id, "", commerce.PaymentPending, "created"},
				{id, commerce.PaymentPending, commerce.PaymentSucceeded, "charge.succeeded"},
			}},
		{"equal version with another status replaces it and its log row",
			[]write{{processing, "charged"}, {failedAtTwo, "charge.failed"}}, failedAtTwo,
			[]logEntry{{id, "", commerce.PaymentFailed, "charge.failed"}}},
		{"same status updates the snapshot without a log row",
			[]write{{pending, "created"}, {processing, "charged"}, {charged, "recharged"}}, charged,
			[]logEntry{
				{id, "", commerce.PaymentPending, "created"},
				{id, commerce.PaymentPending, commerce.PaymentProcessing, "charged"},
			}},
		{"a write skipping versions logs from the stored status",
			[]write{{pending, "created"}, {charged, "charged"}}, charged,
			[]logEntry{
				{id, "", commerce.PaymentPending, "created"},
				{id, commerce.PaymentPending, commerce.PaymentProcessing, "charged"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			recordAll(t, s, tt.writes...)
			got, err := s.Get(context.Background(), id)
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stored payment (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLogs, logsOf(t, s, "o1", "")); diff != "" {
				t.Errorf("log (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreRecordLogRow(t *testing.T) {
	s := newStore(t)
	p := pay("o1", 1, commerce.PaymentFailed, 1, 5)
	if err := s.Record(context.Background(), p, "charge.failed", "card declined"); err != nil {
		t.Fatalf("record: %v", err)
	}
	logs, err := s.Logs(context.Background(), "o1", "")
	if err != nil {
		t.Fatalf("logs: %v", err)
	}
	want := []payment.Log{{
		PaymentID: p.ID, OrderID: "o1", ToStatus: commerce.PaymentFailed,
		Event: "charge.failed", Detail: "card declined", CreatedAt: p.UpdatedAt,
	}}
	if diff := cmp.Diff(want, logs, cmpopts.IgnoreFields(payment.Log{}, "ID")); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

func TestStoreRecordLongDetail(t *testing.T) {
	tests := []struct{ name, detail string }{
		{"ascii", strings.Repeat("x", 800)},
		// 1 + 2*300 bytes: a cut at 500 bytes falls inside a rune.
		{"multibyte", "x" + strings.Repeat("é", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			if err := s.Record(context.Background(), pay("o1", 1, commerce.PaymentFailed, 1, 0), "charge.failed", tt.detail); err != nil {
				t.Fatalf("record: %v", err)
			}
			logs, err := s.Logs(context.Background(), "o1", "")
			if err != nil || len(logs) != 1 {
				t.Fatalf("logs = %v, %v; want one row", logs, err)
			}
			d := logs[0].Detail
			if len(d) > 500 || !utf8.ValidString(d) || !strings.HasPrefix(tt.detail, d) || len(d) < 490 {
				t.Errorf("detail of %d bytes stored as %d bytes (valid UTF-8: %t), want a prefix of at most 500 bytes",
					len(tt.detail), len(d), utf8.ValidString(d))
			}
		})
	}
}

func TestStoreGetUnknown(t *testing.T) {
	s := newStore(t)
	recordAll(t, s, write{pay("o1", 1, commerce.PaymentPending, 1, 0), "created"})
	if _, err := s.Get(context.Background(), paymentID("o1", 2)); !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("get unknown payment: error %v, want NotFound", err)
	}
}

func TestStoreLatest(t *testing.T) {
	s := newStore(t)
	recordAll(t, s,
		write{pay("o1", 2, commerce.PaymentFailed, 3, 2), "charge.failed"},
		write{pay("o1", 3, commerce.PaymentProcessing, 2, 3), "charged"},
		write{pay("o1", 1, commerce.PaymentFailed, 3, 1), "charge.failed"},
		write{pay("o2", 1, commerce.PaymentSucceeded, 3, 9), "charge.succeeded"},
	)
	tests := []struct {
		order    string
		wantID   string
		wantKind apperr.Kind
	}{
		{"o1", paymentID("o1", 3), 0},
		{"o2", paymentID("o2", 1), 0},
		{"o3", "", apperr.NotFound},
	}
	for _, tt := range tests {
		got, err := s.Latest(context.Background(), tt.order)
		if tt.wantKind != 0 {
			if !errors.Is(err, payment.ErrNotFound) || apperr.KindOf(err) != tt.wantKind {
				t.Errorf("Latest(%s): error %v, want %s", tt.order, err, tt.wantKind)
			}
			continue
		}
		if err != nil || got.ID != tt.wantID {
			t.Errorf("Latest(%s) = %q, %v; want %q", tt.order, got.ID, err, tt.wantID)
		}
	}
}

func TestStoreLogs(t *testing.T) {
	s := newStore(t)
	first, second := paymentID("o1", 1), paymentID("o1", 2)
	recordAll(t, s,
		write{pay("o1", 1, commerce.PaymentPending, 1, 0), "created"},
		write{pay("o1", 1, commerce.PaymentFailed, 2, 1), "charge.failed"},
		write{pay("o2", 1, commerce.PaymentPending, 1, 1), "created"},
		write{pay("o1", 2, commerce.PaymentPending, 1, 2), "created"},
		write{pay("o1", 2, commerce.PaymentSucceeded, 2, 3), "charge.succeeded"},
	)
	tests := []struct {
		name               string
		orderID, paymentID string
		want               []logEntry
	}{
		{"an order's payments, oldest first", "o1", "", []logEntry{
			{first, "", commerce.PaymentPending, "created"},
			{first, commerce.PaymentPending, commerce.PaymentFailed, "charge.failed"},
			{second, "", commerce.PaymentPending, "created"},
			{second, commerce.PaymentPending, commerce.PaymentSucceeded, "charge.succeeded"},
		}},
		{"one payment", "o1", second, []logEntry{
			{second, "", commerce.PaymentPending, "created"},
			{second, commerce.PaymentPending, commerce.PaymentSucceeded, "charge.succeeded"},
		}},
		{"one payment, by id alone", "", first, []logEntry{
			{first, "", commerce.PaymentPending, "created"},
			{first, commerce.PaymentPending, commerce.PaymentFailed, "charge.failed"},
		}},
		{"another order", "o2", "", []logEntry{{paymentID("o2", 1), "", commerce.PaymentPending, "created"}}},
		{"unknown order", "o3", "", []logEntry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, logsOf(t, s, tt.orderID, tt.paymentID)); diff != "" {
				t.Errorf("log (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreStuck(t *testing.T) {
	s := newStore(t)
	// Stuck since minute 1, through an update of a PENDING payment.
	recordAll(t, s,
		write{pay("a", 1, commerce.PaymentPending, 1, 0), "created"},
		write{pay("a", 1, commerce.PaymentProcessing, 2, 1), "charged"},
		write{pay("b", 1, commerce.PaymentProcessing, 1, 0), "charged"},
		write{pay("c", 1, commerce.PaymentProcessing, 1, 5), "charged"},
		write{pay("d", 1, commerce.PaymentProcessing, 1, 20), "charged"},     // too recent
		write{pay("e", 1, commerce.PaymentSucceeded, 1, 0), "settled"},       // settled
		write{pay("f", 1, commerce.PaymentPending, 1, 0), "created"},         // not charged
		write{pay("g", 1, commerce.PaymentProcessing, 1, 0), "charged"},      // changed since
		write{pay("g", 1, commerce.PaymentProcessing, 2, 15), "rechecked"},   //
		write{pay("h", 1, commerce.PaymentProcessing, 1, 0), "charged"},      // settled since
		write{pay("h", 1, commerce.PaymentFailed, 2, 3), "charge.failed"},    //
		write{pay("b", 1, commerce.PaymentProcessing, 0, 30), "late replay"}, // ignored: older
	)
	before := t0.Add(10 * time.Minute)
	tests := []struct {
		name  string
		limit int
		want  []string
	}{
		{"oldest first", 10, []string{paymentID("b", 1), paymentID("a", 1), paymentID("c", 1)}},
		{"limited", 2, []string{paymentID("b", 1), paymentID("a", 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Stuck(context.Background(), before, tt.limit)
			if err != nil {
				t.Fatalf("stuck: %v", err)
			}
			ids := make([]string, len(got))
			for i, p := range got {
				ids[i] = p.ID
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Errorf("stuck payments (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreRefunds(t *testing.T) {
	refund := func(status commerce.RefundStatus, v int64) commerce.Refund {
		return commerce.Refund{
			ID: "refund/o1/1", OrderID: "o1", PaymentID: paymentID("o1", 1), ChargeID: "ch_1",
			Amount: money.New(1000, "USD"), Status: status, Reason: "damaged",
			CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(v) * time.Minute), Version: v,
		}
	}
	pending, succeeded := refund(commerce.RefundPending, 1), refund(commerce.RefundSucceeded, 2)
	succeeded.GatewayID = "re_1"
	failedAtTwo := refund(commerce.RefundFailed, 2)
	tests := []struct {
		name   string
		writes []commerce.Refund
		want   commerce.Refund
	}{
		{"first", []commerce.Refund{pending}, pending},
		{"newer replaces", []commerce.Refund{pending, succeeded}, succeeded},
		{"older is ignored", []commerce.Refund{succeeded, pending}, succeeded},
		{"equal version replaces (a lost task run again)", []commerce.Refund{succeeded, failedAtTwo}, failedAtTwo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			for _, r := range tt.writes {
				if err := s.RecordRefund(context.Background(), r); err != nil {
					t.Fatalf("record refund v%d: %v", r.Version, err)
				}
			}
			got, err := payment.StoredRefund(context.Background(), s, "refund/o1/1")
			if err != nil {
				t.Fatalf("refund: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stored refund (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStoreDeliveries(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	steps := []struct {
		name      string
		mark      string // mark this event delivered first
		event     string
		delivered bool
	}{
		{"unknown event", "", "evt_1", false},
		{"after marking it", "evt_1", "evt_1", true},
		{"another event", "", "evt_2", false},
		{"marking again changes nothing", "evt_1", "evt_1", true},
		{"a very long event type is kept", "evt_3", "evt_3", true},
	}
	for _, st := range steps {
		if st.mark != "" {
			typ := "charge.succeeded"
			if st.mark == "evt_3" {
				typ = strings.Repeat("x", 100)
			}
			if err := s.MarkDelivered(ctx, st.mark, typ); err != nil {
				t.Fatalf("%s: mark %s: %v", st.name, st.mark, err)
			}
		}
		got, err := s.Delivered(ctx, st.event)
		if err != nil || got != st.delivered {
			t.Errorf("%s: Delivered(%s) = %t, %v; want %t", st.name, st.event, got, err, st.delivered)
		}
	}
}

func TestStoreMarkDeliveredConcurrent(t *testing.T) {
	s := newStore(t)
	const n = 20
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.MarkDelivered(context.Background(), "evt_race", "charge.succeeded")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d concurrent marks of one event failed, first: %v", len(errs), n, errs[0])
	}
	if seen, err := s.Delivered(context.Background(), "evt_race"); err != nil || !seen {
		t.Errorf("Delivered = %t, %v after the concurrent marks; want true", seen, err)
	}
}
