package order

import (
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the order store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_orders", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&orderRow{})
	}},
}
