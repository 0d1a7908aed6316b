package checkout

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/checkout/checkoutservice"
)

// Register adds the checkout service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return checkoutservice.RegisterService(svr, h) }
