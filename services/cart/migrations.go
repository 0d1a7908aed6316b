package cart

import (
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the cart store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_carts", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&cartRow{}, &itemRow{}, &appliedOrderRow{})
	}},
	{ID: "0002_create_cart_applied_adds", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&appliedAddRow{})
	}},
}
