package e2e_test

// The hand-written rows of the hostile suite, one group per kind of state
// they could touch. A is the attacker, B the victim (see world).

import (
	"fmt"
	"math"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
)

// Common hostile inputs.
var (
	mib      = strings.Repeat("M", 1<<20)
	s201     = strings.Repeat("x", 201)
	maxInt   = int64(math.MaxInt64)
	minInt   = int64(math.MinInt64)
	maxInt32 = int32(math.MaxInt32)
	minInt32 = int32(math.MinInt32)
)

// usd is an amount in the catalog currency; cur one in any currency.
func usd(amount int64) *common.Money { return cur(amount, "USD") }
func cur(amount int64, currency string) *common.Money {
	return &common.Money{Amount: amount, Currency: currency}
}

func pageOf(size int32, token string) *common.PageRequest {
	return &common.PageRequest{PageSize: size, PageToken: token}
}

// addressWith returns a valid address changed by f.
func addressWith(f func(a *common.Address)) *common.Address {
	a := address()
	f(a)
	return a
}

// cardWith returns a sandbox card that succeeds, changed by f.
func cardWith(f func(c *payment.Card)) *payment.Card {
	c := &payment.Card{Number: cardSucceeds, ExpMonth: 12, ExpYear: int32(time.Now().Year() + 2), Cvv: "123", HolderName: "Ada Lovelace"}
	f(c)
	return c
}

func byCard(c *payment.Card) *payment.PaymentMethodInput {
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: c}}
}

func byToken(tok string) *payment.PaymentMethodInput {
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: tok}}
}

// ts is a timestamp of unix seconds.
func ts(sec int64, nanos int32) *timestamppb.Timestamp {
	return &timestamppb.Timestamp{Seconds: sec, Nanos: nanos}
}

// rowGroups are the hand-written rows.
func (w *world) rowGroups() []group {
	return []group{
		{name: "accounts", state: w.accounts, perRow: true, rows: w.accountRows()},
		{name: "catalog", state: w.catalog, perRow: true, rows: w.catalogRows()},
		{name: "carts", state: state(w.carts, w.orders), perRow: true, rows: w.cartRows()},
		{name: "checkouts", state: state(w.carts, w.orders, w.payments), perRow: true, rows: w.checkoutRows()},
		{name: "orders", state: state(w.orders, w.payments), perRow: true, rows: w.orderRows()},
		{name: "payments", state: state(w.orders, w.payments), perRow: true, rows: w.paymentRows()},
	}
}

