package sandbox

import (
	"context"
	"fmt"
	"net/http"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// createRefund starts a refund, pending, of a succeeded charge, at most
// once per key. The amount must fit in what is left of the charge once its
// pending and succeeded refunds are counted.
func (l *ledger) createRefund(ctx context.Context, key string, p gateway.CreateRefundParams) (gateway.Refund, bool, error) {
	if err := checkRefundParams(p); err != nil {
		return gateway.Refund{}, false, err
	}
	fp := fingerprint("POST /v1/refunds", p)
	var created refundRow
	id, replayed, err := l.idempotent(ctx, key, fp, kindRefund, func(tx *gorm.DB) (string, error) {
		var ch chargeRow
		if err := takeRow(tx, &ch, "charge", p.Charge); err != nil {
			return "", err
		}
		if ch.Status != string(gateway.ChargeSucceeded) {
			return "", &apiError{http.StatusBadRequest, gateway.CodeChargeNotRefundable,
				fmt.Sprintf("charge %s is %s: only succeeded charges can be refunded", ch.ID, ch.Status)}
		}
		// The conditional update reserves the amount; it is what keeps two
		// concurrent refunds from overdrawing the charge on any database.
		res := tx.Model(&chargeRow{}).
			Where("id = ? AND status = ? AND amount - refund_reserved >= ?", ch.ID, gateway.ChargeSucceeded, p.Amount).
			Update("refund_reserved", gorm.Expr("refund_reserved + ?", p.Amount))
		if res.Error != nil {
			return "", fmt.Errorf("reserve refund: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return "", &apiError{http.StatusBadRequest, gateway.CodeRefundExceedsCharge,
				fmt.Sprintf("refund of %d exceeds the %d %s left to refund on charge %s",
					p.Amount, ch.Amount-ch.RefundReserved, ch.Currency, ch.ID)}
		}
		row := refundRow{
			ID:        newID("re"),
			ChargeID:  ch.ID,
			Amount:    p.Amount,
			Currency:  ch.Currency,
			Reason:    p.Reason,
			Status:    string(gateway.RefundPending),
			SettleDue: l.dueAt(),
			Metadata:  encodeMetadata(p.Metadata),
			CreatedAt: l.stamp(),
		}
		if err := tx.Create(&row).Error; err != nil {
			return "", fmt.Errorf("store refund: %w", err)
		}
		created = row
		return row.ID, nil
	})
	if err != nil {
		return gateway.Refund{}, false, err
	}
	if replayed {
		r, err := l.getRefund(ctx, id)
		return r, true, err
	}
	l.wake()
	return created.api(), false, nil
}

func checkRefundParams(p gateway.CreateRefundParams) error {
	if p.Charge == "" {
		return errInvalid("charge is required")
	}
	if err := checkAmount(p.Amount); err != nil {
		return err
	}
	if err := checkText("reason", p.Reason, maxReasonLen); err != nil {
		return err
	}
	return checkMetadata(p.Metadata)
}

// getRefund reads a refund.
func (l *ledger) getRefund(ctx context.Context, id string) (gateway.Refund, error) {
	var row refundRow
	if err := takeRow(l.db.WithContext(ctx), &row, "refund", id); err != nil {
		return gateway.Refund{}, err
	}
	return row.api(), nil
}

// settleRefund settles a pending refund: it succeeds, the charge's
// amount_refunded grows, and refund.succeeded is emitted unless the
// charge's card is silent.
func (l *ledger) settleRefund(ctx context.Context, id string) error {
	return l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var row refundRow
		if err := takeRow(tx, &row, "refund", id); err != nil {
			return err
		}
		res := tx.Model(&refundRow{}).
			Where("id = ? AND status = ?", id, gateway.RefundPending).
			Updates(map[string]any{"status": gateway.RefundSucceeded, "settle_due": 0})
		if res.Error != nil {
			return fmt.Errorf("settle refund %s: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		if err := tx.Model(&chargeRow{}).Where("id = ?", row.ChargeID).
			Update("amount_refunded", gorm.Expr("amount_refunded + ?", row.Amount)).Error; err != nil {
			return fmt.Errorf("settle refund %s: %w", id, err)
		}
		var ch chargeRow
		if err := takeRow(tx, &ch, "charge", row.ChargeID); err != nil {
			return err
		}
		if ch.Behavior == testcards.SucceedSilently {
			return nil
		}
		row.Status, row.SettleDue = string(gateway.RefundSucceeded), 0
		r := row.api()
		return l.emit(tx, gateway.EventRefundSucceeded, nil, &r)
	})
}
