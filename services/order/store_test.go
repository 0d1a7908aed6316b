package order_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/money"
	"github.com/tempomall/tempomall/services/order"
)

// t0 is when the test orders are created.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// newStore returns a store over a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set).
func newStore(t *testing.T) *order.Store {
	t.Helper()
	return order.NewStore(dbtest.Open(t, "order", order.Migrations))
}

// sample returns version v of order id of user, created minute minutes
// after t0, in state status.
func sample(id string, userID int64, minute int, status commerce.OrderStatus, v int64) commerce.Order {
	created := t0.Add(time.Duration(minute) * time.Minute)
	total := money.New(2599, "USD")
	return commerce.Order{
		ID: id, UserID: userID, Status: status, Version: v,
		Quote: commerce.Quote{
			Lines:    []commerce.Line{{ProductID: 1, Name: "mug", Quantity: 1, UnitPrice: total, LineTotal: total}},
			Subtotal: total, Payable: total, Discount: money.New(0, "USD"),
		},
		Address:   commerce.Address{Recipient: "Ada", Street: "1 Main St", City: "Springfield", Country: "US"},
		CreatedAt: created, UpdatedAt: created.Add(time.Duration(v) * time.Second),
		ExpiresAt: created.Add(30 * time.Minute),
	}
}

// record writes orders or fails the test.
func record(t *testing.T, s *order.Store, orders ...commerce.Order) {
	t.Helper()
	for _, o := range orders {
		if err := s.Record(context.Background(), o); err != nil {
			t.Fatalf("record %s v%d: %v", o.ID, o.Version, err)
		}
	}
}

func TestStoreRecordKeepsTheNewestVersion(t *testing.T) {
	pending := sample("o1", 7, 0, commerce.OrderPendingPayment, 1)
	paid := sample("o1", 7, 0, commerce.OrderPaid, 2)
	paid.PaymentStatus, paid.PaidAt = commerce.PaymentSucceeded, t0.Add(time.Minute)
	refunded := sample("o1", 7, 0, commerce.OrderRefunded, 3)
	refunded.Refunded = money.New(2599, "USD")
	cancelledAtTwo := sample("o1", 7, 0, commerce.OrderCancelled, 2)
	cancelledAtTwo.StatusReason = "the second run of a lost workflow task"

	tests := []struct {
		name   string
		writes []commerce.Order
		want   commerce.Order
	}{
		{"first write", []commerce.Order{pending}, pending},
		{"newer replaces", []commerce.Order{pending, paid}, paid},
		{"several newer", []commerce.Order{pending, paid, refunded}, refunded},
		{"skipped versions", []commerce.Order{pending, refunded}, refunded},
		{"older after newer changes nothing", []commerce.Order{paid, pending}, paid},
		{"equal version replaces (a lost task run again)", []commerce.Order{paid, cancelledAtTwo}, cancelledAtTwo},
		{"repeat of the same write", []commerce.Order{paid, paid}, paid},
		{"newer after an ignored older", []commerce.Order{paid, pending, refunded}, refunded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			record(t, s, tt.writes...)
			got, err := s.Get(context.Background(), "o1")
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stored order (-want +got):\n%s", diff)
			}
			// The listing columns follow the snapshot.
			list, total, err := s.List(context.Background(), order.Filter{UserID: 7, Status: tt.want.Status, Limit: 10})
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if total != 1 || len(list) != 1 || list[0].Version != tt.want.Version {
				t.Errorf("list by status %s = %d orders (total %d), want version %d", tt.want.Status, len(list), total, tt.want.Version)
			}
		})
	}
}

func TestStoreGetUnknown(t *testing.T) {
	s := newStore(t)
	record(t, s, sample("o1", 7, 0, commerce.OrderPendingPayment, 1))
	_, err := s.Get(context.Background(), "o2")
	if !errors.Is(err, order.ErrNotFound) || apperr.KindOf(err) != apperr.NotFound {
		t.Errorf("get unknown order: error %v, want NotFound", err)
	}
}

func TestStoreList(t *testing.T) {
	s := newStore(t)
	// User 7's orders, created a minute apart; a and a2 at the same time.
	record(t, s,
		sample("a", 7, 0, commerce.OrderPaid, 2),
		sample("a2", 7, 0, commerce.OrderPendingPayment, 1),
		sample("b", 7, 1, commerce.OrderCancelled, 3),
		sample("c", 7, 2, commerce.OrderPaid, 2),
		sample("d", 7, 3, commerce.OrderPendingPayment, 1),
		sample("e", 7, 4, commerce.OrderPaid, 4),
		sample("x", 8, 5, commerce.OrderPaid, 2),
	)
	// A transition keeps the order where it was in the listing.
	record(t, s, sample("d", 7, 3, commerce.OrderExpired, 2))

	tests := []struct {
		name      string
		filter    order.Filter
		wantIDs   []string
		wantTotal int64
	}{
		{"newest first, ties by id", order.Filter{UserID: 7, Limit: 20}, []string{"e", "d", "c", "b", "a2", "a"}, 6},
		{"by status", order.Filter{UserID: 7, Status: commerce.OrderPaid, Limit: 20}, []string{"e", "c", "a"}, 3},
		{"status after a transition", order.Filter{UserID: 7, Status: commerce.OrderExpired, Limit: 20}, []string{"d"}, 1},
		{"old status no longer matches", order.Filter{UserID: 7, Status: commerce.OrderPendingPayment, Limit: 20}, []string{"a2"}, 1},
		{"first page", order.Filter{UserID: 7, Limit: 2}, []string{"e", "d"}, 6},
		{"middle page", order.Filter{UserID: 7, Offset: 2, Limit: 2}, []string{"c", "b"}, 6},
		{"last page is short", order.Filter{UserID: 7, Offset: 4, Limit: 4}, []string{"a2", "a"}, 6},
		{"beyond the end", order.Filter{UserID: 7, Offset: 6, Limit: 2}, nil, 6},
		{"page of a status", order.Filter{UserID: 7, Status: commerce.OrderPaid, Offset: 1, Limit: 1}, []string{"c"}, 3},
		{"other user", order.Filter{UserID: 8, Limit: 20}, []string{"x"}, 1},
		{"user without orders", order.Filter{UserID: 9, Limit: 20}, nil, 0},
		{"status nobody has", order.Filter{UserID: 7, Status: commerce.OrderRefunded, Limit: 20}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.List(context.Background(), tt.filter)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			ids := make([]string, len(got))
			for i, o := range got {
				ids[i] = o.ID
			}
			if diff := cmp.Diff(tt.wantIDs, ids, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}
}

func TestStoreListReturnsSnapshots(t *testing.T) {
	s := newStore(t)
	want := sample("o1", 7, 0, commerce.OrderPaid, 2)
	want.PaymentID, want.PaymentStatus = "payment/o1/1", commerce.PaymentSucceeded
	record(t, s, want)
	got, _, err := s.List(context.Background(), order.Filter{UserID: 7, Limit: 1})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if diff := cmp.Diff([]commerce.Order{want}, got); diff != "" {
		t.Errorf("listed orders (-want +got):\n%s", diff)
	}
}