// accountRows: user and auth methods (accounts, sessions, roles, policies).
func (w *world) accountRows() []row {
	c, A, B, anon, admin := w.c, w.A.ctx, w.B, w.anon, w.admin
	reg := func(email, username, password string) callFn {
		return send(c.User.Register, &user.RegisterRequest{Email: email, Username: username, Password: password})
	}
	policy := func(role, service, method string) *auth.Policy {
		return &auth.Policy{Role: role, Service: service, Method: method}
	}
	return []row{
		{name: "Register: empty request", ctx: anon, call: reg("", "", ""), want: invalid},
		{name: "Register: no email", ctx: anon, call: reg("", unique("h"), "pass-word-1"), want: invalid},
		{name: "Register: email without a domain", ctx: anon, call: reg("hostile@", unique("h"), "pass-word-1"), want: invalid},
		{name: "Register: email with a display name", ctx: anon, call: reg("Eve <eve@example.com>", unique("h"), "pass-word-1"), want: invalid},
		{name: "Register: 1 MiB email", ctx: anon, call: reg(mib+"@example.com", unique("h"), "pass-word-1"), want: invalid},
		{name: "Register: username of 2 characters", ctx: anon, call: reg(unique("h")+"@example.com", "ab", "pass-word-1"), want: invalid},
		{name: "Register: username with a space", ctx: anon, call: reg(unique("h")+"@example.com", "eve smith", "pass-word-1"), want: invalid},
		{name: "Register: short password", ctx: anon, call: reg(unique("h")+"@example.com", unique("h"), "short"), want: invalid},
		{name: "Register: password of 73 bytes", ctx: anon, call: reg(unique("h")+"@example.com", unique("h"), strings.Repeat("a1", 36)+"b"), want: invalid},
		{name: "Register: B's email in upper case", ctx: anon, call: reg(strings.ToUpper(B.email), unique("h"), "pass-word-1"), want: exists},
		{name: "Register: B's username", ctx: anon, call: reg(unique("h")+"@example.com", B.name, "pass-word-1"), want: exists},

		{name: "Login: empty request", ctx: anon, call: send(c.User.Login, &user.LoginRequest{}), want: invalid},
		{name: "Login: no password", ctx: anon, call: send(c.User.Login, &user.LoginRequest{Login: B.name}), want: invalid},
		{name: "Login: blank login", ctx: anon, call: send(c.User.Login, &user.LoginRequest{Login: "   ", Password: "pass-word-1"}), want: invalid},
		{name: "Login: B with a wrong password", ctx: anon, call: send(c.User.Login, &user.LoginRequest{Login: B.name, Password: "pass-word-2"}), want: unauthentic},
		{name: "Login: 1 MiB login", ctx: anon, call: send(c.User.Login, &user.LoginRequest{Login: mib, Password: "pass-word-1"}), want: invalid},

		{name: "GetUser: B's account", ctx: A, call: send(c.User.GetUser, &user.GetUserRequest{UserId: B.id}), want: denied},
		{name: "GetUser: user_id -1", ctx: A, call: send(c.User.GetUser, &user.GetUserRequest{UserId: -1}), want: invalid},
		{name: "GetUser: user_id MinInt64", ctx: A, call: send(c.User.GetUser, &user.GetUserRequest{UserId: minInt}), want: invalid},
		{name: "GetUser: user_id MaxInt64", ctx: A, call: send(c.User.GetUser, &user.GetUserRequest{UserId: maxInt}), want: denied},
		{name: "GetUser: admin, user_id MaxInt64", ctx: admin, call: send(c.User.GetUser, &user.GetUserRequest{UserId: maxInt}), want: notFound},
		{name: "GetUser: admin, user_id -1", ctx: admin, call: send(c.User.GetUser, &user.GetUserRequest{UserId: -1}), want: invalid},

		{name: "UpdateUser: B's username", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{UserId: B.id, Username: ptr(unique("h"))}), want: denied},
		{name: "UpdateUser: B's password", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{UserId: B.id, NewPassword: ptr("pass-word-9"), OldPassword: "pass-word-1"}), want: denied},
		{name: "UpdateUser: user_id -1", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{UserId: -1, Username: ptr(unique("h"))}), want: invalid},
		{name: "UpdateUser: nothing to update", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{}), want: invalid},
		{name: "UpdateUser: empty username", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{Username: ptr("")}), want: invalid},
		{name: "UpdateUser: empty email", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{Email: ptr("")}), want: invalid},
		{name: "UpdateUser: B's email", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{Email: ptr(B.email)}), want: exists},
		{name: "UpdateUser: B's username", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{Username: ptr(B.name)}), want: exists},
		{name: "UpdateUser: new password without the old one", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{NewPassword: ptr("pass-word-9")}), want: precondition},
		{name: "UpdateUser: empty new password", ctx: A, call: send(c.User.UpdateUser, &user.UpdateUserRequest{NewPassword: ptr(""), OldPassword: "pass-word-1"}), want: invalid},
		{name: "UpdateUser: admin, user_id MaxInt64", ctx: admin, call: send(c.User.UpdateUser, &user.UpdateUserRequest{UserId: maxInt, Username: ptr(unique("h"))}), want: notFound},

		{name: "IssueServiceToken: empty request", ctx: anon, call: send(c.Auth.IssueServiceToken, &auth.IssueServiceTokenRequest{}), want: unauthentic},
		{name: "IssueServiceToken: wrong secret", ctx: anon, call: send(c.Auth.IssueServiceToken, &auth.IssueServiceTokenRequest{ClientId: "order", ClientSecret: "guess"}), want: unauthentic},
		{name: "IssueServiceToken: unknown client, no secret", ctx: anon, call: send(c.Auth.IssueServiceToken, &auth.IssueServiceTokenRequest{ClientId: "admin"}), want: unauthentic},
		{name: "IssueServiceToken: as a customer", ctx: A, call: send(c.Auth.IssueServiceToken, &auth.IssueServiceTokenRequest{ClientId: "order", ClientSecret: "guess"}), want: unauthentic},

		{name: "VerifyToken: empty", ctx: anon, call: send(c.Auth.VerifyToken, &auth.VerifyTokenRequest{}), want: invalid},
		{name: "VerifyToken: garbage", ctx: anon, call: send(c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: "garbage"}), want: unauthentic},
		{name: "VerifyToken: tampered signature", ctx: anon, call: send(c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: tamper(B.tok)}), want: unauthentic, secret: tamper(B.tok)},
		{name: "VerifyToken: tampered claims", ctx: anon, call: send(c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: tamperClaims(B.tok)}), want: unauthentic},
		{name: "VerifyToken: 1 MiB", ctx: anon, call: send(c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: mib}), want: invalid},

		{name: "RefreshToken: empty", ctx: anon, call: send(c.Auth.RefreshToken, &auth.RefreshTokenRequest{}), want: invalid},
		{name: "RefreshToken: garbage", ctx: anon, call: send(c.Auth.RefreshToken, &auth.RefreshTokenRequest{RefreshToken: "garbage"}), want: unauthentic},
		{name: "RefreshToken: B's access token", ctx: anon, call: send(c.Auth.RefreshToken, &auth.RefreshTokenRequest{RefreshToken: B.tok}), want: unauthentic},
		{name: "RefreshToken: B's refresh token tampered", ctx: anon, call: send(c.Auth.RefreshToken, &auth.RefreshTokenRequest{RefreshToken: tamper(B.refresh)}), want: unauthentic},

		{name: "RevokeToken: B's access token", ctx: A, call: send(c.Auth.RevokeToken, &auth.RevokeTokenRequest{Token: B.tok}), want: denied, secret: B.tok},
		{name: "RevokeToken: B's session", ctx: A, call: send(c.Auth.RevokeToken, &auth.RevokeTokenRequest{Token: B.refresh, WholeSession: true}), want: denied},
		{name: "RevokeToken: empty", ctx: A, call: send(c.Auth.RevokeToken, &auth.RevokeTokenRequest{}), want: invalid},
		{name: "RevokeToken: garbage", ctx: A, call: send(c.Auth.RevokeToken, &auth.RevokeTokenRequest{Token: "garbage"}), want: unauthentic},
		{name: "RevokeToken: B's token tampered", ctx: A, call: send(c.Auth.RevokeToken, &auth.RevokeTokenRequest{Token: tamper(B.tok), WholeSession: true}), want: unauthentic},

		{name: "RevokeUserSessions: user_id 0", ctx: admin, call: send(c.Auth.RevokeUserSessions, &auth.RevokeUserSessionsRequest{}), want: invalid},
		{name: "RevokeUserSessions: user_id MinInt64", ctx: admin, call: send(c.Auth.RevokeUserSessions, &auth.RevokeUserSessionsRequest{UserId: minInt}), want: invalid},
		{name: "RevokeUserSessions: B's, as a customer", ctx: A, call: send(c.Auth.RevokeUserSessions, &auth.RevokeUserSessionsRequest{UserId: B.id}), want: denied},

		{name: "CheckPermission: empty request", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{}), want: invalid},
		{name: "CheckPermission: role and user_id", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{Role: "customer", UserId: B.id, Service: "order", Method: "GetOrder"}), want: invalid},
		{name: "CheckPermission: user_id -1", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{UserId: -1, Service: "order", Method: "GetOrder"}), want: invalid},
		{name: "CheckPermission: user_id MaxInt64", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{UserId: maxInt, Service: "order", Method: "GetOrder"}), want: notFound},
		{name: "CheckPermission: unknown service", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{Role: "customer", Service: "shop", Method: "GetOrder"}), want: invalid},
		{name: "CheckPermission: method in lower case", ctx: admin, call: send(c.Auth.CheckPermission, &auth.CheckPermissionRequest{Role: "customer", Service: "order", Method: "getorder"}), want: invalid},

		{name: "AssignRole: admin to self, as a customer", ctx: A, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: w.A.id, Role: "admin"}), want: denied},
		{name: "AssignRole: user_id 0", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{Role: "admin"}), want: invalid},
		{name: "AssignRole: user_id MinInt64", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: minInt, Role: "admin"}), want: invalid},
		{name: "AssignRole: user_id MaxInt64", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: maxInt, Role: "admin"}), want: notFound},
		{name: "AssignRole: the service role", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: w.A.id, Role: "service"}), want: invalid},
		{name: "AssignRole: an unknown role", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: w.A.id, Role: "root"}), want: invalid},
		{name: "AssignRole: an empty role", ctx: admin, call: send(c.Auth.AssignRole, &auth.AssignRoleRequest{UserId: w.A.id}), want: invalid},

		{name: "RevokeRole: user_id -1", ctx: admin, call: send(c.Auth.RevokeRole, &auth.RevokeRoleRequest{UserId: -1, Role: "admin"}), want: invalid},
		{name: "RevokeRole: the customer role", ctx: admin, call: send(c.Auth.RevokeRole, &auth.RevokeRoleRequest{UserId: B.id, Role: "customer"}), want: precondition},
		{name: "RevokeRole: the service role", ctx: admin, call: send(c.Auth.RevokeRole, &auth.RevokeRoleRequest{UserId: B.id, Role: "service"}), want: invalid},

		{name: "AddPolicy: no policy", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{}), want: invalid},
		{name: "AddPolicy: empty policy", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: &auth.Policy{}}), want: invalid},
		{name: "AddPolicy: role in upper case", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("Admin", "order", "GetOrder")}), want: invalid},
		{name: "AddPolicy: the service role", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("service", "order", "GetOrder")}), want: invalid},
		{name: "AddPolicy: unknown service", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("customer", "shop", "*")}), want: invalid},
		{name: "AddPolicy: method pattern", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("customer", "order", "Get*")}), want: invalid},
		{name: "AddPolicy: an internal method", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("customer", "order", "PlaceOrder")}), want: invalid},
		{name: "AddPolicy: a public method", ctx: admin, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("customer", "product", "GetProduct")}), want: invalid},
		{name: "AddPolicy: every product method, as a customer", ctx: A, call: send(c.Auth.AddPolicy, &auth.AddPolicyRequest{Policy: policy("customer", "product", "*")}), want: denied},
		{name: "RemovePolicy: no policy", ctx: admin, call: send(c.Auth.RemovePolicy, &auth.RemovePolicyRequest{}), want: invalid},
		{name: "RemovePolicy: a policy nobody has", ctx: admin, call: send(c.Auth.RemovePolicy, &auth.RemovePolicyRequest{Policy: policy("customer", "product", "CreateProduct")}), want: notFound},
		{name: "RemovePolicy: the customer's GetOrder, as a customer", ctx: A, call: send(c.Auth.RemovePolicy, &auth.RemovePolicyRequest{Policy: policy("customer", "order", "GetOrder")}), want: denied},
		{name: "ListPolicies: user_id MinInt64", ctx: admin, call: send(c.Auth.ListPolicies, &auth.ListPoliciesRequest{IncludeAssignments: true, UserId: minInt}), want: accepted},
	}
}

