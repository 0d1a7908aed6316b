package app

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx"
	"github.com/tempomall/tempomall/services/auth"
	"github.com/tempomall/tempomall/services/cart"
	"github.com/tempomall/tempomall/services/checkout"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	"github.com/tempomall/tempomall/services/product"
	"github.com/tempomall/tempomall/services/user"
)

// storeMigrations are the migrations of every store, by store name.
var storeMigrations = map[string][]dbx.Migration{
	config.Auth:     auth.Migrations,
	config.User:     user.Migrations,
	config.Product:  product.Migrations,
	config.Cart:     cart.Migrations,
	config.Checkout: checkout.Migrations,
	config.Order:    order.Migrations,
	config.Payment:  payment.Migrations,
}

// MigrateAll applies the migrations of every store.
func MigrateAll(ctx context.Context, cfg config.Config) error {
	var shared *gorm.DB
	defer func() {
		if shared != nil {
			dbx.Close(shared)
		}
	}()
	for _, s := range config.Services {
		db := shared
		if db == nil {
			var err error
			if db, err = openStore(ctx, cfg, s, nil); err != nil {
				return err
			}
			if cfg.MySQLDSN != "" {
				shared = db
			}
		}
		err := dbx.Migrate(ctx, db, s, storeMigrations[s])
		if shared == nil {
			dbx.Close(db)
		}
		if err != nil {
			return fmt.Errorf("migrate %s: %w", s, err)
		}
	}
	return nil
}

// RotateSigningKey makes the auth store sign with a new key and returns
// its id. Running auth services pick it up within a minute.
func RotateSigningKey(ctx context.Context, cfg config.Config) (string, error) {
	db, err := openStore(ctx, cfg, config.Auth, nil)
	if err != nil {
		return "", err
	}
	defer dbx.Close(db)
	if err := dbx.Migrate(ctx, db, config.Auth, auth.Migrations); err != nil {
		return "", err
	}
	keys := auth.NewKeyRing(auth.NewStore(db), cfg.RefreshTokenTTL+cfg.AccessTokenTTL)
	if err := keys.Rotate(ctx); err != nil {
		return "", err
	}
	kid, _ := keys.Signer()
	return kid, nil
}
