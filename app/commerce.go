package app

import (
	"context"
	"net/http"
	"time"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/cart"
	"github.com/tempomall/tempomall/services/checkout"
	"github.com/tempomall/tempomall/services/order"
	"github.com/tempomall/tempomall/services/payment"
	"github.com/tempomall/tempomall/services/product"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// Product cache sizing: the in-process level keeps the hottest products
// for a few seconds (the longest another replica may show a product after
// a change); the shared level (Redis) keeps them for product.DefaultCacheTTL
// unless a write removes them first.
const (
	productL1Size = 10_000
	productL1TTL  = 2 * time.Second
)

// product builds the product service (catalog and inventory).
func (b *builder) product(context.Context) (registrar, error) {
	svc := product.NewService(
		product.NewStore(b.dbs[config.Product]),
		b.tieredCache(config.Product, productL1Size, productL1TTL),
		product.Settings{Currency: b.cfg.CatalogCurrency},
	)
	return func(svr server.Server) error { return product.Register(svr, product.NewHandler(svc)) }, nil
}

// cart builds the cart service.
func (b *builder) cart(context.Context) (registrar, error) {
	svc := cart.NewService(cart.NewStore(b.dbs[config.Cart]), cart.ProductCatalog{Client: b.sys.Clients.Product})
	return func(svr server.Server) error { return cart.Register(svr, cart.NewHandler(svc)) }, nil
}

// orderSettings are the order workflows' timing rules from the config.
func orderSettings(cfg config.Config) orderwf.Settings {
	return orderwf.Settings{
		CheckoutTTL:     cfg.CheckoutTTL,
		PlacementBudget: cfg.Budgets().Placement,
		PaymentWindow:   cfg.OrderPaymentTimeout,
		ReconcileAfter:  cfg.PaymentReconcileAfter,
		ChargeTimeout:   cfg.PaymentTimeout,
		RefundWindow:    cfg.RefundWindow,
	}
}

// order builds the order service over the order workflows.
func (b *builder) order(context.Context) (registrar, error) {
	store := order.NewStore(b.dbs[config.Order])
	if err := b.sys.Metrics.ObserveOrders(store.CountByStatus); err != nil {
		return nil, err
	}
	svc := order.NewService(store, b.sys.Temporal, orderSettings(b.cfg), b.cfg.Budgets().Wait)
	return func(svr server.Server) error { return order.Register(svr, order.NewHandler(svc)) }, nil
}

// payment builds the payment service and its webhook endpoint.
func (b *builder) payment(context.Context) (registrar, error) {
	store := payment.NewStore(b.dbs[config.Payment])
	svc := payment.NewService(store, b.sys.Temporal, b.gatewayClient(), payment.OrderClient{Client: b.sys.Clients.Order}, b.cfg.Budgets().Wait)
	ln, err := b.listen("webhook", b.cfg.WebhookListen)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(payment.WebhookPath, &payment.Webhook{
		Store: store, Temporal: b.sys.Temporal, Secret: b.cfg.GatewayWebhookSecret, Metrics: b.sys.Metrics,
	})
	b.sys.run("payment webhooks", func(ctx context.Context) error { return serveHTTP(ctx, ln, mux) })
	return func(svr server.Server) error { return payment.Register(svr, payment.NewHandler(svc)) }, nil
}

// checkout builds the checkout service over the checkout workflows.
func (b *builder) checkout(context.Context) (registrar, error) {
	svc := checkout.NewService(b.checkouts, b.sys.Temporal,
		checkout.PaymentCards{Client: b.sys.Clients.Payment}, checkout.OrderStatuses{Client: b.sys.Clients.Order},
		checkout.Settings{Order: orderSettings(b.cfg), Wait: b.cfg.Budgets().Wait, CatalogCurrency: b.cfg.CatalogCurrency})
	return func(svr server.Server) error { return checkout.Register(svr, checkout.NewHandler(svc, b.sys.Metrics)) }, nil
}
