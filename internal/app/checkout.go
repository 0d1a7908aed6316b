package app

import (
	"context"
	"errors"

	"github.com/cloudwego/kitex/server"
)

func buildCheckout(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	return nil, errors.New("the checkout service is not wired yet")
}
