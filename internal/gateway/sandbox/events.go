package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/gateway"
)

// maxListedEvents bounds GET /v1/events.
const maxListedEvents = 100

// emit records an event about a charge (refund nil) or a refund of it,
// inside the transaction that changed it, and queues its delivery when
// webhooks are on. The caller wakes the background loop after commit.
func (l *ledger) emit(tx *gorm.DB, typ string, charge *gateway.Charge, refund *gateway.Refund) error {
	ev := gateway.Event{ID: newID("evt"), Type: typ, Created: l.stamp(), Charge: charge, Refund: refund}
	chargeID := ""
	if charge != nil {
		chargeID = charge.ID
	} else {
		chargeID = refund.Charge
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	row := eventRow{ID: ev.ID, Type: typ, ChargeID: chargeID, Payload: string(payload), CreatedAt: ev.Created}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("store event: %w", err)
	}
	return l.queueDelivery(tx, ev.ID)
}

// queueDelivery adds a delivery of an event, due now, when webhooks are on.
func (l *ledger) queueDelivery(tx *gorm.DB, eventID string) error {
	if !l.webhooks {
		return nil
	}
	d := deliveryRow{EventID: eventID, Status: deliveryPending, NextAttempt: l.now().UnixNano(), CreatedAt: l.stamp()}
	if err := tx.Create(&d).Error; err != nil {
		return fmt.Errorf("queue webhook: %w", err)
	}
	return nil
}

// listEvents lists the events of a charge and its refunds, oldest first;
// an empty chargeID lists the latest events.
func (l *ledger) listEvents(ctx context.Context, chargeID string) ([]gateway.Event, error) {
	q := l.db.WithContext(ctx).Order("seq DESC").Limit(maxListedEvents)
	if chargeID != "" {
		q = q.Where("charge_id = ?", chargeID)
	}
	var rows []eventRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	slices.Reverse(rows)
	events := make([]gateway.Event, 0, len(rows))
	for _, r := range rows {
		ev, err := r.api()
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return events, nil
}

// resendEvent queues one more delivery of an event, with the same id and
// the same body.
func (l *ledger) resendEvent(ctx context.Context, id string) (gateway.Event, error) {
	if !l.webhooks {
		return gateway.Event{}, errWebhooksDisabled
	}
	var row eventRow
	err := l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := takeRow(tx, &row, "event", id); err != nil {
			return err
		}
		return l.queueDelivery(tx, id)
	})
	if err != nil {
		return gateway.Event{}, err
	}
	l.wake()
	return row.api()
}
