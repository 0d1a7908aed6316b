package order

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
)

// Register adds the order service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return orderservice.RegisterService(svr, h) }