// catalogRows: products, categories, stock and coupons.
func (w *world) catalogRows() []row {
	c, A, anon, admin := w.c, w.A.ctx, w.anon, w.admin
	create := func(f func(r *product.CreateProductRequest)) callFn {
		r := &product.CreateProductRequest{Name: "Hostile", Price: usd(100), InitialStock: 1}
		f(r)
		return send(c.Product.CreateProduct, r)
	}
	update := func(r *product.UpdateProductRequest) callFn { return send(c.Product.UpdateProduct, r) }
	list := func(r *product.ListProductsRequest) callFn { return send(c.Product.ListProducts, r) }
	search := func(r *product.SearchProductsRequest) callFn { return send(c.Product.SearchProducts, r) }
	stock := func(ids ...int64) callFn { return send(c.Product.GetStock, &product.GetStockRequest{ProductIds: ids}) }
	adjust := func(id, delta int64, key string) callFn {
		return send(c.Product.AdjustStock, &product.AdjustStockRequest{ProductId: id, Delta: delta, Reason: "hostile", IdempotencyKey: key})
	}
	coupon := func(f func(cp *checkout.Coupon)) callFn {
		cp := &checkout.Coupon{Code: unique("HOSTILE"), Kind: checkout.CouponKind_COUPON_KIND_PERCENT, PercentOff: 10}
		f(cp)
		return send(c.Checkout.CreateCoupon, &checkout.CreateCouponRequest{Coupon: cp})
	}
	many := make([]int64, 201)
	for i := range many {
		many[i] = int64(i + 1)
	}
	return []row{
		{name: "CreateProduct: empty request", ctx: admin, call: send(c.Product.CreateProduct, &product.CreateProductRequest{}), want: invalid},
		{name: "CreateProduct: blank name", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Name = "  " }), want: invalid},
		{name: "CreateProduct: 1 MiB description", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Description = mib }), want: invalid},
		{name: "CreateProduct: no price", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = nil }), want: invalid},
		{name: "CreateProduct: price 0", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = usd(0) }), want: invalid},
		{name: "CreateProduct: price -1", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = usd(-1) }), want: invalid},
		{name: "CreateProduct: price MinInt64", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = usd(minInt) }), want: invalid},
		{name: "CreateProduct: price MaxInt64", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = usd(maxInt) }), want: invalid},
		{name: "CreateProduct: price in XXX", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = cur(100, "XXX") }), want: invalid},
		{name: "CreateProduct: price in EUR", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = cur(100, "EUR") }), want: invalid},
		{name: "CreateProduct: price without a currency", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Price = cur(100, "") }), want: invalid},
		{name: "CreateProduct: initial_stock -1", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.InitialStock = -1 }), want: invalid},
		{name: "CreateProduct: initial_stock MaxInt64", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.InitialStock = maxInt }), want: invalid},
		{name: "CreateProduct: status 3", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Status = 3 }), want: invalid},
		{name: "CreateProduct: status -1", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Status = -1 }), want: invalid},
		{name: "CreateProduct: status 257", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.Status = 257 }), want: invalid},
		{name: "CreateProduct: category -1", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.CategoryIds = []int64{-1} }), want: invalid},
		{name: "CreateProduct: unknown category", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.CategoryIds = []int64{maxInt} }), want: notFound},
		{name: "CreateProduct: 21 categories", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.CategoryIds = many[:21] }), want: invalid},
		{name: "CreateProduct: javascript: picture", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.PictureUrl = "javascript:alert(1)" }), want: invalid},
		{name: "CreateProduct: key with a space", ctx: admin, call: create(func(r *product.CreateProductRequest) { r.IdempotencyKey = "a key" }), want: invalid},

		{name: "GetProduct: id 0", ctx: anon, call: send(c.Product.GetProduct, &product.GetProductRequest{}), want: invalid},
		{name: "GetProduct: id -1", ctx: anon, call: send(c.Product.GetProduct, &product.GetProductRequest{Id: -1}), want: invalid},
		{name: "GetProduct: id MinInt64", ctx: anon, call: send(c.Product.GetProduct, &product.GetProductRequest{Id: minInt}), want: invalid},
		{name: "GetProduct: id MaxInt64", ctx: anon, call: send(c.Product.GetProduct, &product.GetProductRequest{Id: maxInt}), want: notFound},
		{name: "GetProduct: a deleted product", ctx: anon, call: send(c.Product.GetProduct, &product.GetProductRequest{Id: w.deletedPID}), want: notFound},

		{name: "BatchGetProducts: no ids", ctx: anon, call: send(c.Product.BatchGetProducts, &product.BatchGetProductsRequest{}), want: accepted},
		{name: "BatchGetProducts: id -1", ctx: anon, call: send(c.Product.BatchGetProducts, &product.BatchGetProductsRequest{Ids: []int64{w.pid, -1}}), want: invalid},
		{name: "BatchGetProducts: 201 ids", ctx: anon, call: send(c.Product.BatchGetProducts, &product.BatchGetProductsRequest{Ids: many}), want: invalid},
		{name: "BatchGetProducts: id MaxInt64 is missing", ctx: anon, call: send(c.Product.BatchGetProducts, &product.BatchGetProductsRequest{Ids: []int64{maxInt}}), want: accepted},

		{name: "UpdateProduct: as a customer", ctx: A, call: update(&product.UpdateProductRequest{Id: w.pid, Price: usd(1)}), want: denied},
		{name: "UpdateProduct: id -1", ctx: admin, call: update(&product.UpdateProductRequest{Id: -1, Name: ptr("x")}), want: invalid},
		{name: "UpdateProduct: id MaxInt64", ctx: admin, call: update(&product.UpdateProductRequest{Id: maxInt, Name: ptr("x")}), want: notFound},
		{name: "UpdateProduct: a deleted product", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.deletedPID, Name: ptr("x")}), want: notFound},
		{name: "UpdateProduct: nothing to update", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid}), want: invalid},
		{name: "UpdateProduct: empty name", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Name: ptr("")}), want: invalid},
		{name: "UpdateProduct: price -1", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Price: usd(-1)}), want: invalid},
		{name: "UpdateProduct: price 0", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Price: usd(0)}), want: invalid},
		{name: "UpdateProduct: price MaxInt64", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Price: usd(maxInt)}), want: invalid},
		{name: "UpdateProduct: price in XXX", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Price: cur(100, "XXX")}), want: invalid},
		{name: "UpdateProduct: price in lower-case usd", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Price: cur(-5, "usd ")}), want: invalid},
		{name: "UpdateProduct: status 3", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Status: 3}), want: invalid},
		{name: "UpdateProduct: status 258", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, Status: 258}), want: invalid},
		{name: "UpdateProduct: categories [-1]", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, SetCategories: true, CategoryIds: []int64{-1}}), want: invalid},
		{name: "UpdateProduct: unknown category", ctx: admin, call: update(&product.UpdateProductRequest{Id: w.pid, SetCategories: true, CategoryIds: []int64{maxInt}}), want: notFound},

		{name: "DeleteProduct: as a customer", ctx: A, call: send(c.Product.DeleteProduct, &product.DeleteProductRequest{Id: w.pid}), want: denied},
		{name: "DeleteProduct: id 0", ctx: admin, call: send(c.Product.DeleteProduct, &product.DeleteProductRequest{}), want: invalid},
		{name: "DeleteProduct: id MinInt64", ctx: admin, call: send(c.Product.DeleteProduct, &product.DeleteProductRequest{Id: minInt}), want: invalid},
		{name: "DeleteProduct: id MaxInt64", ctx: admin, call: send(c.Product.DeleteProduct, &product.DeleteProductRequest{Id: maxInt}), want: notFound},

		{name: "ListProducts: page_size -1", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(-1, "")}), want: invalid},
		{name: "ListProducts: page_size 101", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(101, "")}), want: invalid},
		{name: "ListProducts: page_size MaxInt32", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(maxInt32, "")}), want: invalid},
		{name: "ListProducts: page_size MinInt32", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(minInt32, "")}), want: invalid},
		{name: "ListProducts: garbage page_token", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(0, "garbage")}), want: invalid},
		{name: "ListProducts: forged page_token", ctx: anon, call: list(&product.ListProductsRequest{Page: pageOf(0, "eyJmIjoieCIsImkiOjF9")}), want: invalid},
		{name: "ListProducts: sort 4", ctx: anon, call: list(&product.ListProductsRequest{Sort: 4}), want: invalid},
		{name: "ListProducts: sort -1", ctx: anon, call: list(&product.ListProductsRequest{Sort: -1}), want: invalid},
		{name: "ListProducts: sort 258", ctx: anon, call: list(&product.ListProductsRequest{Sort: 258}), want: invalid},
		{name: "ListProducts: category_id -1", ctx: anon, call: list(&product.ListProductsRequest{CategoryId: -1}), want: invalid},
		{name: "ListProducts: category_id MaxInt64", ctx: anon, call: list(&product.ListProductsRequest{CategoryId: maxInt}), want: notFound},
		{name: "ListProducts: include_inactive, anonymous", ctx: anon, call: list(&product.ListProductsRequest{IncludeInactive: true}), want: denied},
		{name: "ListProducts: include_inactive, as a customer", ctx: A, call: list(&product.ListProductsRequest{IncludeInactive: true}), want: denied},

		{name: "SearchProducts: empty query", ctx: anon, call: search(&product.SearchProductsRequest{}), want: invalid},
		{name: "SearchProducts: blank query", ctx: anon, call: search(&product.SearchProductsRequest{Query: " \u3000 "}), want: invalid},
		{name: "SearchProducts: punctuation only", ctx: anon, call: search(&product.SearchProductsRequest{Query: "%_*'\"--;"}), want: invalid},
		{name: "SearchProducts: 1 MiB query", ctx: anon, call: search(&product.SearchProductsRequest{Query: mib}), want: invalid},
		{name: "SearchProducts: page_size -1", ctx: anon, call: search(&product.SearchProductsRequest{Query: "teapot", Page: pageOf(-1, "")}), want: invalid},
		{name: "SearchProducts: forged page_token", ctx: anon, call: search(&product.SearchProductsRequest{Query: "teapot", Page: pageOf(0, "eyJmIjoieCIsImkiOjF9")}), want: invalid},
		{name: "SearchProducts: category_id MinInt64", ctx: anon, call: search(&product.SearchProductsRequest{Query: "teapot", CategoryId: minInt}), want: invalid},

		{name: "CreateCategory: empty name", ctx: admin, call: send(c.Product.CreateCategory, &product.CreateCategoryRequest{}), want: invalid},
		{name: "CreateCategory: parent -1", ctx: admin, call: send(c.Product.CreateCategory, &product.CreateCategoryRequest{Name: unique("c"), ParentId: -1}), want: invalid},
		{name: "CreateCategory: unknown parent", ctx: admin, call: send(c.Product.CreateCategory, &product.CreateCategoryRequest{Name: unique("c"), ParentId: maxInt}), want: notFound},
		{name: "CreateCategory: name of 101 characters", ctx: admin, call: send(c.Product.CreateCategory, &product.CreateCategoryRequest{Name: strings.Repeat("c", 101)}), want: invalid},
		{name: "GetCategory: id 0", ctx: anon, call: send(c.Product.GetCategory, &product.GetCategoryRequest{}), want: invalid},
		{name: "GetCategory: id MaxInt64", ctx: anon, call: send(c.Product.GetCategory, &product.GetCategoryRequest{Id: maxInt}), want: notFound},
		{name: "UpdateCategory: id -1", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: -1, Name: ptr("x")}), want: invalid},
		{name: "UpdateCategory: nothing to update", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: w.cat}), want: invalid},
		{name: "UpdateCategory: into itself", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: w.cat, ParentId: ptr(w.cat)}), want: precondition},
		{name: "UpdateCategory: parent -1", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: w.cat, ParentId: ptr(int64(-1))}), want: invalid},
		{name: "UpdateCategory: unknown parent", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: w.cat, ParentId: ptr(maxInt)}), want: notFound},
		{name: "UpdateCategory: id MaxInt64", ctx: admin, call: send(c.Product.UpdateCategory, &product.UpdateCategoryRequest{Id: maxInt, Name: ptr("x")}), want: notFound},
		{name: "DeleteCategory: id -1", ctx: admin, call: send(c.Product.DeleteCategory, &product.DeleteCategoryRequest{Id: -1}), want: invalid},
		{name: "DeleteCategory: id MaxInt64", ctx: admin, call: send(c.Product.DeleteCategory, &product.DeleteCategoryRequest{Id: maxInt}), want: notFound},
		{name: "DeleteCategory: a category with products", ctx: admin, call: send(c.Product.DeleteCategory, &product.DeleteCategoryRequest{Id: w.cat}), want: precondition},
		{name: "ListCategories: parent -1", ctx: anon, call: send(c.Product.ListCategories, &product.ListCategoriesRequest{ParentId: -1}), want: invalid},
		{name: "ListCategories: parent MaxInt64", ctx: anon, call: send(c.Product.ListCategories, &product.ListCategoriesRequest{ParentId: maxInt}), want: notFound},

		{name: "GetStock: no ids", ctx: anon, call: stock(), want: invalid},
		{name: "GetStock: id 0", ctx: anon, call: stock(0), want: invalid},
		{name: "GetStock: id MinInt64", ctx: anon, call: stock(w.pid, minInt), want: invalid},
		{name: "GetStock: 201 ids", ctx: anon, call: stock(many...), want: invalid},
		{name: "GetStock: id MaxInt64 is missing", ctx: anon, call: stock(maxInt), want: accepted},

		{name: "ReserveStock: as a customer, hostile items", ctx: A, call: send(c.Product.ReserveStock, &product.ReserveStockRequest{OrderId: "x", Items: []*product.StockItem{{ProductId: w.pid, Quantity: maxInt}}}), want: denied},
		{name: "GetReservation: B's order, as a customer", ctx: A, call: send(c.Product.GetReservation, &product.GetReservationRequest{OrderId: w.bOrder}), want: denied},
		{name: "ReleaseStock: B's order, as a customer", ctx: A, call: send(c.Product.ReleaseStock, &product.ReleaseStockRequest{OrderId: w.bOrder}), want: denied},
		{name: "ReturnStock: B's order, as an admin", ctx: admin, call: send(c.Product.ReturnStock, &product.ReturnStockRequest{OrderId: w.bOrder}), want: denied},

		{name: "AdjustStock: as a customer", ctx: A, call: adjust(w.pid, 1000, ""), want: denied},
		{name: "AdjustStock: delta 0", ctx: admin, call: adjust(w.pid, 0, ""), want: invalid},
		{name: "AdjustStock: delta MaxInt64", ctx: admin, call: adjust(w.pid, maxInt, ""), want: invalid},
		{name: "AdjustStock: delta MinInt64", ctx: admin, call: adjust(w.pid, minInt, ""), want: invalid},
		{name: "AdjustStock: below zero", ctx: admin, call: adjust(w.pid, -1_000_000, ""), want: precondition},
		{name: "AdjustStock: above the maximum", ctx: admin, call: adjust(w.pid, 1_000_000_000, ""), want: precondition},
		{name: "AdjustStock: product -1", ctx: admin, call: adjust(-1, 1, ""), want: invalid},
		{name: "AdjustStock: product MaxInt64", ctx: admin, call: adjust(maxInt, 1, ""), want: notFound},
		{name: "AdjustStock: a deleted product", ctx: admin, call: adjust(w.deletedPID, 1, ""), want: notFound},
		{name: "AdjustStock: key with a space", ctx: admin, call: adjust(w.pid, 1, "a key"), want: invalid},

		{name: "CreateCoupon: as a customer", ctx: A, call: coupon(func(cp *checkout.Coupon) { cp.PercentOff = 100 }), want: denied},
		{name: "CreateCoupon: no coupon", ctx: admin, call: send(c.Checkout.CreateCoupon, &checkout.CreateCouponRequest{}), want: invalid},
		{name: "CreateCoupon: empty code", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.Code = "" }), want: invalid},
		{name: "CreateCoupon: code with a space", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.Code = "TEN OFF" }), want: invalid},
		{name: "CreateCoupon: the existing code", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.Code = w.coupon }), want: exists},
		{name: "CreateCoupon: kind unspecified", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.Kind = 0 }), want: invalid},
		{name: "CreateCoupon: kind 99", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.Kind = 99 }), want: invalid},
		{name: "CreateCoupon: percent 0", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.PercentOff = 0 }), want: invalid},
		{name: "CreateCoupon: percent 101", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.PercentOff = 101 }), want: invalid},
		{name: "CreateCoupon: percent MinInt32", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.PercentOff = minInt32 }), want: invalid},
		{name: "CreateCoupon: fixed, amount MaxInt64", ctx: admin, call: coupon(func(cp *checkout.Coupon) {
			cp.Kind, cp.PercentOff, cp.AmountOff = checkout.CouponKind_COUPON_KIND_FIXED, 0, usd(maxInt)
		}), want: invalid},
		{name: "CreateCoupon: fixed, amount -1", ctx: admin, call: coupon(func(cp *checkout.Coupon) {
			cp.Kind, cp.PercentOff, cp.AmountOff = checkout.CouponKind_COUPON_KIND_FIXED, 0, usd(-1)
		}), want: invalid},
		{name: "CreateCoupon: fixed, amount in XXX", ctx: admin, call: coupon(func(cp *checkout.Coupon) {
			cp.Kind, cp.PercentOff, cp.AmountOff = checkout.CouponKind_COUPON_KIND_FIXED, 0, cur(100, "XXX")
		}), want: invalid},
		{name: "CreateCoupon: min_spend -1", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.MinSpend = usd(-1) }), want: invalid},
		{name: "CreateCoupon: min_spend in JPY", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.MinSpend = cur(100, "JPY") }), want: invalid},
		{name: "CreateCoupon: usage_limit -1", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.UsageLimit = -1 }), want: invalid},
		{name: "CreateCoupon: valid_until before valid_from", ctx: admin, call: coupon(func(cp *checkout.Coupon) {
			cp.ValidFrom, cp.ValidUntil = ts(2_000_000_000, 0), ts(1_000_000_000, 0)
		}), want: invalid},
		{name: "CreateCoupon: valid_until at MaxInt64 seconds", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.ValidUntil = ts(maxInt, 0) }), want: invalid},
		{name: "CreateCoupon: valid_from at MinInt64 seconds", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.ValidFrom = ts(minInt, 0) }), want: invalid},
		{name: "CreateCoupon: valid_until with nanos -1", ctx: admin, call: coupon(func(cp *checkout.Coupon) { cp.ValidUntil = ts(2_000_000_000, -1) }), want: invalid},
		{name: "DisableCoupon: empty code", ctx: admin, call: send(c.Checkout.DisableCoupon, &checkout.DisableCouponRequest{}), want: invalid},
		{name: "DisableCoupon: unknown code", ctx: admin, call: send(c.Checkout.DisableCoupon, &checkout.DisableCouponRequest{Code: "NO-SUCH-COUPON"}), want: notFound},
		{name: "DisableCoupon: as a customer", ctx: A, call: send(c.Checkout.DisableCoupon, &checkout.DisableCouponRequest{Code: w.coupon}), want: denied},
	}
}

