package app

import (
	"context"
	"errors"

	"github.com/cloudwego/kitex/server"
)

func buildOrder(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	return nil, errors.New("the order service is not wired yet")
}
