package app

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/tempomall/tempomall/internal/gateway/sandbox"
)

// sandbox builds the payment sandbox gateway: state in the data
// directory, webhooks to the payment service.
func (b *builder) sandbox(context.Context) error {
	cfg := b.cfg
	srv, err := sandbox.New(sandbox.Options{
		APIKey:        cfg.GatewayAPIKey,
		WebhookURL:    cfg.WebhookURL,
		WebhookSecret: cfg.GatewayWebhookSecret,
		StorePath:     filepath.Join(cfg.DataDir, "gateway.db"),
	})
	if err != nil {
		return err
	}
	ln, err := b.listen("gateway", cfg.GatewayListen)
	if err != nil {
		_ = srv.Close()
		return err
	}
	b.sys.run("payment sandbox", func(ctx context.Context) error {
		return errors.Join(srv.Serve(ctx, ln), srv.Close())
	})
	return nil
}
