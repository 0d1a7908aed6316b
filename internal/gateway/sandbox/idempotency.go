package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"gorm.io/gorm"
)

// fingerprint identifies a request for the idempotency check: its route
// and its parameters in canonical JSON (so that key order and spacing in
// the body do not matter).
func fingerprint(route string, params any) string {
	h := sha256.New()
	h.Write([]byte(route))
	h.Write([]byte{'\n'})
	b, _ := json.Marshal(params) // the API's parameter types always encode
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// idempotent runs create at most once per key. In one transaction it looks
// the key up: a known key with the same fingerprint answers the id it
// created (replayed), with another fingerprint errIdempotencyConflict; an
// unknown key runs create and records the key with what it created. When a
// concurrent request with the same key commits first, the insert of the key
// fails on its unique index, the transaction (create included) rolls back,
// and the lookup is repeated: the loser answers the winner's result.
func (l *ledger) idempotent(ctx context.Context, key, fp, kind string, create func(tx *gorm.DB) (string, error)) (id string, replayed bool, err error) {
	for attempt := 0; ; attempt++ {
		err = l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var rec idempotencyRow
			err := tx.Where("idem_key = ?", key).Take(&rec).Error
			if err == nil {
				if rec.Fingerprint != fp || rec.Kind != kind {
					return errIdempotencyConflict
				}
				id, replayed = rec.ResourceID, true
				return nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
			if id, err = create(tx); err != nil {
				return err
			}
			replayed = false
			return tx.Create(&idempotencyRow{IdemKey: key, Fingerprint: fp, Kind: kind, ResourceID: id, CreatedAt: l.stamp()}).Error
		})
		if errors.Is(err, gorm.ErrDuplicatedKey) && attempt == 0 {
			continue
		}
		return id, replayed, err
	}
}
