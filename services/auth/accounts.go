package auth

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
)

// UserAccounts implements Accounts with the user service's RPC, called with
// the auth service's own credential.
type UserAccounts struct {
	Client userservice.Client
}

// Exists returns nil when the account exists and the user service's
// NotFound when it does not.
func (a UserAccounts) Exists(ctx context.Context, userID int64) error {
	_, err := a.Client.GetUser(ctx, &user.GetUserRequest{UserId: userID})
	return err
}
