package auth

import (
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/tempomall/tempomall/internal/dbx"
)

// Migrations are the auth store's schema changes, in order.
var Migrations = []dbx.Migration{
	{ID: "0001_create_auth_tables", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&signingKeyRow{}, &sessionRow{}, &revocationRow{})
	}},
	{ID: "0002_create_casbin_rule", Up: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&gormadapter.CasbinRule{}); err != nil {
			return err
		}
		return tx.Exec("CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype,v0,v1,v2,v3,v4,v5)").Error
	}},
	{ID: "0003_seed_default_policy", Up: func(tx *gorm.DB) error {
		rules := make([]gormadapter.CasbinRule, 0, 64)
		for _, p := range DefaultPolicy {
			rules = append(rules, gormadapter.CasbinRule{Ptype: "p", V0: p[0], V1: p[1], V2: p[2]})
		}
		for _, g := range DefaultInheritance {
			rules = append(rules, gormadapter.CasbinRule{Ptype: "g", V0: g[0], V1: g[1]})
		}
		return tx.Create(&rules).Error
	}},
	{ID: "0004_allow_payment_method_lookup", Up: func(tx *gorm.DB) error {
		// Databases seeded before GetPaymentMethod existed (0003 seeds it
		// for new ones).
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&[]gormadapter.CasbinRule{
			{Ptype: "p", V0: "customer", V1: "payment", V2: "GetPaymentMethod"},
			{Ptype: "p", V0: "service", V1: "payment", V2: "GetPaymentMethod"},
		}).Error
	}},
}