// cartRows: the three customers' carts.
func (w *world) cartRows() []row {
	c, A, B := w.c, w.A.ctx, w.B
	add := func(uid, pid, qty int64, key string) callFn {
		return send(c.Cart.AddItem, &cart.AddItemRequest{UserId: uid, ProductId: pid, Quantity: qty, IdempotencyKey: key})
	}
	upd := func(uid, pid, qty int64) callFn {
		return send(c.Cart.UpdateItem, &cart.UpdateItemRequest{UserId: uid, ProductId: pid, Quantity: qty})
	}
	return []row{
		{name: "AddItem: to B's cart", ctx: A, call: add(B.id, w.pid, 1, ""), want: denied},
		{name: "AddItem: user_id -1", ctx: A, call: add(-1, w.pid, 1, ""), want: invalid},
		{name: "AddItem: user_id MaxInt64", ctx: A, call: add(maxInt, w.pid, 1, ""), want: denied},
		{name: "AddItem: quantity 0", ctx: A, call: add(0, w.pid, 0, ""), want: invalid},
		{name: "AddItem: quantity -1", ctx: A, call: add(0, w.pid, -1, ""), want: invalid},
		{name: "AddItem: quantity 100", ctx: A, call: add(0, w.pid, 100, ""), want: invalid},
		{name: "AddItem: quantity MaxInt64", ctx: A, call: add(0, w.pid, maxInt, ""), want: invalid},
		{name: "AddItem: quantity MinInt64", ctx: A, call: add(0, w.pid, minInt, ""), want: invalid},
		{name: "AddItem: line above 99 units", ctx: A, call: add(0, w.pid, 99, ""), want: invalid},
		{name: "AddItem: product 0", ctx: A, call: add(0, 0, 1, ""), want: invalid},
		{name: "AddItem: product MinInt64", ctx: A, call: add(0, minInt, 1, ""), want: invalid},
		{name: "AddItem: product MaxInt64", ctx: A, call: add(0, maxInt, 1, ""), want: notFound},
		{name: "AddItem: a deleted product", ctx: A, call: add(0, w.deletedPID, 1, ""), want: notFound},
		{name: "AddItem: an inactive product", ctx: A, call: add(0, w.inactivePID, 1, ""), want: precondition},
		{name: "AddItem: key with a space", ctx: A, call: add(0, w.pid, 1, "a key"), want: invalid},
		{name: "AddItem: key of 65 characters", ctx: A, call: add(0, w.pid, 1, strings.Repeat("k", 65)), want: invalid},

		{name: "GetCart: B's cart", ctx: A, call: send(c.Cart.GetCart, &cart.GetCartRequest{UserId: B.id}), want: denied},
		{name: "GetCart: user_id MinInt64", ctx: A, call: send(c.Cart.GetCart, &cart.GetCartRequest{UserId: minInt}), want: invalid},
		{name: "EmptyCart: B's cart", ctx: A, call: send(c.Cart.EmptyCart, &cart.EmptyCartRequest{UserId: B.id}), want: denied},
		{name: "EmptyCart: user_id -1", ctx: A, call: send(c.Cart.EmptyCart, &cart.EmptyCartRequest{UserId: -1}), want: invalid},

		{name: "UpdateItem: B's line", ctx: A, call: upd(B.id, w.pid, 99), want: denied},
		{name: "UpdateItem: B's line to 0", ctx: A, call: upd(B.id, w.pid, 0), want: denied},
		{name: "UpdateItem: quantity -1", ctx: A, call: upd(0, w.pid, -1), want: invalid},
		{name: "UpdateItem: quantity 100", ctx: A, call: upd(0, w.pid, 100), want: invalid},
		{name: "UpdateItem: quantity MaxInt64", ctx: A, call: upd(0, w.pid, maxInt), want: invalid},
		{name: "UpdateItem: quantity MinInt64", ctx: A, call: upd(0, w.pid, minInt), want: invalid},
		{name: "UpdateItem: product -1", ctx: A, call: upd(0, -1, 1), want: invalid},
		{name: "UpdateItem: a product not in the cart", ctx: A, call: upd(0, w.inactivePID, 2), want: notFound},

		{name: "RemoveItem: B's line", ctx: A, call: send(c.Cart.RemoveItem, &cart.RemoveItemRequest{UserId: B.id, ProductId: w.pid}), want: denied},
		{name: "RemoveItem: product 0", ctx: A, call: send(c.Cart.RemoveItem, &cart.RemoveItemRequest{}), want: invalid},
		{name: "RemoveItem: a product not in the cart", ctx: A, call: send(c.Cart.RemoveItem, &cart.RemoveItemRequest{ProductId: maxInt}), want: accepted},

		{name: "RemoveOrderedItems: B's cart, as a customer", ctx: A, call: send(c.Cart.RemoveOrderedItems, &cart.RemoveOrderedItemsRequest{UserId: B.id, OrderId: w.bOrder, Items: []*cart.OrderedItem{{ProductId: w.pid, Quantity: 99}}}), want: denied},
	}
}

