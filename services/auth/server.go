package auth

import (
	"github.com/cloudwego/kitex/server"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
)

// PublicMethods need no token.
var PublicMethods = []string{"IssueServiceToken", "VerifyToken", "RefreshToken", "GetSigningKeys"}

// InternalMethods accept the service role only.
var InternalMethods = []string{"IssueTokens", "ListRevocations"}

// Register adds the auth service to a Kitex server.
func Register(svr server.Server, h *Handler) error { return authservice.RegisterService(svr, h) }
