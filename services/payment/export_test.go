package payment

import (
	"context"

	"github.com/tempomall/tempomall/internal/commerce"
)

// StoredRefund reads a refund snapshot back (nothing else reads the
// refunds table: the refund workflow answers with its own snapshot).
func StoredRefund(ctx context.Context, s *Store, id string) (commerce.Refund, error) {
	var row refundRow
	err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error
	return row.Snapshot, err
}
