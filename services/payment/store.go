package payment

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Store is the payments read model and the payment log.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// ErrNotFound is returned for an unknown payment.
var ErrNotFound = apperr.New(apperr.NotFound, "no such payment")

// Record writes a payment snapshot and, when its status changed, appends a
// log row naming the event that changed it. An older version changes
// nothing; the version already stored is written again (see
// dbx.UpsertVersioned), and its log row then names the new status.
func (s *Store) Record(ctx context.Context, p commerce.Payment, event, detail string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var prev paymentRow
		err := tx.Select("status", "version").First(&prev, "id = ?", p.ID).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if prev.Version > p.Version {
			return nil // a newer version is recorded
		}
		rewrite := prev.Version == p.Version
		row := &paymentRow{
			ID: p.ID, OrderID: p.OrderID, Attempt: p.Attempt, UserID: p.UserID,
			Status: string(p.Status), ChargeID: p.ChargeID, Version: p.Version,
			Snapshot: p, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		}
		if err := dbx.UpsertVersioned(ctx, tx, row, p.ID, p.Version); err != nil {
			return err
		}
		if prev.Status == string(p.Status) {
			return nil
		}
		detail = dbx.Truncate(detail, 500)
		// A rewritten version's log row keeps the status it came from and
		// takes the new one.
		onConflict := clause.OnConflict{DoNothing: true}
		if rewrite {
			onConflict = clause.OnConflict{
				Columns:   []clause.Column{{Name: "payment_id"}, {Name: "version"}},
				DoUpdates: clause.AssignmentColumns([]string{"to_status", "event", "detail", "created_at"}),
			}
		}
		return tx.Clauses(onConflict).Create(&paymentLogRow{
			PaymentID: p.ID, Version: p.Version, OrderID: p.OrderID,
			FromStatus: prev.Status, ToStatus: string(p.Status), Event: event, Detail: detail,
			CreatedAt: p.UpdatedAt,
		}).Error
	})
}

// Get returns a payment by id.
func (s *Store) Get(ctx context.Context, id string) (commerce.Payment, error) {
	var row paymentRow
	err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return commerce.Payment{}, ErrNotFound
	}
	return row.Snapshot, err
}

// Latest returns an order's latest payment.
func (s *Store) Latest(ctx context.Context, orderID string) (commerce.Payment, error) {
	var row paymentRow
	err := s.db.WithContext(ctx).Where("order_id = ?", orderID).Order("attempt DESC").First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return commerce.Payment{}, apperr.Wrap(ErrNotFound, "order %s has no payment", orderID)
	}
	return row.Snapshot, err
}

// Log is one payment log entry.
type Log struct {
	ID         int64
	PaymentID  string
	OrderID    string
	FromStatus commerce.PaymentStatus
	ToStatus   commerce.PaymentStatus
	Event      string
	Detail     string
	CreatedAt  time.Time
}

// Logs returns the log of an order's payments (or of one payment), oldest
// first.
func (s *Store) Logs(ctx context.Context, orderID, paymentID string) ([]Log, error) {
	q := s.db.WithContext(ctx).Model(&paymentLogRow{})
	if paymentID != "" {
		q = q.Where("payment_id = ?", paymentID)
	} else {
		q = q.Where("order_id = ?", orderID)
	}
	var rows []paymentLogRow
	if err := q.Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Log, len(rows))
	for i, r := range rows {
		out[i] = Log{
			ID: r.ID, PaymentID: r.PaymentID, OrderID: r.OrderID,
			FromStatus: commerce.PaymentStatus(r.FromStatus), ToStatus: commerce.PaymentStatus(r.ToStatus),
			Event: r.Event, Detail: r.Detail, CreatedAt: r.CreatedAt,
		}
	}
	return out, nil
}

// RecordRefund writes a refund snapshot unless a newer one is stored.
func (s *Store) RecordRefund(ctx context.Context, r commerce.Refund) error {
	row := &refundRow{
		ID: r.ID, OrderID: r.OrderID, PaymentID: r.PaymentID, Status: string(r.Status),
		Version: r.Version, Snapshot: r, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	return dbx.UpsertVersioned(ctx, s.db, row, r.ID, r.Version)
}

// Stuck returns payments still PROCESSING that did not change since
// before, oldest first.
func (s *Store) Stuck(ctx context.Context, before time.Time, limit int) ([]commerce.Payment, error) {
	var rows []paymentRow
	err := s.db.WithContext(ctx).Where("status = ? AND updated_at < ?", string(commerce.PaymentProcessing), before).
		Order("updated_at").Limit(limit).Find(&rows).Error
	out := make([]commerce.Payment, len(rows))
	for i, r := range rows {
		out[i] = r.Snapshot
	}
	return out, err
}

// Delivered reports whether a webhook event was already handled.
func (s *Store) Delivered(ctx context.Context, eventID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&webhookEventRow{}).Where("event_id = ?", eventID).Count(&n).Error
	return n > 0, err
}

// MarkDelivered records a handled webhook event; recording one again
// changes nothing.
func (s *Store) MarkDelivered(ctx context.Context, eventID, eventType string) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&webhookEventRow{EventID: eventID, Type: dbx.Truncate(eventType, 32), ReceivedAt: time.Now().UTC()}).Error
}
