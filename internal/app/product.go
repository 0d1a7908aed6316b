package app

import (
	"context"
	"errors"

	"github.com/cloudwego/kitex/server"
)

func buildProduct(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	return nil, errors.New("the product service is not wired yet")
}
