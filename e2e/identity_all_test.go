package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

// accountPassword is the password of the accounts these tests register.
const accountPassword = "Identity-pass-7"

// register creates an account with a unique name and returns its id and
// name.
func (s *stack) register(t *testing.T) (int64, string) {
	t.Helper()
	name := unique("idn")
	resp, err := s.clients.User.Register(context.Background(), &user.RegisterRequest{
		Email: name + "@example.com", Username: name, Password: accountPassword,
	})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return resp.GetUser().GetId(), name
}

// login starts a session or fails the test.
func (s *stack) login(t *testing.T, login, password string) *user.Tokens {
	t.Helper()
	resp, err := s.clients.User.Login(context.Background(), &user.LoginRequest{Login: login, Password: password})
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return resp.GetTokens()
}

// serviceCall is one protected call to each service, made with a token.
type serviceCall struct {
	service string
	call    func(ctx context.Context) error
}

// everyService calls a protected method of every service. Before a logout
// they pass the guard (whatever the handler then answers); after it, each
// must be refused as Unauthenticated.
func (s *stack) everyService(productID int64) []serviceCall {
	c := s.clients
	return []serviceCall{
		{config.User, func(ctx context.Context) error { _, err := c.User.GetUser(ctx, &user.GetUserRequest{}); return err }},
		{config.Auth, func(ctx context.Context) error {
			_, err := c.Auth.RevokeToken(ctx, &auth.RevokeTokenRequest{}) // no token to revoke: InvalidArgument
			return err
		}},
		{config.Product, func(ctx context.Context) error {
			_, err := c.Product.AdjustStock(ctx, &product.AdjustStockRequest{ProductId: productID, Delta: 1}) // admin only
			return err
		}},
		{config.Cart, func(ctx context.Context) error { _, err := c.Cart.GetCart(ctx, &cart.GetCartRequest{}); return err }},
		{config.Checkout, func(ctx context.Context) error {
			_, err := c.Checkout.GetCheckout(ctx, &checkout.GetCheckoutRequest{CheckoutId: "checkout/none"})
			return err
		}},
		{config.Order, func(ctx context.Context) error {
			_, err := c.Order.ListOrders(ctx, &order.ListOrdersRequest{})
			return err
		}},
		{config.Payment, func(ctx context.Context) error {
			_, err := c.Payment.GetPayment(ctx, &payment.GetPaymentRequest{OrderId: "none"})
			return err
		}},
	}
}

// kinds returns each service's answer to token: "ok" or the failure kind.
func (s *stack) kinds(token string, productID int64) map[string]string {
	out := map[string]string{}
	for _, sc := range s.everyService(productID) {
		err := sc.call(as(token))
		out[sc.service] = "ok"
		if err != nil {
			out[sc.service] = apperr.KindOf(err).String()
		}
	}
	return out
}

// TestLogoutEverywhere logs out a customer and an admin: afterwards their
// access tokens are refused as Unauthenticated by every service.
func TestLogoutEverywhere(t *testing.T) {
	s := fullStack(t)
	ctx := context.Background()
	_, name := s.register(t)
	sessions := map[string]string{
		"customer": s.login(t, name, accountPassword).GetAccessToken(),
		"admin":    s.login(t, s.cfg.AdminEmail, s.cfg.AdminPassword).GetAccessToken(),
	}
	pid := s.product(t, s.admin(t), 500, 3)
	for who, tok := range sessions {
		before := s.kinds(tok, pid)
		for svc, kind := range before {
			if kind == apperr.Unauthenticated.String() {
				t.Fatalf("%s before logout: %s refused the token", who, svc)
			}
		}
		if who == "customer" && before[config.Product] != apperr.PermissionDenied.String() {
			t.Errorf("customer calling an admin method: %s, want PermissionDenied", before[config.Product])
		}
		if who == "admin" && before[config.Product] != "ok" {
			t.Errorf("admin calling an admin method: %s", before[config.Product])
		}
		if _, err := s.clients.User.Logout(as(tok), &user.LogoutRequest{}); err != nil {
			t.Fatalf("%s logout: %v", who, err)
		}
		after := s.kinds(tok, pid)
		for _, sc := range s.everyService(pid) {
			if after[sc.service] != apperr.Unauthenticated.String() {
				t.Errorf("%s after logout: %s answered %s, want Unauthenticated", who, sc.service, after[sc.service])
			}
		}
		if len(after) != len(config.Services) {
			t.Errorf("checked %d services, want all %d", len(after), len(config.Services))
		}
	}
	// Logging out does not log the account out of its other sessions.
	other := s.login(t, name, accountPassword).GetAccessToken()
	if _, err := s.clients.Cart.GetCart(as(other), &cart.GetCartRequest{}); err != nil {
		t.Errorf("a new session after logout: %v", err)
	}
	_, err := s.clients.User.Logout(ctx, &user.LogoutRequest{})
	wantKind(t, "logout without a token", err, apperr.Unauthenticated)
}

