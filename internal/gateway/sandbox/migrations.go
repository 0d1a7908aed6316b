package sandbox

import (
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// migrationStore names the sandbox's migrations in schema_migrations.
const migrationStore = "sandbox"

// Migrations are the sandbox store's schema changes, in order.
func Migrations() []dbx.Migration {
	return []dbx.Migration{
		{ID: "0001_create_sandbox", Up: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&paymentMethodRow{}, &chargeRow{}, &refundRow{},
				&idempotencyRow{}, &eventRow{}, &deliveryRow{})
		}},
	}
}
