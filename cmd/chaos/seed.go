package main

import (
	"context"
	"fmt"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
)

// stockedProduct is a product the harness created, with the stock it
// started with.
type stockedProduct struct {
	id           int64
	name         string
	initialStock int64
	// rare products have little stock: checkouts run out of it.
	rare bool
}

// catalogPlan is what the harness sells: a few products with stock for
// every shopper, and one rare product whose stock runs out.
var catalogPlan = []struct {
	name        string
	price       int64
	perShopper  int64 // stock per shopper; 0: rareStock in all
	description string
}{
	{"Chaos teacup", 1250, 60, "A teacup that survives crashes."},
	{"Chaos kettle", 6400, 30, "A kettle that boils through restarts."},
	{"Chaos tea tray", 3999, 30, "A tray for idempotent tea."},
	{"Chaos rare teapot", 9900, 0, "Few of them: checkouts run out."},
}

const rareStock = 3

// seedSystem creates the admin (with the service credential, as
// `tempomall seed` does) and, as the admin, the products.
func seedSystem(ctx context.Context, cfg config.Config, clients *clients.Clients, counts *retries, shoppers int) ([]stockedProduct, error) {
	// Build routes klog to a logger of its own: at error level, so that
	// the harness's clients stay as quiet after the seeding as before it
	// (the retries of calls to killed processes are counted, not logged).
	cfg.Ops.LogLevel = "error"
	sys, err := app.Build(ctx, cfg, app.Options{Identity: "tempomall"})
	if err != nil {
		return nil, err
	}
	defer sys.Stop()
	svc := sys.Clients
	err = retry(ctx, counts, "EnsureAdmin", func(ctx context.Context) error {
		_, err := app.EnsureAdmin(ctx, svc, cfg.AdminEmail, cfg.AdminPassword)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seed the admin: %w", err)
	}
	admin := &session{clients: clients, counts: counts, login: cfg.AdminEmail, password: cfg.AdminPassword}
	var products []stockedProduct
	for i, plan := range catalogPlan {
		stock := plan.perShopper * int64(shoppers)
		if plan.perShopper == 0 {
			stock = rareStock
		}
		req := &product.CreateProductRequest{
			Name: plan.name, Description: plan.description, PictureUrl: "https://example.com/chaos.png",
			Price:          &common.Money{Amount: plan.price, Currency: cfg.CatalogCurrency},
			InitialStock:   stock,
			IdempotencyKey: fmt.Sprintf("chaos-product-%d", i),
		}
		var resp *product.CreateProductResponse
		err := admin.call(ctx, "CreateProduct", func(ctx context.Context) (err error) {
			resp, err = clients.Product.CreateProduct(ctx, req)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("create product %s: %w", plan.name, err)
		}
		products = append(products, stockedProduct{
			id: resp.GetProduct().GetId(), name: plan.name, initialStock: stock, rare: plan.perShopper == 0,
		})
	}
	return products, nil
}