// TestPasswordChangeEndsOtherSessions changes a password from one session:
// the account's other sessions end on every service, the caller's goes on.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	s := fullStack(t)
	ctx := context.Background()
	_, name := s.register(t)
	mine := s.login(t, name, accountPassword)
	phone := s.login(t, name, accountPassword)
	laptop := s.login(t, name+"@example.com", accountPassword)

	wrong := "not-the-password-1"
	newPassword := "Changed-pass-8"
	_, err := s.clients.User.UpdateUser(as(mine.GetAccessToken()), &user.UpdateUserRequest{NewPassword: &newPassword, OldPassword: wrong})
	wantKind(t, "wrong old password", err, apperr.FailedPrecondition)
	_, err = s.clients.User.UpdateUser(as(mine.GetAccessToken()), &user.UpdateUserRequest{NewPassword: &newPassword})
	wantKind(t, "no old password", err, apperr.FailedPrecondition)
	if _, err := s.clients.Cart.GetCart(as(phone.GetAccessToken()), &cart.GetCartRequest{}); err != nil {
		t.Fatalf("a refused change ended a session: %v", err)
	}

	if _, err := s.clients.User.UpdateUser(as(mine.GetAccessToken()), &user.UpdateUserRequest{
		NewPassword: &newPassword, OldPassword: accountPassword,
	}); err != nil {
		t.Fatalf("change password: %v", err)
	}
	pid := s.product(t, s.admin(t), 500, 3)
	for _, other := range []*user.Tokens{phone, laptop} {
		for svc, kind := range s.kinds(other.GetAccessToken(), pid) {
			if kind != apperr.Unauthenticated.String() {
				t.Errorf("another session on %s: %s, want Unauthenticated", svc, kind)
			}
		}
		_, err := s.clients.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: other.GetRefreshToken()})
		wantKind(t, "refresh of another session", err, apperr.Unauthenticated)
	}
	for svc, kind := range s.kinds(mine.GetAccessToken(), pid) {
		if kind == apperr.Unauthenticated.String() {
			t.Errorf("the caller's session on %s: Unauthenticated", svc)
		}
	}
	if _, err := s.clients.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: mine.GetRefreshToken()}); err != nil {
		t.Errorf("the caller's session refreshes: %v", err)
	}
	_, err = s.clients.User.Login(ctx, &user.LoginRequest{Login: name, Password: accountPassword})
	wantKind(t, "login with the old password", err, apperr.Unauthenticated)
	s.login(t, name, newPassword)
}

