package auth

import "time"

// signingKeyRow is an Ed25519 key pair. The newest active key signs; every
// key not yet expired verifies.
type signingKeyRow struct {
	KeyID      string `gorm:"primaryKey;size:64"`
	PrivateKey []byte `gorm:"not null"` // the 32-byte seed
	PublicKey  []byte `gorm:"not null"`
	Active     bool   `gorm:"not null"`
	CreatedAt  time.Time
	// RetiredAt is when the key stopped signing; it keeps verifying until
	// the tokens it signed have expired.
	RetiredAt *time.Time
}

func (signingKeyRow) TableName() string { return "auth_signing_keys" }

// sessionRow is a login session: the family of tokens rotated from one
// login. RefreshTokenID is the only refresh token that may be used next.
type sessionRow struct {
	ID             string `gorm:"primaryKey;size:64"`
	UserID         int64  `gorm:"not null;index"`
	RefreshTokenID string `gorm:"size:64;not null"`
	Generation     int64  `gorm:"not null"`
	ExpiresAt      time.Time
	RevokedAt      *time.Time
	RevokeReason   string `gorm:"size:64"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (sessionRow) TableName() string { return "auth_sessions" }

// revocationRow is one entry of the revocation log, in order of Seq.
type revocationRow struct {
	Seq       int64     `gorm:"primaryKey;autoIncrement"`
	Kind      string    `gorm:"size:16;not null;uniqueIndex:ux_revocation"`
	EntryID   string    `gorm:"size:64;not null;uniqueIndex:ux_revocation"`
	Until     time.Time `gorm:"index"`
	CreatedAt time.Time
}

func (revocationRow) TableName() string { return "auth_revocations" }
