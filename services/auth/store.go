package auth

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Store persists signing keys, sessions and the revocation log.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// ErrSessionNotFound is returned for an unknown session id.
var ErrSessionNotFound = apperr.New(apperr.Unauthenticated, "unknown session; log in again")

// Keys returns the active signing key and the keys retired after
// retiredAfter, newest first.
func (s *Store) Keys(ctx context.Context, retiredAfter time.Time) ([]signingKeyRow, error) {
	var rows []signingKeyRow
	err := s.db.WithContext(ctx).Where("active = ? OR retired_at > ?", true, retiredAfter).
		Order("created_at DESC").Find(&rows).Error
	return rows, err
}

// AddKey stores a new active key and retires the previous active ones.
func (s *Store) AddKey(ctx context.Context, k signingKeyRow) error {
	// Instances that start together on an empty store each add a first
	// key at once: MySQL may take one for a deadlock victim, which adds
	// its key again.
	return dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		now := time.Now().UTC()
		if err := tx.Model(&signingKeyRow{}).Where("active = ?", true).
			Updates(map[string]any{"active": false, "retired_at": now}).Error; err != nil {
			return err
		}
		k.Active = true
		return tx.Create(&k).Error
	})
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess sessionRow) error {
	return s.db.WithContext(ctx).Create(&sess).Error
}

// Session returns a session by id.
func (s *Store) Session(ctx context.Context, id string) (sessionRow, error) {
	var row sessionRow
	err := s.db.WithContext(ctx).First(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, ErrSessionNotFound
	}
	return row, err
}

// RotateRefresh moves a session from one refresh token to the next. It
// returns false when the session's current refresh token is no longer
// oldID (another refresh won the race, or the token was reused).
func (s *Store) RotateRefresh(ctx context.Context, sessionID, oldID, newID string, expires time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&sessionRow{}).
		Where("id = ? AND refresh_token_id = ? AND revoked_at IS NULL", sessionID, oldID).
		Updates(map[string]any{
			"refresh_token_id": newID,
			"generation":       gorm.Expr("generation + 1"),
			"expires_at":       expires,
		})
	return res.RowsAffected == 1, res.Error
}

// RevokeSessions marks sessions revoked and returns the ones that were
// live. With userID set it revokes all of that account's sessions but
// except; otherwise only the session ids given.
func (s *Store) RevokeSessions(ctx context.Context, userID int64, ids []string, except, reason string) ([]sessionRow, error) {
	var live []sessionRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("revoked_at IS NULL")
		if userID != 0 {
			q = q.Where("user_id = ?", userID)
		} else {
			q = q.Where("id IN ?", ids)
		}
		if except != "" {
			q = q.Where("id <> ?", except)
		}
		if err := q.Find(&live).Error; err != nil || len(live) == 0 {
			return err
		}
		liveIDs := make([]string, len(live))
		for i, r := range live {
			liveIDs[i] = r.ID
		}
		return tx.Model(&sessionRow{}).Where("id IN ?", liveIDs).
			Updates(map[string]any{"revoked_at": time.Now().UTC(), "revoke_reason": reason}).Error
	})
	return live, err
}

// AppendRevocation adds an entry to the revocation log (once per entry).
func (s *Store) AppendRevocation(ctx context.Context, kind, id string, until time.Time) error {
	row := revocationRow{Kind: kind, EntryID: id, Until: until.UTC()}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
}

// RevocationsAfter returns unexpired log entries after seq, in order.
func (s *Store) RevocationsAfter(ctx context.Context, seq int64, limit int) ([]revocationRow, error) {
	var rows []revocationRow
	err := s.db.WithContext(ctx).Where("seq > ? AND until > ?", seq, time.Now().UTC()).
		Order("seq").Limit(limit).Find(&rows).Error
	return rows, err
}

// LiveRevocations returns every unexpired entry (to fill an in-process list
// at start).
func (s *Store) LiveRevocations(ctx context.Context) ([]revocationRow, error) {
	return s.RevocationsAfter(ctx, 0, 1_000_000)
}

// PurgeExpired deletes log entries and sessions that can no longer matter.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) error {
	db := s.db.WithContext(ctx)
	if err := db.Where("until <= ?", now).Delete(&revocationRow{}).Error; err != nil {
		return err
	}
	return db.Where("expires_at <= ?", now.Add(-24*time.Hour)).Delete(&sessionRow{}).Error
}
