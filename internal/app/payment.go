package app

import (
	"context"
	"net/http"

	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/services/payment"
)

func buildPayment(ctx context.Context, p *Platform, _ Options) (server.Server, error) {
	b, err := p.serviceBase(ctx, config.Payment, payment.Migrations)
	if err != nil {
		return nil, err
	}
	tc, err := p.Temporal(ctx)
	if err != nil {
		return nil, err
	}
	store := payment.NewStore(b.db)
	svc := payment.NewService(store, tc, p.gatewayClient(), payment.OrderClient{Client: b.clients.Order})
	ln, err := p.listen("webhook", p.cfg.WebhookListen)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(payment.WebhookPath, &payment.Webhook{
		Store: store, Temporal: tc, Secret: p.cfg.GatewayWebhookSecret,
	})
	p.addRunner("payment webhooks", func(ctx context.Context) error { return serveHTTP(ctx, ln, mux) })
	svr, err := p.newServer(config.Payment, b.guard)
	if err != nil {
		return nil, err
	}
	return svr, payment.Register(svr, payment.NewHandler(svc))
}
