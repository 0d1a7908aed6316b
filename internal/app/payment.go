package app

import (
	"context"
	"errors"

	"github.com/cloudwego/kitex/server"
)

func buildPayment(ctx context.Context, p *Platform, o Options) (server.Server, error) {
	return nil, errors.New("the payment service is not wired yet")
}
