package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
)

// runRegister creates a customer account and logs it in.
func runRegister(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("register -email E -username U [-password P]")
	email := fs.String("email", "", "the account's `email` (required)")
	username := fs.String("username", "", "the account's `name` (required)")
	password := fs.String("password", "", "the `password` (at least 8 characters with a letter and a digit); prompted for when not given")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if *email == "" || *username == "" {
		return c.usageErr(fs, "-email and -username are required")
	}
	if *password == "" {
		p, err := c.readPassword(ctx, "password for "+*username+": ")
		if err != nil {
			return err
		}
		*password = p
	}
	cl, err := c.rpc()
	if err != nil {
		return err
	}
	resp, err := cl.User.Register(ctx, &user.RegisterRequest{Email: *email, Username: *username, Password: *password})
	if err != nil {
		return err
	}
	s, err := c.login(ctx, asUser, *email, *password)
	if err != nil {
		return fmt.Errorf("registered account %d, but the login failed: %w", resp.GetUser().GetId(), err)
	}
	fmt.Fprintf(c.out, "registered %s (id %d, %s) and logged in\n", s.Name(), s.UserID, s.Email)
	return nil
}

// runLogin logs an account in.
func runLogin(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("login LOGIN [-password P]")
	password := fs.String("password", "", "the `password`; prompted for when not given")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *password == "" {
		if *password, err = c.readPassword(ctx, "password for "+pos[0]+": "); err != nil {
			return err
		}
	}
	s, err := c.login(ctx, asUser, pos[0], *password)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "logged in as %s (id %d, roles %s)\n", s.Name(), s.UserID, strings.Join(s.Roles, ", "))
	return nil
}

// runLogout ends the customer session.
func runLogout(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("logout")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.logout(ctx, asUser)
}

// logout ends a role's session on the server (when it still works) and
// forgets it.
func (c *cli) logout(ctx context.Context, r role) error {
	s, err := c.session(r)
	if err != nil {
		return err
	}
	cl, err := c.rpc()
	if err != nil {
		return err
	}
	_, err = cl.User.Logout(withToken(ctx, s), &user.LogoutRequest{RefreshToken: s.RefreshToken})
	if err != nil && !apperr.Is(err, apperr.Unauthenticated) {
		return err
	}
	if err := c.setSession(r, nil); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "logged out %s\n", s.Name())
	return nil
}

// runWhoami shows the logged-in accounts as the user service sees them.
func runWhoami(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("whoami [-json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	st, err := c.loadState()
	if err != nil {
		return err
	}
	if st.User == nil && st.Admin == nil {
		return apperr.New(apperr.Unauthenticated, "not logged in: run `mallctl login LOGIN`, `mallctl register` or `mallctl admin login`")
	}
	cl, err := c.rpc()
	if err != nil {
		return err
	}
	out := map[string]*user.User{}
	for _, r := range []struct {
		label string
		role  role
		s     *Session
	}{{"user", asUser, st.User}, {"admin", asAdmin, st.Admin}} {
		if r.s == nil {
			continue
		}
		actx, s, err := c.authed(ctx, r.role)
		if err != nil {
			return err
		}
		resp, err := cl.User.GetUser(actx, &user.GetUserRequest{})
		if err != nil {
			return fmt.Errorf("%s session: %w", r.label, err)
		}
		out[r.label] = resp.GetUser()
		if !*asJSON {
			u := resp.GetUser()
			fmt.Fprintf(c.out, "%s session:\n", r.label)
			printFields(c.out,
				"  account", fmt.Sprintf("%s (id %d)", u.GetUsername(), u.GetId()),
				"  email", u.GetEmail(),
				"  roles", strings.Join(u.GetRoles(), ", "),
				"  token expires", fmtRelative(s.AccessExpiresAt, c.now())+" (refreshed automatically)",
				"  session ends", s.RefreshExpiresAt.Local().Format("2006-01-02 15:04"),
			)
		}
	}
	if *asJSON {
		return printJSON(c.out, out)
	}
	fmt.Fprintf(c.out, "state file: %s\n", c.statePath)
	return nil
}

// runToken prints an access token, for grpcurl and friends.
func runToken(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("token [-admin]")
	admin := fs.Bool("admin", false, "the admin session's token")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	_, s, err := c.authed(ctx, roleOf(*admin))
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, s.AccessToken)
	return nil
}

// runRefresh rotates a session's tokens now.
func runRefresh(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("refresh [-admin]")
	admin := fs.Bool("admin", false, "refresh the admin session")
	if _, err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	s, err := c.refresh(ctx, roleOf(*admin))
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "refreshed the session of %s: the access token expires %s\n", s.Name(), fmtRelative(s.AccessExpiresAt, c.now()))
	return nil
}

// roleOf returns asAdmin when admin is set.
func roleOf(admin bool) role {
	if admin {
		return asAdmin
	}
	return asUser
}
