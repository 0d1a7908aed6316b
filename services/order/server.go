package order

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
)

// PublicMethods need no token.
var PublicMethods []string

// InternalMethods accept the service role only: placing an order for any
// account is for the checkout (and other trusted services).
var InternalMethods = []string{"PlaceOrder"}

// Register adds the order service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return orderservice.RegisterService(svr, h) }