// checkoutRows: A's cart turned into checkouts and orders, with the stock
// and cards they would use.
func (w *world) checkoutRows() []row {
	c, A := w.c, w.A.ctx
	// Each Checkout row has its own idempotency key, so that a checkout
	// one row recorded by mistake cannot answer the next; the state reads
	// the checkouts of every key.
	co := func(f func(r *checkout.CheckoutRequest)) callFn {
		key := fmt.Sprintf("hostile-%d", len(w.checkoutKeys))
		w.checkoutKeys = append(w.checkoutKeys, key)
		r := &checkout.CheckoutRequest{IdempotencyKey: key, Address: address()}
		f(r)
		return send(c.Checkout.Checkout, r)
	}
	withAddress := func(f func(a *common.Address)) callFn {
		return co(func(r *checkout.CheckoutRequest) { r.Address = addressWith(f) })
	}
	withCard := func(f func(c *payment.Card)) callFn {
		return co(func(r *checkout.CheckoutRequest) { r.PaymentMethod = byCard(cardWith(f)) })
	}
	// keptOpen is a Checkout row refused at placement: the checkout stays
	// open under its key, as the refusal says ("review the checkout"), and
	// nothing else changes.
	keptOpen := func(name string, f func(r *checkout.CheckoutRequest)) row {
		call := co(f)
		key := w.checkoutKeys[len(w.checkoutKeys)-1]
		return row{name: name, ctx: A, call: call, want: precondition, leaves: "checkout " + key + " of " + w.A.name}
	}
	// refusedFirst is a Checkout row refused when the cart is first priced
	// (an empty cart, an unknown coupon): as the README says, the key names
	// one attempt, so its checkout is recorded FAILED with the refusal,
	// which the same key answers again; nothing else changes.
	refusedFirst := func(name string, p party, want apperr.Kind, f func(r *checkout.CheckoutRequest)) row {
		call := co(f)
		key := w.checkoutKeys[len(w.checkoutKeys)-1]
		return row{name: name, ctx: p.ctx, call: call, want: want, leaves: "checkout " + key + " of " + p.name}
	}
	upd := func(r *checkout.UpdateCheckoutRequest) callFn { return send(c.Checkout.UpdateCheckout, r) }
	return []row{
		{name: "Checkout: no idempotency key", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.IdempotencyKey = "" }), want: invalid},
		{name: "Checkout: key with a space", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.IdempotencyKey = "a key" }), want: invalid},
		{name: "Checkout: key of 65 characters", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.IdempotencyKey = strings.Repeat("k", 65) }), want: invalid},
		{name: "Checkout: no address", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.Address = nil }), want: invalid},
		{name: "Checkout: empty address", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.Address = &common.Address{} }), want: invalid},
		{name: "Checkout: blank street", ctx: A, call: withAddress(func(a *common.Address) { a.Street = " \t " }), want: invalid},
		{name: "Checkout: country usa", ctx: A, call: withAddress(func(a *common.Address) { a.Country = "usa" }), want: invalid},
		{name: "Checkout: country in lower case", ctx: A, call: withAddress(func(a *common.Address) { a.Country = "gb" }), want: invalid},
		{name: "Checkout: country 00", ctx: A, call: withAddress(func(a *common.Address) { a.Country = "00" }), want: invalid},
		{name: "Checkout: country É (two bytes)", ctx: A, call: withAddress(func(a *common.Address) { a.Country = "É" }), want: invalid},
		{name: "Checkout: 1 MiB street", ctx: A, call: withAddress(func(a *common.Address) { a.Street = mib }), want: invalid},
		{name: "Checkout: currency XXX", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.Currency = "XXX" }), want: invalid},
		{name: "Checkout: currency US", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.Currency = "US" }), want: invalid},
		{name: "Checkout: currency U+0055 U+0053 U+0044 fullwidth", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.Currency = "ＵＳＤ" }), want: invalid},
		{name: "Checkout: coupon of 33 characters", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.CouponCode = strings.Repeat("C", 33) }), want: invalid},
		refusedFirst("Checkout: unknown coupon", w.A, notFound, func(r *checkout.CheckoutRequest) { r.CouponCode = "NO-SUCH-COUPON" }),
		{name: "Checkout: B's saved card", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.PaymentMethod = byToken(w.bCard) }), want: invalid, secret: w.bCard},
		{name: "Checkout: unknown token", ctx: A, call: co(func(r *checkout.CheckoutRequest) { r.PaymentMethod = byToken("pm_0000000000000000") }), want: invalid},
		{name: "Checkout: card without a number", ctx: A, call: withCard(func(c *payment.Card) { c.Number = "" }), want: invalid},
		{name: "Checkout: card exp_month 0", ctx: A, call: withCard(func(c *payment.Card) { c.ExpMonth = 0 }), want: invalid},
		{name: "Checkout: card exp_month MinInt32", ctx: A, call: withCard(func(c *payment.Card) { c.ExpMonth = minInt32 }), want: invalid},
		{name: "Checkout: card exp_year MaxInt32", ctx: A, call: withCard(func(c *payment.Card) { c.ExpYear = maxInt32 }), want: invalid},
		{name: "Checkout: card exp_year -1", ctx: A, call: withCard(func(c *payment.Card) { c.ExpYear = -1 }), want: invalid},
		{name: "Checkout: card number with letters", ctx: A, call: withCard(func(c *payment.Card) { c.Number = "4242abcd42424242" }), want: invalid},
		keptOpen("Checkout: expected payable 1", func(r *checkout.CheckoutRequest) { r.ExpectedPayable = usd(1) }),
		keptOpen("Checkout: expected payable MinInt64", func(r *checkout.CheckoutRequest) { r.ExpectedPayable = usd(minInt) }),
		keptOpen("Checkout: expected payable in XXX", func(r *checkout.CheckoutRequest) { r.ExpectedPayable = cur(1250, "XXX") }),
		refusedFirst("Checkout: an empty cart", w.empty, precondition, func(r *checkout.CheckoutRequest) {}),

		{name: "GetCheckout: B's draft", ctx: A, call: send(c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: w.bDraft}), want: notFound},
		{name: "GetCheckout: empty id", ctx: A, call: send(c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{}), want: invalid},
		{name: "GetCheckout: unknown id", ctx: A, call: send(c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: "co_0000"}), want: notFound},
		{name: "GetCheckout: SQL in the id", ctx: A, call: send(c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: "' OR '1'='1"}), want: notFound},

		{name: "UpdateCheckout: B's draft", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.bDraft, CouponCode: ptr(w.coupon)}), want: notFound},
		{name: "UpdateCheckout: B's draft, another address", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.bDraft, Address: address()}), want: notFound},
		{name: "UpdateCheckout: empty id", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CouponCode: ptr(w.coupon)}), want: invalid},
		{name: "UpdateCheckout: nothing to update", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft}), want: invalid},
		{name: "UpdateCheckout: currency XXX", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft, Currency: ptr("XXX")}), want: invalid},
		{name: "UpdateCheckout: empty currency", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft, Currency: ptr("")}), want: invalid},
		{name: "UpdateCheckout: country 00", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft, Address: addressWith(func(a *common.Address) { a.Country = "00" })}), want: invalid},
		{name: "UpdateCheckout: empty address", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft, Address: &common.Address{}}), want: invalid},
		{name: "UpdateCheckout: unknown coupon", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.aDraft, CouponCode: ptr("NO-SUCH-COUPON")}), want: notFound},
		{name: "UpdateCheckout: a placed checkout", ctx: A, call: upd(&checkout.UpdateCheckoutRequest{CheckoutId: w.placedCheckout(w.A), CouponCode: ptr(w.coupon)}), want: precondition},

		{name: "DeleteCheckout: B's draft", ctx: A, call: send(c.Checkout.DeleteCheckout, &checkout.DeleteCheckoutRequest{CheckoutId: w.bDraft}), want: notFound},
		{name: "DeleteCheckout: empty id", ctx: A, call: send(c.Checkout.DeleteCheckout, &checkout.DeleteCheckoutRequest{}), want: invalid},
		{name: "DeleteCheckout: a placed checkout", ctx: A, call: send(c.Checkout.DeleteCheckout, &checkout.DeleteCheckoutRequest{CheckoutId: w.placedCheckout(w.A)}), want: precondition},

		{name: "PlaceOrder: for B, as a customer", ctx: A, call: send(c.Order.PlaceOrder, &order.PlaceOrderRequest{OrderId: "hostile", UserId: w.B.id, Items: []*order.PlaceOrderItem{{ProductId: w.pid, Quantity: 1}}, Address: address()}), want: denied},
	}
}