// TestRevokeRoleAtOnce grants a customer the admin role, then withdraws
// it: the tokens that carried it stop working at once, on every service.
func TestRevokeRoleAtOnce(t *testing.T) {
	s := fullStack(t)
	ctx := context.Background()
	adminTok := s.admin(t)
	pid := s.product(t, adminTok, 500, 3)
	stock := &product.AdjustStockRequest{ProductId: pid, Delta: 1} // admin only
	id, name := s.register(t)
	customerTok := s.login(t, name, accountPassword).GetAccessToken()
	_, err := s.clients.Product.AdjustStock(as(customerTok), stock)
	wantKind(t, "customer calls an admin method", err, apperr.PermissionDenied)

	if _, err := s.clients.Auth.AssignRole(as(adminTok), &auth.AssignRoleRequest{UserId: id, Role: "admin"}); err != nil {
		t.Fatalf("assign admin: %v", err)
	}
	resp, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: name, Password: accountPassword})
	if err != nil {
		t.Fatalf("login after the grant: %v", err)
	}
	if got := strings.Join(resp.GetUser().GetRoles(), ","); got != "customer,admin" {
		t.Errorf("login reports roles %q, want customer,admin", got)
	}
	promoted := resp.GetTokens()
	if _, err := s.clients.Product.AdjustStock(as(promoted.GetAccessToken()), stock); err != nil {
		t.Fatalf("new admin calls an admin method: %v", err)
	}
	if _, err := s.clients.Auth.RevokeRole(as(adminTok), &auth.RevokeRoleRequest{UserId: id, Role: "admin"}); err != nil {
		t.Fatalf("revoke admin: %v", err)
	}
	// No wait: the very next call is refused.
	_, err = s.clients.Product.AdjustStock(as(promoted.GetAccessToken()), stock)
	wantKind(t, "admin token after RevokeRole", err, apperr.Unauthenticated)
	_, err = s.clients.Order.ListOrders(as(promoted.GetAccessToken()), &order.ListOrdersRequest{})
	wantKind(t, "the same token on another service", err, apperr.Unauthenticated)
	_, err = s.clients.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: promoted.GetRefreshToken()})
	wantKind(t, "refresh after RevokeRole", err, apperr.Unauthenticated)

	again := s.login(t, name, accountPassword).GetAccessToken()
	_, err = s.clients.Product.AdjustStock(as(again), stock)
	wantKind(t, "a new session without the role", err, apperr.PermissionDenied)
	if _, err := s.clients.Cart.GetCart(as(again), &cart.GetCartRequest{}); err != nil {
		t.Errorf("still a customer: %v", err)
	}
}

// TestNoServiceTokenForCustomers tries the ways a customer might obtain
// the service role or call an internal method.
func TestNoServiceTokenForCustomers(t *testing.T) {
	s := fullStack(t)
	ctx := context.Background()
	id, name := s.register(t)
	customerTok := s.login(t, name, accountPassword).GetAccessToken()
	adminTok := s.admin(t)
	steps := []struct {
		name string
		call func() error
		want apperr.Kind
	}{
		{"service token with a wrong secret", func() error {
			_, err := s.clients.Auth.IssueServiceToken(ctx, &auth.IssueServiceTokenRequest{ClientId: "tempomall", ClientSecret: "guess"})
			return err
		}, apperr.Unauthenticated},
		{"service token with no secret", func() error {
			_, err := s.clients.Auth.IssueServiceToken(ctx, &auth.IssueServiceTokenRequest{ClientId: "order"})
			return err
		}, apperr.Unauthenticated},
		{"service token with the customer's password", func() error {
			_, err := s.clients.Auth.IssueServiceToken(as(customerTok), &auth.IssueServiceTokenRequest{ClientId: name, ClientSecret: accountPassword})
			return err
		}, apperr.Unauthenticated},
		{"the customer grants itself the service role", func() error {
			_, err := s.clients.Auth.AssignRole(as(customerTok), &auth.AssignRoleRequest{UserId: id, Role: "service"})
			return err
		}, apperr.PermissionDenied},
		{"an admin grants the service role", func() error {
			_, err := s.clients.Auth.AssignRole(as(adminTok), &auth.AssignRoleRequest{UserId: id, Role: "service"})
			return err
		}, apperr.InvalidArgument},
		{"an admin gives the service role a permission", func() error {
			_, err := s.clients.Auth.AddPolicy(as(adminTok), &auth.AddPolicyRequest{Policy: &auth.Policy{Role: "service", Service: "cart", Method: "*"}})
			return err
		}, apperr.InvalidArgument},
		{"the customer mints user tokens (internal)", func() error {
			_, err := s.clients.Auth.IssueTokens(as(customerTok), &auth.IssueTokensRequest{UserId: id})
			return err
		}, apperr.PermissionDenied},
		{"an admin reserves stock (internal)", func() error {
			_, err := s.clients.Product.ReserveStock(as(adminTok), &product.ReserveStockRequest{OrderId: "order/none"})
			return err
		}, apperr.PermissionDenied},
		{"the customer places an order (internal)", func() error {
			_, err := s.clients.Order.PlaceOrder(as(customerTok), &order.PlaceOrderRequest{})
			return err
		}, apperr.PermissionDenied},
	}
	for _, st := range steps {
		wantKind(t, st.name, st.call(), st.want)
	}
	// And the customer's tokens still carry the customer role only.
	claims, err := s.clients.Auth.VerifyToken(ctx, &auth.VerifyTokenRequest{Token: s.login(t, name, accountPassword).GetAccessToken()})
	if err != nil || strings.Join(claims.GetClaims().GetRoles(), ",") != "customer" || claims.GetClaims().GetService() != "" {
		t.Errorf("customer claims: %v, %v", claims.GetClaims(), err)
	}
}

