package app

import (
	"context"
	"fmt"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
)

// EnsureAdmin makes sure an admin account with the configured email and
// password exists: it registers it if needed and grants it the admin role
// with the process's service credential. It returns the account id.
func EnsureAdmin(ctx context.Context, c *Clients, email, password string) (int64, error) {
	_, err := c.User.Register(ctx, &user.RegisterRequest{Email: email, Username: "admin", Password: password})
	if err != nil && !apperr.Is(err, apperr.AlreadyExists) {
		return 0, fmt.Errorf("register admin: %w", err)
	}
	login, err := c.User.Login(ctx, &user.LoginRequest{Login: email, Password: password})
	if err != nil {
		return 0, fmt.Errorf("log in as admin %s (was its password changed?): %w", email, err)
	}
	id := login.GetUser().GetId()
	if _, err := c.Auth.AssignRole(ctx, &auth.AssignRoleRequest{UserId: id, Role: "admin"}); err != nil {
		return 0, fmt.Errorf("grant admin role: %w", err)
	}
	return id, nil
}
