package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/tempomall/tempomall/cmd/internal/stackrun"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/rpc"
)

// benchStock is the product's stock: more than any run sells.
const benchStock = 100_000_000

// seed creates the admin (tempomall seed, with the service credential),
// as the admin one product with stock for every run, and the shoppers,
// logged in once (tokens last accessTokenLifetime).
func seed(ctx context.Context, s *stack, c *clients.Clients, shoppers int) ([]*shopper, error) {
	if err := stackrun.RunOnce(ctx, s.env, filepath.Join(s.procs.dir, "seed.log"), s.o.tempomall, "seed"); err != nil {
		return nil, err
	}
	admin, err := c.User.Login(ctx, &user.LoginRequest{Login: s.cfg.AdminEmail, Password: s.cfg.AdminPassword})
	if err != nil {
		return nil, fmt.Errorf("log the admin in: %w", err)
	}
	resp, err := c.Product.CreateProduct(rpc.WithToken(ctx, admin.GetTokens().GetAccessToken()), &product.CreateProductRequest{
		Name: "Benchmark teapot", Description: "Sold by the load benchmark.", PictureUrl: "https://example.com/bench.png",
		Price:        &common.Money{Amount: 1999, Currency: s.cfg.CatalogCurrency},
		InitialStock: benchStock, IdempotencyKey: "bench-product",
	})
	if err != nil {
		return nil, fmt.Errorf("create the product: %w", err)
	}
	productID := resp.GetProduct().GetId()
	var sh []*shopper
	for i := 1; i <= shoppers; i++ {
		email, password := fmt.Sprintf("bench%d@bench.tempomall.local", i), "bench-pass-1"
		if _, err := c.User.Register(ctx, &user.RegisterRequest{Email: email, Username: fmt.Sprintf("bench%d", i), Password: password}); err != nil {
			return nil, fmt.Errorf("register shopper %d: %w", i, err)
		}
		login, err := c.User.Login(ctx, &user.LoginRequest{Login: email, Password: password})
		if err != nil {
			return nil, fmt.Errorf("log shopper %d in: %w", i, err)
		}
		sh = append(sh, &shopper{clients: c, token: login.GetTokens().GetAccessToken(), userID: login.GetUser().GetId(), product: productID})
	}
	return sh, nil
}
