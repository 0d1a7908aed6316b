package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/authn"
)

func TestAssignRole(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fixture)
		role  string
		want  string
		roles []string // account 7's roles afterwards
	}{
		{"admin", nil, "admin", "ok", []string{"customer", "admin"}},
		{"customer: every account is one", nil, "customer", "ok", []string{"customer"}},
		{"a custom role with policies", func(f *fixture) { mustAddPolicy(f, "support", "order", "GetOrder") }, "support", "ok",
			[]string{"customer", "support"}},
		{"a custom role with no policies", nil, "support", "InvalidArgument: unknown role \"support\": grant customer, admin, or a role given permissions with AddPolicy",
			[]string{"customer"}},
		{"a custom role whose policies were removed", func(f *fixture) {
			mustAddPolicy(f, "support", "order", "GetOrder")
			if err := f.svc.RemovePolicy(context.Background(), "support", "order", "GetOrder"); err != nil {
				f.t.Fatal(err)
			}
		}, "support", "InvalidArgument: unknown role \"support\": grant customer, admin, or a role given permissions with AddPolicy",
			[]string{"customer"}},
		{"the service role", nil, "service", "InvalidArgument: the service role cannot be granted to an account; services use client credentials",
			[]string{"customer"}},
		{"the empty role", nil, "", "InvalidArgument: unknown role \"\": grant customer, admin, or a role given permissions with AddPolicy",
			[]string{"customer"}},
		{"twice", func(f *fixture) { _ = f.svc.AssignRole(context.Background(), 7, "admin") }, "admin", "ok", []string{"customer", "admin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			err := f.svc.AssignRole(context.Background(), 7, tt.role)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			roles, err := f.rbac.RolesOf(7)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.roles, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if tt.want == "ok" {
				if got := f.login(7).Access.Roles; !cmp.Equal(got, tt.roles) {
					t.Errorf("a new token carries %v, want %v", got, tt.roles)
				}
			}
		})
	}
	f := newFixture(t)
	if err := f.svc.AssignRole(context.Background(), 0, "admin"); outcome(err) != "InvalidArgument: user_id must be positive" {
		t.Errorf("user 0: %v", err)
	}
	if err := f.svc.AssignRole(context.Background(), 7, "Admin"); !errors.Is(err, ErrUnknownRole) {
		t.Errorf("role names are lower case: %v", err)
	}
}

func mustAddPolicy(f *fixture, role, service, method string) {
	f.t.Helper()
	if err := f.svc.AddPolicy(context.Background(), role, service, method); err != nil {
		f.t.Fatalf("add policy %s %s.%s: %v", role, service, method, err)
	}
}

// TestRevokeRole checks that withdrawing a role ends the account's
// sessions at once, so that no token carrying the role keeps working.
func TestRevokeRole(t *testing.T) {
	tests := []struct {
		name     string
		assign   []string
		setup    func(*fixture)
		role     string
		want     string
		roles    []string
		sessions string // what becomes of the account's live token
	}{
		{"admin", []string{"admin"}, nil, "admin", "ok", []string{"customer"}, revokedMsg},
		{"a role the account does not have", nil, nil, "admin", "ok", []string{"customer"}, "ok"},
		{"one of two", []string{"admin", "support"}, nil, "support", "ok", []string{"customer", "admin"}, revokedMsg},
		{"a custom role whose policies were removed", []string{"support"}, func(f *fixture) {
			_ = f.svc.RemovePolicy(context.Background(), "support", "order", "GetOrder")
		}, "support", "ok", []string{"customer"}, revokedMsg},
		{"customer", nil, nil, "customer", "FailedPrecondition: every account is a customer; the role cannot be withdrawn",
			[]string{"customer"}, "ok"},
		{"service", nil, nil, "service", "InvalidArgument: the service role cannot be granted to an account; services use client credentials",
			[]string{"customer"}, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			f := newFixture(t)
			mustAddPolicy(f, "support", "order", "GetOrder")
			for _, r := range tt.assign {
				if err := f.svc.AssignRole(ctx, 7, r); err != nil {
					t.Fatal(err)
				}
			}
			if tt.setup != nil {
				tt.setup(f)
			}
			p := f.login(7)
			other := f.login(8)
			err := f.svc.RevokeRole(ctx, 7, tt.role)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			roles, _ := f.rbac.RolesOf(7)
			if diff := cmp.Diff(tt.roles, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if got := f.access(p.AccessToken); got != tt.sessions {
				t.Errorf("the account's token: %s, want %s", got, tt.sessions)
			}
			if got := f.access(other.AccessToken); got != "ok" {
				t.Errorf("another account's token: %s", got)
			}
		})
	}
}

