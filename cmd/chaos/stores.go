package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
)

// stores reads the system's databases directly, as an auditor would: the
// orders, payments (with their log and refunds) and product stores
// (SQLite files, or the MySQL database), and the sandbox's ledger (its
// SQLite file).
type stores struct {
	order, payment, product, gateway *gorm.DB
	closers                          []func()
}

func openStores(ctx context.Context, cfg config.Config) (*stores, error) {
	s := &stores{}
	open := func(o dbx.Options) (*gorm.DB, error) {
		db, err := dbx.Open(ctx, o)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, func() { dbx.Close(db) })
		return db, nil
	}
	var err error
	if cfg.MySQLDSN != "" {
		db, err := open(dbx.Options{MySQLDSN: cfg.MySQLDSN})
		if err != nil {
			s.close()
			return nil, err
		}
		s.order, s.payment, s.product = db, db, db
	} else {
		for _, st := range []struct {
			db   **gorm.DB
			name string
		}{{&s.order, config.Order}, {&s.payment, config.Payment}, {&s.product, config.Product}} {
			if *st.db, err = open(dbx.Options{SQLitePath: cfg.SQLitePath(st.name)}); err != nil {
				s.close()
				return nil, err
			}
		}
	}
	if s.gateway, err = open(dbx.Options{SQLitePath: filepath.Join(cfg.DataDir, "gateway.db")}); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *stores) close() {
	for _, c := range s.closers {
		c()
	}
}

// orderRecord is a row of the orders table with its snapshot.
type orderRecord struct {
	ID            string
	UserID        int64
	Status        string
	Total         int64
	Currency      string
	PaymentStatus string
	CheckoutID    string
	Version       int64
	Snapshot      string
	order         commerce.Order
}

// paymentRecord is a row of the payments table.
type paymentRecord struct {
	ID       string
	OrderID  string
	Attempt  int
	Status   string
	ChargeID string
	Version  int64
	Snapshot string
	payment  commerce.Payment
}

// paymentLogRecord is a row of the payment log.
type paymentLogRecord struct {
	PaymentID  string
	Version    int64
	OrderID    string
	FromStatus string
	ToStatus   string
	Event      string
}

// refundRecord is a row of the refunds table.
type refundRecord struct {
	ID        string
	OrderID   string
	PaymentID string
	Status    string
	Snapshot  string
	refund    commerce.Refund
}

// stockRecord is a product's stock columns.
type stockRecord struct {
	ID        int64
	Available int64
	Reserved  int64
	Committed int64
}

// reservationRecord is a stock reservation with its items.
type reservationRecord struct {
	OrderID string
	State   int8
	items   map[int64]int64 // product id -> quantity
}

// Reservation states (services/product: ReservationState).
const (
	reservedState  = 1
	committedState = 2
	releasedState  = 3
	returnedState  = 4
)

// chargeRecord is a charge in the sandbox's ledger.
type chargeRecord struct {
	ID             string
	Amount         int64
	Currency       string
	Status         string
	AmountRefunded int64
	RefundReserved int64
	Metadata       string
	meta           map[string]string
}

// gatewayRefundRecord is a refund in the sandbox's ledger.
type gatewayRefundRecord struct {
	ID       string
	ChargeID string
	Amount   int64
	Currency string
	Status   string
	Metadata string
	meta     map[string]string
}

// snapshot is everything the stores hold, read at one moment.
type snapshot struct {
	orders         map[string]*orderRecord
	payments       []*paymentRecord
	logs           []paymentLogRecord
	refunds        []*refundRecord
	stock          map[int64]stockRecord
	reservations   map[string]*reservationRecord
	charges        []*chargeRecord
	gatewayRefunds []*gatewayRefundRecord
}

// read reads every store.
func (s *stores) read(ctx context.Context) (*snapshot, error) {
	snap := &snapshot{orders: map[string]*orderRecord{}, stock: map[int64]stockRecord{}, reservations: map[string]*reservationRecord{}}
	var orders []*orderRecord
	q := func(db *gorm.DB, dst any, sql string) error {
		if err := db.WithContext(ctx).Raw(sql).Scan(dst).Error; err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
		return nil
	}
	if err := q(s.order, &orders, "SELECT id, user_id, status, total, currency, payment_status, checkout_id, version, snapshot FROM orders"); err != nil {
		return nil, err
	}
	for _, o := range orders {
		if err := json.Unmarshal([]byte(o.Snapshot), &o.order); err != nil {
			return nil, fmt.Errorf("order %s: snapshot: %w", o.ID, err)
		}
		snap.orders[o.ID] = o
	}
	if err := q(s.payment, &snap.payments, "SELECT id, order_id, attempt, status, charge_id, version, snapshot FROM payments"); err != nil {
		return nil, err
	}
	for _, p := range snap.payments {
		if err := json.Unmarshal([]byte(p.Snapshot), &p.payment); err != nil {
			return nil, fmt.Errorf("payment %s: snapshot: %w", p.ID, err)
		}
	}
	if err := q(s.payment, &snap.logs, "SELECT payment_id, version, order_id, from_status, to_status, event FROM payment_logs ORDER BY payment_id, version"); err != nil {
		return nil, err
	}
	if err := q(s.payment, &snap.refunds, "SELECT id, order_id, payment_id, status, snapshot FROM refunds"); err != nil {
		return nil, err
	}
	for _, r := range snap.refunds {
		if err := json.Unmarshal([]byte(r.Snapshot), &r.refund); err != nil {
			return nil, fmt.Errorf("refund %s: snapshot: %w", r.ID, err)
		}
	}
	var stock []stockRecord
	if err := q(s.product, &stock, "SELECT id, available, reserved, committed FROM products"); err != nil {
		return nil, err
	}
	for _, st := range stock {
		snap.stock[st.ID] = st
	}
	var res []*reservationRecord
	if err := q(s.product, &res, "SELECT order_id, state FROM stock_reservations"); err != nil {
		return nil, err
	}
	for _, r := range res {
		r.items = map[int64]int64{}
		snap.reservations[r.OrderID] = r
	}
	var items []struct {
		OrderID   string
		ProductID int64
		Quantity  int64
	}
	if err := q(s.product, &items, "SELECT order_id, product_id, quantity FROM stock_reservation_items"); err != nil {
		return nil, err
	}
	for _, it := range items {
		r := snap.reservations[it.OrderID]
		if r == nil { // items without their reservation: counted as such
			r = &reservationRecord{OrderID: it.OrderID, items: map[int64]int64{}}
			snap.reservations[it.OrderID] = r
		}
		r.items[it.ProductID] += it.Quantity
	}
	if err := q(s.gateway, &snap.charges, "SELECT id, amount, currency, status, amount_refunded, refund_reserved, metadata FROM sandbox_charges"); err != nil {
		return nil, err
	}
	for _, c := range snap.charges {
		c.meta = decodeMeta(c.Metadata)
	}
	if err := q(s.gateway, &snap.gatewayRefunds, "SELECT id, charge_id, amount, currency, status, metadata FROM sandbox_refunds"); err != nil {
		return nil, err
	}
	for _, r := range snap.gatewayRefunds {
		r.meta = decodeMeta(r.Metadata)
	}
	return snap, nil
}

func decodeMeta(s string) map[string]string {
	m := map[string]string{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &m)
	}
	return m
}
