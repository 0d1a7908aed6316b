package user

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
)

// Store persists accounts.
type Store struct {
	db *gorm.DB
}

// NewStore returns a store over a migrated database.
func NewStore(db *gorm.DB) *Store { return &Store{db: db} }

// Store errors.
var (
	ErrNotFound      = apperr.New(apperr.NotFound, "no such account")
	ErrEmailTaken    = apperr.New(apperr.AlreadyExists, "an account with this email already exists")
	ErrUsernameTaken = apperr.New(apperr.AlreadyExists, "this username is taken")
)

// Create inserts an account and sets its id.
func (s *Store) Create(ctx context.Context, u *userRow) error {
	return s.uniqueness(ctx, u, s.db.WithContext(ctx).Create(u).Error)
}

// ByID returns an account.
func (s *Store) ByID(ctx context.Context, id int64) (userRow, error) {
	var u userRow
	err := s.db.WithContext(ctx).First(&u, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	return u, err
}

// ByLogin returns the account whose normalized email or username is login.
func (s *Store) ByLogin(ctx context.Context, login string) (userRow, error) {
	var u userRow
	err := s.db.WithContext(ctx).
		Where("email_normalized = ? OR username_normalized = ?", login, login).
		First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	return u, err
}

// Update saves the changed fields of an account.
func (s *Store) Update(ctx context.Context, u *userRow, fields map[string]any) error {
	err := s.db.WithContext(ctx).Model(u).Updates(fields).Error
	if err != nil {
		probe := *u
		if v, ok := fields["email_normalized"].(string); ok {
			probe.EmailNormalized = v
		}
		return s.uniqueness(ctx, &probe, err)
	}
	return nil // Updates wrote the fields and updated_at into u
}

// uniqueness turns a unique-key violation into the matching domain error:
// the email when another account has it, the username otherwise.
func (s *Store) uniqueness(ctx context.Context, u *userRow, err error) error {
	if err == nil || !errors.Is(err, gorm.ErrDuplicatedKey) {
		return err
	}
	var n int64
	if cerr := s.db.WithContext(ctx).Model(&userRow{}).
		Where("email_normalized = ? AND id <> ?", u.EmailNormalized, u.ID).Count(&n).Error; cerr != nil {
		return cerr
	}
	if n > 0 {
		return ErrEmailTaken
	}
	return ErrUsernameTaken
}
