package user

import (
	"context"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
)

// AuthSessions implements Sessions with the auth service's RPCs, called
// with the user service's own (service) credential.
type AuthSessions struct {
	Client authservice.Client
}

var _ Sessions = AuthSessions{}

// Start issues a new session's tokens.
func (a AuthSessions) Start(ctx context.Context, userID int64) (Session, error) {
	resp, err := a.Client.IssueTokens(ctx, &auth.IssueTokensRequest{UserId: userID})
	if err != nil {
		return Session{}, err
	}
	t := resp.GetTokens()
	return Session{
		AccessToken: t.GetAccessToken(), AccessExpires: t.GetAccessExpiresAt().AsTime(),
		RefreshToken: t.GetRefreshToken(), RefreshExpires: t.GetRefreshExpiresAt().AsTime(),
		Roles: resp.GetClaims().GetRoles(),
	}, nil
}

// End revokes the whole session of an access token.
func (a AuthSessions) End(ctx context.Context, accessToken string) error {
	_, err := a.Client.RevokeToken(ctx, &auth.RevokeTokenRequest{Token: accessToken, WholeSession: true})
	return err
}

// EndOthers revokes every session of an account but keep.
func (a AuthSessions) EndOthers(ctx context.Context, userID int64, keep string) error {
	_, err := a.Client.RevokeUserSessions(ctx, &auth.RevokeUserSessionsRequest{UserId: userID, ExceptSessionId: keep})
	return err
}

// Roles returns an account's roles: customer and its assignments.
func (a AuthSessions) Roles(ctx context.Context, userID int64) ([]string, error) {
	resp, err := a.Client.ListPolicies(ctx, &auth.ListPoliciesRequest{
		Role: "customer", IncludeAssignments: true, UserId: userID,
	})
	if err != nil {
		return nil, err
	}
	roles := []string{"customer"}
	for _, as := range resp.GetAssignments() {
		if as.GetUserId() == userID && as.GetRole() != "customer" {
			roles = append(roles, as.GetRole())
		}
	}
	return roles, nil
}
