package auth

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
)

// Register adds the auth service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return authservice.RegisterService(svr, h) }
