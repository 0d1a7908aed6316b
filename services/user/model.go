package user

import "time"

// userRow is an account. Email and username are unique case-insensitively
// through their normalized columns.
type userRow struct {
	ID                 int64  `gorm:"primaryKey;autoIncrement"`
	Email              string `gorm:"size:254;not null"`
	EmailNormalized    string `gorm:"size:254;not null;uniqueIndex"`
	Username           string `gorm:"size:32;not null"`
	UsernameNormalized string `gorm:"size:32;not null;uniqueIndex"`
	PasswordHash       string `gorm:"size:100;not null"`
	PasswordChangedAt  time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

func (userRow) TableName() string { return "users" }