func TestAddPolicy(t *testing.T) {
	tests := []struct {
		name, role, service, method, want string
	}{
		{"valid", "support", "order", "GetOrder", "ok"},
		{"every method", "auditor", "payment", "*", "ok"},
		{"again", "customer", "cart", "GetCart", "ok"},
		{"role in capitals", "Support", "order", "GetOrder", "InvalidArgument: role \"Support\": want lower-case letters, digits, - or _"},
		{"empty role", "", "order", "GetOrder", "InvalidArgument: role \"\": want lower-case letters, digits, - or _"},
		{"user subject", "user:7", "order", "GetOrder", "InvalidArgument: role \"user:7\": want lower-case letters, digits, - or _"},
		{"the service role", "service", "order", "GetOrder", "InvalidArgument: the service role's permissions are fixed"},
		{"unknown service", "support", "orders", "GetOrder",
			"InvalidArgument: unknown service \"orders\": services are auth, cart, checkout, order, payment, product, user"},
		{"method in lower case", "support", "order", "getOrder", "InvalidArgument: method \"getOrder\": want a method name such as GetProduct, or *"},
		{"method pattern", "support", "order", "Get*", "InvalidArgument: method \"Get*\": want a method name such as GetProduct, or *"},
		{"a method the contract does not have", "support", "product", "GetStok", "InvalidArgument: service product has no method \"GetStok\""},
		{"an internal method", "admin", "product", "ReserveStock",
			"InvalidArgument: product.ReserveStock is internal: only tempomall services may call it, whatever a policy says"},
		{"a public method", "support", "product", "GetProduct", "InvalidArgument: product.GetProduct is public: every caller may call it, no policy is needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			err := f.svc.AddPolicy(context.Background(), tt.role, tt.service, tt.method)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if err == nil && tt.service == "order" {
				if ok, err := f.svc.CheckPermission(context.Background(), tt.role, 0, tt.service, "GetOrder"); err != nil || ok != (tt.method == "*" || tt.method == "GetOrder") {
					t.Errorf("check after adding: %v, %v", ok, err)
				}
			}
		})
	}
}

