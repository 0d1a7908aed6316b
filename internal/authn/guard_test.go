package authn

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testPolicy is a small policy in the shape of the default one, with one
// rule that would let admins call an internal method.
var testPolicy = PolicySnapshot{
	Policies: [][3]string{
		{"customer", "cart", "GetCart"},
		{"admin", "product", "CreateProduct"},
		{"admin", "product", "ReserveStock"},
		{"service", "product", "GetStock"},
		{"support", "order", "*"},
	},
	Inheritance: [][2]string{{"admin", "customer"}},
}

func fixedPolicy(snap PolicySnapshot) PolicyFetcher {
	return func(context.Context) (PolicySnapshot, error) { return snap, nil }
}

// brokenAuthorizer fails every decision.
type brokenAuthorizer struct{}

func (brokenAuthorizer) Allowed([]string, string, string) (bool, error) {
	return false, errors.New("enforcer broken")
}

func TestGuard(t *testing.T) {
	ctx := context.Background()
	k := newSigner(t, "k1")
	revoked := NewMemoryRevocations()
	e, err := NewEnforcer(rbacModel(t), RemoteAdapter{Fetch: fixedPolicy(testPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	g := &Guard{Verifier: NewVerifier(staticKeys{"k1": k.public()}, revoked), Authorizer: CasbinAuthorizer{Enforcer: e}}

	customer := k.sign(t, userClaims(7, "s1", RoleCustomer))
	admin := k.sign(t, userClaims(1, "s2", RoleCustomer, RoleAdmin))
	support := k.sign(t, userClaims(8, "s5", RoleCustomer, "support"))
	svc := k.sign(t, serviceClaims("order"))
	fakeService := k.sign(t, userClaims(9, "s3", RoleCustomer, RoleService)) // a service role without a service
	revokedTok := k.sign(t, userClaims(7, "s4", RoleCustomer))
	_ = revoked.Revoke(ctx, RevokeSession, "s4", time.Now().Add(time.Hour))
	expiredC := userClaims(7, "s1", RoleCustomer)
	expiredC.IssuedAt.Time, expiredC.ExpiresAt.Time = time.Now().Add(-time.Hour), time.Now().Add(-time.Minute)
	expired := k.sign(t, expiredC)
	refreshC := userClaims(7, "s1")
	refreshC.Use = UseRefresh
	refresh := k.sign(t, refreshC)

	tests := []struct {
		name            string
		service, method string
		bearer          string
		want            string
		caller          *Principal // the principal handed on, nil for none
	}{
		{"public, anonymous", "product", "GetProduct", "", "ok", nil},
		{"public, with a token", "product", "GetProduct", customer, "ok",
			&Principal{UserID: 7, SessionID: "s1", Roles: []string{RoleCustomer}, Token: customer}},
		{"public, with a garbage token", "product", "GetProduct", "garbage", "Unauthenticated", nil},
		{"public, with a revoked token", "product", "GetProduct", revokedTok, "Unauthenticated", nil},
		{"protected, anonymous", "cart", "GetCart", "", "Unauthenticated", nil},
		{"protected, garbage", "cart", "GetCart", "garbage", "Unauthenticated", nil},
		{"protected, tampered", "cart", "GetCart", customer[:len(customer)-3] + "AAA", "Unauthenticated", nil},
		{"protected, expired", "cart", "GetCart", expired, "Unauthenticated", nil},
		{"protected, revoked", "cart", "GetCart", revokedTok, "Unauthenticated", nil},
		{"protected, a refresh token", "cart", "GetCart", refresh, "Unauthenticated", nil},
		{"protected, allowed", "cart", "GetCart", customer, "ok",
			&Principal{UserID: 7, SessionID: "s1", Roles: []string{RoleCustomer}, Token: customer}},
		{"protected, not allowed", "product", "CreateProduct", customer, "PermissionDenied", nil},
		{"a method the contract does not have", "order", "GetCart", customer, "Internal", nil},
		{"protected, the admin's own", "product", "CreateProduct", admin, "ok",
			&Principal{UserID: 1, SessionID: "s2", Roles: []string{RoleCustomer, RoleAdmin}, Token: admin}},
		{"protected, admin inherits customer", "cart", "GetCart", admin, "ok",
			&Principal{UserID: 1, SessionID: "s2", Roles: []string{RoleCustomer, RoleAdmin}, Token: admin}},
		{"protected, custom role with a wildcard", "order", "CancelOrder", support, "ok",
			&Principal{UserID: 8, SessionID: "s5", Roles: []string{RoleCustomer, "support"}, Token: support}},
		{"public, service", "product", "GetStock", svc, "ok",
			&Principal{Service: "order", Roles: []string{RoleService}, Token: svc}},
		{"protected, service without a policy", "cart", "GetCart", svc, "PermissionDenied", nil},
		{"internal, service", "product", "ReserveStock", svc, "ok",
			&Principal{Service: "order", Roles: []string{RoleService}, Token: svc}},
		{"internal, admin a policy would allow", "product", "ReserveStock", admin, "PermissionDenied", nil},
		{"internal, customer", "product", "ReserveStock", customer, "PermissionDenied", nil},
		{"internal, an account claiming the service role", "product", "ReserveStock", fakeService, "PermissionDenied", nil},
		{"internal, anonymous", "product", "ReserveStock", "", "Unauthenticated", nil},
		{"internal, revoked", "product", "ReserveStock", revokedTok, "Unauthenticated", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := g.Admit(ctx, tt.service, tt.method, tt.bearer)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %s (%v), want %s", got, err, tt.want)
			}
			if err != nil {
				return
			}
			p, ok := FromContext(out)
			var got *Principal
			if ok {
				got = &p
			}
			ignore := cmpopts.IgnoreFields(Principal{}, "TokenID", "ExpiresAt")
			if diff := cmp.Diff(tt.caller, got, ignore); diff != "" {
				t.Errorf("caller (-want +got):\n%s", diff)
			}
		})
	}

	broken := &Guard{Verifier: g.Verifier, Authorizer: brokenAuthorizer{}}
	if _, err := broken.Admit(ctx, "cart", "GetCart", customer); outcome(err) != "Internal" {
		t.Errorf("authorizer failure: %v, want Internal", err)
	}
	down := &Guard{Verifier: NewVerifier(staticKeys{"k1": k.public()}, failingRevocations{}), Authorizer: g.Authorizer}
	if _, err := down.Admit(ctx, "cart", "GetCart", customer); outcome(err) != "Unavailable" {
		t.Errorf("revocation list down: %v, want Unavailable", err)
	}
}

// TestGuardErrorsNameNoToken checks that refusals never quote the token.
func TestGuardErrorsNameNoToken(t *testing.T) {
	ctx := context.Background()
	k := newSigner(t, "k1")
	e, _ := NewEnforcer(rbacModel(t), RemoteAdapter{Fetch: fixedPolicy(testPolicy)})
	g := &Guard{Verifier: NewVerifier(staticKeys{"k1": k.public()}, NewMemoryRevocations()), Authorizer: CasbinAuthorizer{Enforcer: e}}
	customer := k.sign(t, userClaims(7, "s1", RoleCustomer))
	for _, bearer := range []string{customer, customer + "x", "garbage-token-value"} {
		for _, method := range []string{"CreateProduct", "ReserveStock", "GetProduct"} {
			_, err := g.Admit(ctx, "product", method, bearer)
			if err == nil && bearer != customer {
				t.Fatalf("admitted %s", method)
			}
			if err == nil {
				continue
			}
			if msg := err.Error(); strings.Contains(msg, bearer) {
				t.Errorf("error %q quotes the token", msg)
			}
		}
	}
}

// TestRemoteAdapter checks that services enforce the auth service's policy
// and pick up its changes on reload, and cannot change it themselves.
func TestRemoteAdapter(t *testing.T) {
	var mu sync.Mutex
	snap := testPolicy
	fetches := 0
	fetch := func(context.Context) (PolicySnapshot, error) {
		mu.Lock()
		defer mu.Unlock()
		fetches++
		return snap, nil
	}
	adapter := RemoteAdapter{Fetch: fetch}
	e, err := NewEnforcer(rbacModel(t), adapter)
	if err != nil {
		t.Fatal(err)
	}
	a := CasbinAuthorizer{Enforcer: e}
	allowed := func(roles []string, service, method string) bool {
		t.Helper()
		ok, err := a.Allowed(roles, service, method)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !allowed([]string{"customer"}, "cart", "GetCart") || allowed([]string{"customer"}, "cart", "AddItem") {
		t.Fatal("initial policy not loaded")
	}
	if !allowed([]string{"ghost", "admin"}, "product", "CreateProduct") {
		t.Error("one allowed role among several is not enough")
	}
	if allowed(nil, "cart", "GetCart") {
		t.Error("no roles allowed")
	}
	ctx := context.Background()
	reload := ReloadOnChange(e, adapter.Version)
	run := func(step string, wantFetches int) {
		t.Helper()
		mu.Lock()
		fetches = 0
		mu.Unlock()
		if err := reload(ctx); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if fetches != wantFetches {
			t.Errorf("%s: %d fetches, want %d", step, fetches, wantFetches)
		}
	}
	run("first reload", 2) // the version, then the policy
	mu.Lock()
	snap = PolicySnapshot{Policies: append([][3]string{{"customer", "cart", "AddItem"}}, testPolicy.Policies[1:]...), Inheritance: testPolicy.Inheritance}
	mu.Unlock()
	run("reload after a change", 2)
	if !allowed([]string{"customer"}, "cart", "AddItem") || allowed([]string{"customer"}, "cart", "GetCart") {
		t.Error("the changed policy is not enforced")
	}
	run("reload of an unchanged policy", 1) // the version only: the cache stays
	if _, err := e.AddPolicy("customer", "cart", "EmptyCart"); err == nil {
		t.Error("a service changed the policy through its read-only adapter")
	}

	failing := RemoteAdapter{Fetch: func(context.Context) (PolicySnapshot, error) { return PolicySnapshot{}, errors.New("auth down") }}
	if _, err := NewEnforcer(rbacModel(t), failing); err == nil {
		t.Error("enforcer built without a policy")
	}
}
