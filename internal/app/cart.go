package app

import (
	"context"
	"errors"

	"github.com/cloudwego/kitex/server"
)

func buildCart(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	return nil, errors.New("the cart service is not wired yet")
}
