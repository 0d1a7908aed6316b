package product

import (
	"fmt"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the product store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_catalog", Up: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(
			&productRow{}, &productCategoryRow{}, &categoryRow{}, &termRow{},
			&reservationRow{}, &reservationItemRow{}, &adjustmentRow{},
		); err != nil {
			return err
		}
		return binaryKeys(tx)
	}},
}

// binaryKeys makes the key columns compare byte for byte on MySQL, whose
// default collation would otherwise treat "Mug" and "mug", or two distinct
// rare CJK characters, as the same key. SQLite compares bytes already.
func binaryKeys(tx *gorm.DB) error {
	if !dbx.IsMySQL(tx) {
		return nil
	}
	columns := []struct{ table, column, def string }{
		{"product_terms", "term", "VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"},
		{"categories", "name_key", "VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"},
		{"products", "create_key", "VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL"},
		{"stock_reservations", "order_id", "VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"},
		{"stock_reservation_items", "order_id", "VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"},
		{"stock_adjustments", "idempotency_key", "VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL"},
	}
	for _, c := range columns {
		stmt := fmt.Sprintf("ALTER TABLE `%s` MODIFY `%s` %s", c.table, c.column, c.def)
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("%s.%s: %w", c.table, c.column, err)
		}
	}
	return nil
}
