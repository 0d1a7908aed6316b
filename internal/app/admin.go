package app

import (
	"context"
	"fmt"

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
func MigrateAll(ctx context.Context, p *Platform) error {
	for _, s := range config.Services {
		if _, err := p.DB(ctx, s, storeMigrations[s]); err != nil {
			return fmt.Errorf("migrate %s: %w", s, err)
		}
	}
	return nil
}

// RotateSigningKey makes the auth store sign with a new key and returns
// its id. Running auth services pick it up within a minute.
func RotateSigningKey(ctx context.Context, p *Platform) (string, error) {
	db, err := p.DB(ctx, config.Auth, auth.Migrations)
	if err != nil {
		return "", err
	}
	keys := auth.NewKeyRing(auth.NewStore(db), p.cfg.RefreshTokenTTL+p.cfg.AccessTokenTTL)
	if err := keys.Rotate(ctx); err != nil {
		return "", err
	}
	kid, _ := keys.Signer()
	return kid, nil
}