// TestLoginThrottledOverRPC fails logins of one account until the user
// service refuses with ResourceExhausted and says when to retry. It runs
// on a stack of its own: the throttle also counts per client address,
// and every test calls from 127.0.0.1.
func TestLoginThrottledOverRPC(t *testing.T) {
	s := startStack(t, config.Auth, config.User)
	ctx := context.Background()
	_, name := s.register(t)
	for i := range 3 {
		_, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: name, Password: "wrong-pass-" + strconv.Itoa(i)})
		wantKind(t, fmt.Sprintf("bad login %d", i+1), err, apperr.Unauthenticated)
	}
	// The right password, too soon, under the account's other name.
	_, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: name + "@example.com", Password: accountPassword})
	wantKind(t, "login after three failures", err, apperr.ResourceExhausted)
	m := regexp.MustCompile(`retry in (\d+) seconds`).FindStringSubmatch(apperr.KindOf(err).String() + " " + err.Error())
	if m == nil {
		t.Fatalf("refusal %q does not say when to retry", err)
	}
	if secs, _ := strconv.Atoi(m[1]); secs < 1 || secs > 2 {
		t.Errorf("retry in %d seconds, want 1", secs)
	}
}

// grpcurlPath returns the grpcurl binary, or skips the test.
func grpcurlPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("TEMPOMALL_GRPCURL")
	if path == "" {
		path = filepath.Join("..", "bin", "grpcurl")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no grpcurl at %s: run `make test`, or set TEMPOMALL_GRPCURL", path)
	}
	return path
}

// TestGRPCAuthorizationMetadata calls the user service from grpcurl, a
// plain gRPC client using the .proto files: the bearer token travels in
// gRPC "authorization" metadata.
func TestGRPCAuthorizationMetadata(t *testing.T) {
	bin := grpcurlPath(t)
	s := startStack(t, config.Auth, config.User)
	id, name := s.register(t)
	tok := s.login(t, name, accountPassword)
	grpcurl := func(header string) (string, error) {
		args := []string{"-plaintext", "-import-path", filepath.Join("..", "idl"), "-proto", "user.proto"}
		if header != "" {
			args = append(args, "-H", header)
		}
		args = append(args, "-d", "{}", s.cfg.Listen[config.User], "tempomall.user.v1.UserService/GetUser")
		out, err := exec.Command(bin, args...).CombinedOutput()
		return string(out), err
	}
	out, err := grpcurl("authorization: Bearer " + tok.GetAccessToken())
	if err != nil || !strings.Contains(out, `"id": "`+strconv.FormatInt(id, 10)+`"`) || !strings.Contains(out, name) {
		t.Fatalf("GetUser with a bearer token: %v\n%s", err, out)
	}
	for _, tc := range []struct{ name, header string }{
		{"no token", ""},
		{"tampered token", "authorization: Bearer " + tok.GetAccessToken() + "x"},
		{"refresh token", "authorization: Bearer " + tok.GetRefreshToken()},
		{"not a bearer credential", "authorization: Basic dXNlcjpwYXNz"},
	} {
		out, err := grpcurl(tc.header)
		if err == nil || !strings.Contains(out, "Code: Unauthenticated") {
			t.Errorf("%s: %v\n%s", tc.name, err, out)
		}
	}
}

