package app

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"time"

	"github.com/tempomall/tempomall/internal/gateway"
	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

// startGateway registers the payment sandbox: state in the data
// directory, webhooks to the payment service.
func startGateway(p *Platform) error {
	cfg := p.cfg
	srv, err := sandbox.New(sandbox.Options{
		APIKey:        cfg.GatewayAPIKey,
		WebhookURL:    cfg.WebhookURL,
		WebhookSecret: cfg.GatewayWebhookSecret,
		StorePath:     filepath.Join(cfg.DataDir, "gateway.db"),
	})
	if err != nil {
		return err
	}
	ln, err := p.listen("gateway", cfg.GatewayListen)
	if err != nil {
		_ = srv.Close()
		return err
	}
	p.addRunner("gateway", func(ctx context.Context) error {
		err := srv.Serve(ctx, ln)
		return errors.Join(err, srv.Close())
	})
	return nil
}

// gatewayClient returns a client of the configured gateway.
func (p *Platform) gatewayClient() *gateway.HTTPClient {
	return gateway.NewHTTPClient(p.cfg.GatewayURL, p.cfg.GatewayAPIKey, &http.Client{Timeout: 15 * time.Second})
}