func TestRemovePolicy(t *testing.T) {
	tests := []struct {
		name, role, service, method, want string
	}{
		{"a default", "customer", "cart", "GetCart", "ok"},
		{"none such", "customer", "cart", "Explode", "NotFound: no policy lets customer call cart.Explode"},
		{"only the exact rule", "customer", "cart", "*", "NotFound: no policy lets customer call cart.*"},
		{"invalid", "customer", "nowhere", "GetCart",
			"InvalidArgument: unknown service \"nowhere\": services are auth, cart, checkout, order, payment, product, user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			err := f.svc.RemovePolicy(context.Background(), tt.role, tt.service, tt.method)
			if got := outcome(err); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckPermission(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mustAddPolicy(f, "support", "order", "*")
	if err := f.svc.AssignRole(ctx, 7, "admin"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.AssignRole(ctx, 8, "support"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		role            string
		user            int64
		service, method string
		want            string
	}{
		{"customer, own cart", "customer", 0, "cart", "GetCart", "true"},
		{"customer, admin method", "customer", 0, "auth", "AssignRole", "false"},
		{"admin, admin method", "admin", 0, "auth", "AssignRole", "true"},
		{"admin inherits customer", "admin", 0, "cart", "GetCart", "true"},
		{"customer does not inherit admin", "customer", 0, "product", "CreateProduct", "false"},
		{"service, its own policy", "service", 0, "order", "GetOrder", "true"},
		{"anyone, a public method", "customer", 0, "product", "GetStock", "true"},
		{"an unknown role, a public method", "ghost", 0, "user", "Register", "true"},
		{"service, an internal method", "service", 0, "product", "ReserveStock", "true"},
		{"admin, an internal method", "admin", 0, "product", "ReserveStock", "false"},
		{"by account: an internal method", "", 7, "cart", "RemoveOrderedItems", "false"},
		{"by account: unknown", "", 5000, "cart", "GetCart", "NotFound: no account 5000"},
		{"a method the contract does not have", "admin", 0, "product", "GetStok", "InvalidArgument: service product has no method \"GetStok\""},
		{"service, a customer's method", "service", 0, "cart", "AddItem", "false"},
		{"custom role, wildcard", "support", 0, "order", "CancelOrder", "true"},
		{"custom role, another service", "support", 0, "payment", "Refund", "false"},
		{"unknown role", "ghost", 0, "cart", "GetCart", "false"},
		{"by account: an admin", "", 7, "auth", "AddPolicy", "true"},
		{"by account: a support agent", "", 8, "order", "GetOrder", "true"},
		{"by account: a customer", "", 9, "auth", "AddPolicy", "false"},
		{"by account: still a customer", "", 9, "cart", "GetCart", "true"},
		{"both role and account", "admin", 7, "auth", "AddPolicy", "InvalidArgument: give a role or a user_id, not both"},
		{"neither", "", 0, "auth", "AddPolicy", "InvalidArgument: a role or a positive user_id is required"},
		{"no method", "admin", 0, "auth", "", "InvalidArgument: service and method are required"},
		{"no service", "admin", 0, "", "AddPolicy", "InvalidArgument: service and method are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := f.svc.CheckPermission(context.Background(), tt.role, tt.user, tt.service, tt.method)
			got := outcome(err)
			if err == nil {
				got = map[bool]string{true: "true", false: "false"}[ok]
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestPolicyChangesTakeEffectAtOnce checks that a policy change reaches
// decisions the enforcer has cached, those of inheriting roles and of
// methods a wildcard covers included.
func TestPolicyChangesTakeEffectAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	allowed := func(role, method string) bool {
		t.Helper()
		ok, err := f.rbac.Allowed([]string{role}, "order", method)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		do   func() error
		want map[string]bool // "role method" -> allowed
	}{
		{nil, map[string]bool{"admin ListOrders": true, "admin Report": false, "customer Report": false}},
		{func() error { return f.svc.AddPolicy(ctx, "customer", "order", "*") },
			map[string]bool{"admin ListOrders": true, "admin Report": true, "customer Report": true}},
		{func() error { return f.svc.RemovePolicy(ctx, "customer", "order", "*") },
			map[string]bool{"admin ListOrders": true, "admin Report": false, "customer Report": false}},
		{func() error { return f.svc.RemovePolicy(ctx, "customer", "order", "ListOrders") },
			map[string]bool{"admin ListOrders": false, "admin Report": false, "customer Report": false}},
	}
	for i, s := range steps {
		if s.do != nil {
			if err := s.do(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		got := map[string]bool{}
		for k := range s.want {
			var role, method string
			for j := range k {
				if k[j] == ' ' {
					role, method = k[:j], k[j+1:]
				}
			}
			got[k] = allowed(role, method)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("step %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestListPolicies(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mustAddPolicy(f, "support", "order", "GetOrder")
	for _, a := range []struct {
		id   int64
		role string
	}{{7, "admin"}, {8, "support"}, {8, "admin"}} {
		if err := f.svc.AssignRole(ctx, a.id, a.role); err != nil {
			t.Fatal(err)
		}
	}
	all, assigned, err := f.svc.ListPolicies(ctx, "", true, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Policies) != len(DefaultPolicy)+1 {
		t.Errorf("%d policies, want the %d defaults and one more", len(all.Policies), len(DefaultPolicy))
	}
	if diff := cmp.Diff([][2]string{{"admin", "customer"}}, all.Inheritance); diff != "" {
		t.Errorf("inheritance (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Assignment{{7, "admin"}, {8, "support"}, {8, "admin"}}, assigned); diff != "" {
		t.Errorf("assignments (-want +got):\n%s", diff)
	}
	support, assigned, err := f.svc.ListPolicies(ctx, "support", true, 8)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][3]string{{"support", "order", "GetOrder"}}, support.Policies); diff != "" {
		t.Errorf("support's policies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Assignment{{8, "support"}, {8, "admin"}}, assigned); diff != "" {
		t.Errorf("account 8's assignments (-want +got):\n%s", diff)
	}
	if _, assigned, _ := f.svc.ListPolicies(ctx, "", false, 0); assigned != nil {
		t.Errorf("assignments listed without being asked: %v", assigned)
	}
}

// TestRBACPersists checks that the policy lives in the database: a second
// enforcer over it sees the changes of the first.
func TestRBACPersists(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	mustAddPolicy(f, "support", "order", "GetOrder")
	if err := f.svc.AssignRole(ctx, 7, "support"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RemovePolicy(ctx, "customer", "cart", "EmptyCart"); err != nil {
		t.Fatal(err)
	}
	second, err := NewRBAC(f.store.db)
	if err != nil {
		t.Fatal(err)
	}
	roles, _ := second.RolesOf(7)
	got := []bool{}
	for _, q := range [][2]string{{"support", "GetOrder"}, {"customer", "EmptyCart"}} {
		svc := "order"
		if q[1] == "EmptyCart" {
			svc = "cart"
		}
		ok, err := second.Allowed([]string{q[0]}, svc, q[1])
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ok)
	}
	if diff := cmp.Diff([]bool{true, false}, got); diff != "" || !cmp.Equal(roles, []string{authn.RoleCustomer, "support"}) {
		t.Errorf("second enforcer: roles %v, decisions (-want +got):\n%s", roles, diff)
	}
}

// TestRBACReloadsChangesOfAnotherInstance checks that an auth instance
// picks up, at its next reload, a policy change made by another one, and
// leaves an unchanged policy (and its decision cache) alone.
func TestRBACReloadsChangesOfAnotherInstance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := NewRBAC(f.store.db)
	if err != nil {
		t.Fatal(err)
	}
	reload := authn.ReloadOnChange(other.Enforcer(), other.Version)
	if err := reload(ctx); err != nil {
		t.Fatal(err)
	}
	before, err := other.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := other.Version(ctx); again != before {
		t.Fatal("the version of an unchanged policy moved")
	}
	mustAddPolicy(f, "support", "order", "GetOrder")
	if after, _ := other.Version(ctx); after == before {
		t.Fatal("the version did not move with AddPolicy")
	}
	if ok, _ := other.Allowed([]string{"support"}, "order", "GetOrder"); ok {
		t.Fatal("the other instance saw the change before reloading")
	}
	if err := reload(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.Allowed([]string{"support"}, "order", "GetOrder"); !ok || err != nil {
		t.Errorf("after the reload: allowed %v, %v", ok, err)
	}
}

// TestDefaultPolicyGovernsProtectedMethods checks that the starting policy
// names protected methods of the contract only: a policy on a public or
// internal method would mean nothing, and one on a method the contract
// does not have, a typo.
func TestDefaultPolicyGovernsProtectedMethods(t *testing.T) {
	for _, p := range DefaultPolicy {
		access, err := authn.AccessOf(p[1], p[2])
		if err != nil || access != authn.Protected {
			t.Errorf("default policy %v: %s, %v", p, access, err)
		}
	}
}