// lockedBuffer collects log output written from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestNoSecretsInLogs logs at debug level through a whole identity
// journey, failures included, and checks that no password and no token
// (nor a part of one) reaches the log.
//
// klog's level is a plain global: it is set before the stack starts and
// restored after it has stopped (cleanups run last first), so that the
// stack's own goroutines never log while it changes.
func TestNoSecretsInLogs(t *testing.T) {
	logs := &lockedBuffer{}
	s := startStackWith(t, func(cfg *config.Config, o *app.Options) {
		cfg.Ops.LogLevel, o.LogOutput = "debug", logs
	}, config.Auth, config.User)
	ctx := context.Background()
	secrets := []string{accountPassword}
	name := unique("logs")
	weak := "weak"
	secrets = append(secrets, "Wrong-secret-4", "Changed-secret-5", weak)
	if _, err := s.clients.User.Register(ctx, &user.RegisterRequest{Email: name + "@example.com", Username: name, Password: weak}); err == nil {
		t.Fatal("a weak password was accepted")
	}
	if _, err := s.clients.User.Register(ctx, &user.RegisterRequest{Email: name + "@example.com", Username: name, Password: accountPassword}); err != nil {
		t.Fatal(err)
	}
	_, err := s.clients.User.Register(ctx, &user.RegisterRequest{Email: name + "@example.com", Username: name + "x", Password: accountPassword})
	wantKind(t, "duplicate", err, apperr.AlreadyExists)
	for range 2 {
		_, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: name, Password: "Wrong-secret-4"})
		wantKind(t, "bad login", err, apperr.Unauthenticated)
	}
	tok := s.login(t, name, accountPassword)
	secrets = append(secrets, tok.GetAccessToken(), tok.GetRefreshToken())
	bad := []string{tok.GetAccessToken() + "x", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", tok.GetRefreshToken()}
	secrets = append(secrets, bad...)
	for _, b := range bad {
		_, err := s.clients.User.GetUser(as(b), &user.GetUserRequest{})
		wantKind(t, "bad token", err, apperr.Unauthenticated)
		_, _ = s.clients.Auth.VerifyToken(ctx, &auth.VerifyTokenRequest{Token: b})
	}
	ref, err := s.clients.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: tok.GetRefreshToken()})
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, ref.GetTokens().GetAccessToken(), ref.GetTokens().GetRefreshToken())
	_, err = s.clients.Auth.RefreshToken(ctx, &auth.RefreshTokenRequest{RefreshToken: tok.GetRefreshToken()})
	wantKind(t, "reused refresh token", err, apperr.Unauthenticated)
	tok = s.login(t, name, accountPassword)
	secrets = append(secrets, tok.GetAccessToken(), tok.GetRefreshToken())
	changed := "Changed-secret-5"
	if _, err := s.clients.User.UpdateUser(as(tok.GetAccessToken()), &user.UpdateUserRequest{NewPassword: &changed, OldPassword: accountPassword}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.clients.User.Logout(as(tok.GetAccessToken()), &user.LogoutRequest{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.clients.User.Logout(as(tok.GetAccessToken()), &user.LogoutRequest{})
	wantKind(t, "logout twice", err, apperr.Unauthenticated)

	out := logs.String()
	if !strings.Contains(out, `"method":"Login"`) || !strings.Contains(out, `"method":"GetUser"`) {
		t.Fatalf("the debug log was not captured:\n%s", out)
	}
	for _, secret := range secrets {
		// A token's signature alone would be enough to leak it.
		probes := []string{secret}
		if parts := strings.Split(secret, "."); len(parts) == 3 && len(parts[2]) > 20 {
			probes = append(probes, parts[2])
		}
		for _, p := range probes {
			if strings.Contains(out, p) {
				t.Errorf("the log contains a secret (%.12s...)", p)
			}
		}
	}
}