// placedCheckout is the checkout that placed p's paid order.
func (w *world) placedCheckout(p party) string {
	return "co_" + strings.TrimPrefix(map[int64]string{w.A.id: w.aOrder, w.B.id: w.bOrder}[p.id], "ord_")
}

// orderRows: orders.
func (w *world) orderRows() []row {
	c, A, B := w.c, w.A.ctx, w.B
	list := func(r *order.ListOrdersRequest) callFn { return send(c.Order.ListOrders, r) }
	return []row{
		{name: "GetOrder: B's order", ctx: A, call: send(c.Order.GetOrder, &order.GetOrderRequest{OrderId: w.bOrder}), want: notFound},
		{name: "GetOrder: empty id", ctx: A, call: send(c.Order.GetOrder, &order.GetOrderRequest{}), want: invalid},
		{name: "GetOrder: unknown id", ctx: A, call: send(c.Order.GetOrder, &order.GetOrderRequest{OrderId: "ord_0000"}), want: notFound},
		{name: "GetOrder: 1 MiB id", ctx: A, call: send(c.Order.GetOrder, &order.GetOrderRequest{OrderId: mib}), want: invalid},

		{name: "ListOrders: B's orders", ctx: A, call: list(&order.ListOrdersRequest{UserId: B.id}), want: denied},
		{name: "ListOrders: user_id -1", ctx: A, call: list(&order.ListOrdersRequest{UserId: -1}), want: invalid},
		{name: "ListOrders: status 99", ctx: A, call: list(&order.ListOrdersRequest{Status: 99}), want: invalid},
		{name: "ListOrders: status -1", ctx: A, call: list(&order.ListOrdersRequest{Status: -1}), want: invalid},
		{name: "ListOrders: page_size -1", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(-1, "")}), want: invalid},
		{name: "ListOrders: page_size 101", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(101, "")}), want: invalid},
		{name: "ListOrders: garbage page_token", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(0, "garbage")}), want: invalid},
		{name: "ListOrders: page_token of offset -5", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(0, "bzotNQ")}), want: invalid},
		{name: "ListOrders: page_token of offset MaxInt64", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(0, "bzo5MjIzMzcyMDM2ODU0Nzc1ODA3")}), want: accepted},
		{name: "ListOrders: page_token of an offset past int64", ctx: A, call: list(&order.ListOrdersRequest{Page: pageOf(0, "bzo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5")}), want: invalid},

		{name: "UpdateOrderAddress: B's order", ctx: A, call: send(c.Order.UpdateOrderAddress, &order.UpdateOrderAddressRequest{OrderId: w.bOrder, Address: address()}), want: notFound},
		{name: "UpdateOrderAddress: no address", ctx: A, call: send(c.Order.UpdateOrderAddress, &order.UpdateOrderAddressRequest{OrderId: w.aOrder}), want: invalid},
		{name: "UpdateOrderAddress: empty address", ctx: A, call: send(c.Order.UpdateOrderAddress, &order.UpdateOrderAddressRequest{OrderId: w.aOrder, Address: &common.Address{}}), want: invalid},
		{name: "UpdateOrderAddress: empty id", ctx: A, call: send(c.Order.UpdateOrderAddress, &order.UpdateOrderAddressRequest{Address: address()}), want: invalid},

		{name: "CancelOrder: B's order", ctx: A, call: send(c.Order.CancelOrder, &order.CancelOrderRequest{OrderId: w.bOrder, CancelPayment: true}), want: notFound},
		{name: "CancelOrder: own paid order", ctx: A, call: send(c.Order.CancelOrder, &order.CancelOrderRequest{OrderId: w.aOrder, CancelPayment: true}), want: precondition},
		{name: "CancelOrder: empty id", ctx: A, call: send(c.Order.CancelOrder, &order.CancelOrderRequest{}), want: invalid},
		{name: "CancelOrder: unknown id", ctx: A, call: send(c.Order.CancelOrder, &order.CancelOrderRequest{OrderId: "ord_0000"}), want: notFound},
	}
}

