package sandbox

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// Kinds of resources an idempotency key can create.
const (
	kindCharge = "charge"
	kindRefund = "refund"
)

// createCharge starts a charge, processing, at most once per key. A
// repeat answers the charge as it is now, with replayed set.
func (l *ledger) createCharge(ctx context.Context, key string, p gateway.CreateChargeParams) (ch gateway.Charge, replayed bool, err error) {
	if err := checkChargeParams(p); err != nil {
		return gateway.Charge{}, false, err
	}
	fp := fingerprint("POST /v1/charges", p)
	var created chargeRow
	id, replayed, err := l.idempotent(ctx, key, fp, kindCharge, func(tx *gorm.DB) (string, error) {
		var pm paymentMethodRow
		if err := takeRow(tx, &pm, "payment method", p.PaymentMethod); err != nil {
			return "", err
		}
		row := chargeRow{
			ID:              newID("ch"),
			Amount:          p.Amount,
			Currency:        p.Currency,
			PaymentMethodID: pm.ID,
			Behavior:        pm.Behavior,
			Description:     p.Description,
			Status:          string(gateway.ChargeProcessing),
			SettleDue:       l.dueAt(),
			Metadata:        encodeMetadata(p.Metadata),
			CreatedAt:       l.stamp(),
		}
		if pm.Behavior == testcards.NeverSettle {
			row.SettleDue = 0
		}
		if err := tx.Create(&row).Error; err != nil {
			return "", fmt.Errorf("store charge: %w", err)
		}
		created = row
		return row.ID, nil
	})
	if err != nil {
		return gateway.Charge{}, false, err
	}
	if replayed {
		// A repeat answers the charge as it is now.
		ch, err = l.getCharge(ctx, id)
		return ch, true, err
	}
	// The first answer is the charge as created: it may settle any time.
	l.wake()
	return created.api(), false, nil
}

func checkChargeParams(p gateway.CreateChargeParams) error {
	if err := checkAmount(p.Amount); err != nil {
		return err
	}
	if err := checkCurrency(p.Currency); err != nil {
		return err
	}
	if p.PaymentMethod == "" {
		return errInvalid("payment_method is required")
	}
	if err := checkText("description", p.Description, maxDescriptionLen); err != nil {
		return err
	}
	return checkMetadata(p.Metadata)
}

// getCharge reads a charge.
func (l *ledger) getCharge(ctx context.Context, id string) (gateway.Charge, error) {
	var row chargeRow
	if err := takeRow(l.db.WithContext(ctx), &row, "charge", id); err != nil {
		return gateway.Charge{}, err
	}
	return row.api(), nil
}

// cancelCharge cancels a processing charge (event charge.canceled, unless
// the card is silent) and answers a settled one unchanged. With a key, a
// repeat answers the charge without trying again.
func (l *ledger) cancelCharge(ctx context.Context, id, key string) (gateway.Charge, bool, error) {
	cancel := func(tx *gorm.DB) (string, error) {
		var row chargeRow
		if err := takeRow(tx, &row, "charge", id); err != nil {
			return "", err
		}
		if row.Status != string(gateway.ChargeProcessing) {
			return id, nil
		}
		row.Status, row.SettleDue = string(gateway.ChargeCanceled), 0
		if err := l.settle(tx, &row, gateway.EventChargeCanceled); err != nil {
			return "", err
		}
		return id, nil
	}
	var replayed bool
	var err error
	if key == "" {
		err = l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			_, err := cancel(tx)
			return err
		})
	} else {
		_, replayed, err = l.idempotent(ctx, key, fingerprint("POST /v1/charges/"+id+"/cancel", nil), kindCharge, cancel)
	}
	if err != nil {
		return gateway.Charge{}, false, err
	}
	l.wake()
	ch, err := l.getCharge(ctx, id)
	return ch, replayed, err
}

// settleCharge settles a processing charge the way its card behaves.
func (l *ledger) settleCharge(ctx context.Context, id string) error {
	return l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row chargeRow
		if err := takeRow(tx, &row, "charge", id); err != nil {
			return err
		}
		if row.Status != string(gateway.ChargeProcessing) || row.SettleDue == 0 {
			return nil
		}
		row.SettleDue = 0
		event := gateway.EventChargeSucceeded
		row.Status = string(gateway.ChargeSucceeded)
		switch row.Behavior {
		case testcards.Decline:
			event, row.Status = gateway.EventChargeFailed, string(gateway.ChargeFailed)
			row.FailureCode, row.FailureMessage = gateway.FailureCardDeclined, "Your card was declined."
		case testcards.DeclineInsufficientFunds:
			event, row.Status = gateway.EventChargeFailed, string(gateway.ChargeFailed)
			row.FailureCode, row.FailureMessage = gateway.FailureInsufficientFunds, "Your card has insufficient funds."
		}
		return l.settle(tx, &row, event)
	})
}

// settle writes a processing charge's new state (guarded by its status,
// so that a concurrent cancel and settlement cannot both win) and emits
// its event unless the card is silent.
func (l *ledger) settle(tx *gorm.DB, row *chargeRow, event string) error {
	res := tx.Model(&chargeRow{}).
		Where("id = ? AND status = ?", row.ID, gateway.ChargeProcessing).
		Updates(map[string]any{
			"status":          row.Status,
			"settle_due":      row.SettleDue,
			"failure_code":    row.FailureCode,
			"failure_message": row.FailureMessage,
		})
	if res.Error != nil {
		return fmt.Errorf("settle charge %s: %w", row.ID, res.Error)
	}
	if res.RowsAffected == 0 || row.Behavior == testcards.SucceedSilently {
		return nil
	}
	ch := row.api()
	return l.emit(tx, event, &ch, nil)
}