// paymentRows: payments, refunds and cards.
func (w *world) paymentRows() []row {
	c, A, B, admin := w.c, w.A.ctx, w.B, w.admin
	charge := func(orderID string, pm *payment.PaymentMethodInput, key string) callFn {
		return send(c.Payment.Charge, &payment.ChargeRequest{OrderId: orderID, PaymentMethod: pm, IdempotencyKey: key})
	}
	refund := func(orderID string, amount *common.Money, key string) callFn {
		return send(c.Payment.Refund, &payment.RefundRequest{OrderId: orderID, Amount: amount, IdempotencyKey: key})
	}
	tokenize := func(uid int64, card *payment.Card) callFn {
		return send(c.Payment.CreatePaymentMethod, &payment.CreatePaymentMethodRequest{UserId: uid, Card: card})
	}
	return []row{
		{name: "CreatePaymentMethod: for B", ctx: A, call: tokenize(B.id, cardWith(func(*payment.Card) {})), want: denied},
		{name: "CreatePaymentMethod: user_id -1", ctx: A, call: tokenize(-1, cardWith(func(*payment.Card) {})), want: invalid},
		{name: "CreatePaymentMethod: no card", ctx: A, call: tokenize(0, nil), want: invalid},
		{name: "CreatePaymentMethod: empty card", ctx: A, call: tokenize(0, &payment.Card{}), want: invalid},
		{name: "CreatePaymentMethod: bad checksum", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.Number = "4242424242424241" })), want: invalid},
		{name: "CreatePaymentMethod: 11 digits", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.Number = "42424242424" })), want: invalid},
		{name: "CreatePaymentMethod: exp_month 13", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpMonth = 13 })), want: invalid},
		{name: "CreatePaymentMethod: exp_month -1", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpMonth = -1 })), want: invalid},
		{name: "CreatePaymentMethod: exp_month MaxInt32", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpMonth = maxInt32 })), want: invalid},
		{name: "CreatePaymentMethod: exp_year 0", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpYear = 0 })), want: invalid},
		{name: "CreatePaymentMethod: exp_year MinInt32", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpYear = minInt32 })), want: invalid},
		{name: "CreatePaymentMethod: exp_year MaxInt32", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpYear = maxInt32 })), want: invalid},
		{name: "CreatePaymentMethod: expired last year", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.ExpYear = int32(time.Now().Year() - 1) })), want: invalid},
		{name: "CreatePaymentMethod: CVV of 2 digits", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.Cvv = "12" })), want: invalid},
		{name: "CreatePaymentMethod: CVV with letters", ctx: A, call: tokenize(0, cardWith(func(c *payment.Card) { c.Cvv = "12a" })), want: invalid},

		{name: "GetPaymentMethod: B's card", ctx: A, call: send(c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: w.bCard}), want: notFound, secret: w.bCard},
		{name: "GetPaymentMethod: B's card, naming B", ctx: A, call: send(c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: w.bCard, UserId: B.id}), want: denied, secret: w.bCard},
		{name: "GetPaymentMethod: empty token", ctx: A, call: send(c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{}), want: invalid},
		{name: "GetPaymentMethod: unknown token", ctx: A, call: send(c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: "pm_0000000000000000"}), want: notFound},
		{name: "GetPaymentMethod: user_id -1", ctx: A, call: send(c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: w.aCard, UserId: -1}), want: invalid},

		{name: "Charge: B's order", ctx: A, call: charge(w.bOrder, byToken(w.aCard), "hostile"), want: notFound},
		{name: "Charge: B's order with B's card", ctx: A, call: charge(w.bOrder, byToken(w.bCard), "hostile"), want: notFound, secret: w.bCard},
		{name: "Charge: own order with B's card", ctx: A, call: charge(w.aOrder, byToken(w.bCard), "hostile"), want: invalid, secret: w.bCard},
		{name: "Charge: own paid order again", ctx: A, call: charge(w.aOrder, byToken(w.aCard), "hostile"), want: precondition},
		{name: "Charge: no idempotency key", ctx: A, call: charge(w.aOrder, byToken(w.aCard), ""), want: invalid},
		{name: "Charge: key with a slash", ctx: A, call: charge(w.aOrder, byToken(w.aCard), "a/b"), want: invalid},
		{name: "Charge: no payment method", ctx: A, call: charge(w.aOrder, nil, "hostile"), want: invalid},
		{name: "Charge: empty payment method", ctx: A, call: charge(w.aOrder, &payment.PaymentMethodInput{}, "hostile"), want: invalid},
		{name: "Charge: empty order id", ctx: A, call: charge("", byToken(w.aCard), "hostile"), want: invalid},
		{name: "Charge: unknown order", ctx: A, call: charge("ord_0000", byToken(w.aCard), "hostile"), want: notFound},
		{name: "Charge: card exp_month 13", ctx: A, call: charge(w.aOrder, byCard(cardWith(func(c *payment.Card) { c.ExpMonth = 13 })), "hostile"), want: invalid},

		{name: "GetPayment: B's order", ctx: A, call: send(c.Payment.GetPayment, &payment.GetPaymentRequest{OrderId: w.bOrder}), want: notFound},
		{name: "GetPayment: B's payment", ctx: A, call: send(c.Payment.GetPayment, &payment.GetPaymentRequest{PaymentId: w.bPayment}), want: notFound},
		{name: "GetPayment: neither id", ctx: A, call: send(c.Payment.GetPayment, &payment.GetPaymentRequest{}), want: invalid},
		{name: "GetPayment: unknown payment", ctx: A, call: send(c.Payment.GetPayment, &payment.GetPaymentRequest{PaymentId: "pay_0000"}), want: notFound},

		{name: "Refund: own order, as a customer", ctx: A, call: refund(w.aOrder, nil, "hostile"), want: denied},
		{name: "Refund: no idempotency key", ctx: admin, call: refund(w.bOrder, usd(1), ""), want: invalid},
		{name: "Refund: amount 0", ctx: admin, call: refund(w.bOrder, usd(0), "hostile"), want: invalid},
		{name: "Refund: amount -1", ctx: admin, call: refund(w.bOrder, usd(-1), "hostile"), want: invalid},
		{name: "Refund: amount MinInt64", ctx: admin, call: refund(w.bOrder, usd(minInt), "hostile"), want: invalid},
		{name: "Refund: amount MaxInt64", ctx: admin, call: refund(w.bOrder, usd(maxInt), "hostile-max"), want: invalid},
		{name: "Refund: more than was paid", ctx: admin, call: refund(w.bOrder, usd(1251), "hostile-more"), want: invalid},
		{name: "Refund: amount in XXX", ctx: admin, call: refund(w.bOrder, cur(1, "XXX"), "hostile-xxx"), want: invalid},
		{name: "Refund: amount in EUR", ctx: admin, call: refund(w.bOrder, cur(1, "EUR"), "hostile-eur"), want: invalid},
		{name: "Refund: amount without a currency", ctx: admin, call: refund(w.bOrder, cur(1, ""), "hostile-none"), want: invalid},
		{name: "Refund: unknown order", ctx: admin, call: refund("ord_0000", nil, "hostile"), want: notFound},
		{name: "Refund: empty order id", ctx: admin, call: refund("", nil, "hostile"), want: invalid},

		{name: "ListPaymentLogs: B's order", ctx: A, call: send(c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{OrderId: w.bOrder}), want: notFound},
		{name: "ListPaymentLogs: B's payment", ctx: A, call: send(c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{PaymentId: w.bPayment}), want: notFound},
		{name: "ListPaymentLogs: neither id", ctx: A, call: send(c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{}), want: invalid},
		{name: "ListPaymentLogs: unknown order", ctx: A, call: send(c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{OrderId: "ord_0000"}), want: notFound},
	}
}
