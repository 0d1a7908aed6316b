package e2e_test

// Every method of the contract with a benign request, and the rows
// generated from them: bad credentials on every method, callers below a
// method's access class, and the text rule on every string field of every
// request a customer or an anonymous caller can send.

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudwego/kitex/client/callopt"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/contract"
	"github.com/tempomall/tempomall/internal/rpc"
	"github.com/tempomall/tempomall/internal/text"
	authsvc "github.com/tempomall/tempomall/services/auth"
)

// endpoint is one method of the contract: a benign request (base builds a
// new one each time) and the call.
type endpoint struct {
	service, method string
	base            func() any
	call            func(ctx context.Context, req any) error
}

func ep[Req, Resp any](service, method string, m func(context.Context, Req, ...callopt.Option) (Resp, error), base func() Req) endpoint {
	return endpoint{
		service: service, method: method,
		base: func() any { return base() },
		call: func(ctx context.Context, req any) error { _, err := m(ctx, req.(Req)); return err },
	}
}

// with returns the call of the endpoint with req.
func (e endpoint) with(req any) callFn {
	return func(ctx context.Context) error { return e.call(ctx, req) }
}

// Access classes of the endpoints: who is the least privileged caller
// the guard admits.
const (
	levelPublic   = "public"
	levelCustomer = "customer"
	levelAdmin    = "admin"
	levelInternal = "internal"
)

// level returns the endpoint's access class: public and internal methods
// as the contract declares them, protected ones by the default policy.
func (e endpoint) level() string {
	access, _ := authn.AccessOf(e.service, e.method)
	switch {
	case access == authn.Public:
		return levelPublic
	case access == authn.Internal:
		return levelInternal
	case slices.Contains(authsvc.DefaultPolicy, [3]string{"customer", e.service, e.method}):
		return levelCustomer
	}
	return levelAdmin
}

// caller returns the least privileged caller the guard admits to e (nil
// for internal methods: no outside caller).
func (w *world) caller(e endpoint) context.Context {
	switch e.level() {
	case levelPublic:
		return w.anon
	case levelCustomer:
		return w.A.ctx
	case levelAdmin:
		return w.admin
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// nowhere is an id no resource has.
const nowhere = int64(1) << 40

func address() *common.Address {
	return &common.Address{Recipient: "Ada Lovelace", Phone: "+44 20 7946 0000", Street: "12 St James's Square",
		City: "London", State: "Westminster", Country: "GB", ZipCode: "SW1Y 4JH"}
}

// endpoints are the methods of the contract. The benign requests name
// resources that make them harmless if a row's request were admitted by
// mistake (an unknown id, another customer's order, an invalid amount):
// the state comparison would still show it.
func (w *world) endpoints() []endpoint {
	c := w.c
	year := int32(time.Now().Year() + 2)
	badCard := func() *payment.Card {
		return &payment.Card{Number: "4242 4242 4242 4241", ExpMonth: 12, ExpYear: year, Cvv: "123", HolderName: "Ada Lovelace"}
	}
	return []endpoint{
		ep(config.User, "Register", c.User.Register, func() *user.RegisterRequest {
			return &user.RegisterRequest{Email: "hostile-base@example.com", Username: "hostile_base", Password: "short"}
		}),
		ep(config.User, "Login", c.User.Login, func() *user.LoginRequest {
			return &user.LoginRequest{Login: "hostile-base@example.com", Password: "pass-word-1"}
		}),
		ep(config.User, "Logout", c.User.Logout, func() *user.LogoutRequest { return &user.LogoutRequest{RefreshToken: "x.y.z"} }),
		ep(config.User, "GetUser", c.User.GetUser, func() *user.GetUserRequest { return &user.GetUserRequest{UserId: w.B.id} }),
		ep(config.User, "UpdateUser", c.User.UpdateUser, func() *user.UpdateUserRequest {
			return &user.UpdateUserRequest{UserId: w.B.id, Username: ptr("hostile_x"), Email: ptr("x@example.com"),
				NewPassword: ptr("pass-word-2"), OldPassword: "pass-word-1"}
		}),

		ep(config.Auth, "IssueTokens", c.Auth.IssueTokens, func() *auth.IssueTokensRequest { return &auth.IssueTokensRequest{UserId: w.B.id} }),
		ep(config.Auth, "IssueServiceToken", c.Auth.IssueServiceToken, func() *auth.IssueServiceTokenRequest {
			return &auth.IssueServiceTokenRequest{ClientId: "worker", ClientSecret: "not-the-secret"}
		}),
		ep(config.Auth, "VerifyToken", c.Auth.VerifyToken, func() *auth.VerifyTokenRequest { return &auth.VerifyTokenRequest{Token: "x.y.z"} }),
		ep(config.Auth, "RefreshToken", c.Auth.RefreshToken, func() *auth.RefreshTokenRequest { return &auth.RefreshTokenRequest{RefreshToken: "x.y.z"} }),
		ep(config.Auth, "RevokeToken", c.Auth.RevokeToken, func() *auth.RevokeTokenRequest { return &auth.RevokeTokenRequest{Token: w.B.tok} }),
		ep(config.Auth, "RevokeUserSessions", c.Auth.RevokeUserSessions, func() *auth.RevokeUserSessionsRequest {
			return &auth.RevokeUserSessionsRequest{UserId: nowhere, ExceptSessionId: "ses_x"}
		}),
		ep(config.Auth, "ListRevocations", c.Auth.ListRevocations, func() *auth.ListRevocationsRequest { return &auth.ListRevocationsRequest{Limit: 1} }),
		ep(config.Auth, "GetSigningKeys", c.Auth.GetSigningKeys, func() *auth.GetSigningKeysRequest { return &auth.GetSigningKeysRequest{} }),
		ep(config.Auth, "CheckPermission", c.Auth.CheckPermission, func() *auth.CheckPermissionRequest {
			return &auth.CheckPermissionRequest{Role: "customer", Service: "order", Method: "GetOrder"}
		}),
		ep(config.Auth, "AssignRole", c.Auth.AssignRole, func() *auth.AssignRoleRequest {
			return &auth.AssignRoleRequest{UserId: nowhere, Role: "admin"}
		}),
		ep(config.Auth, "RevokeRole", c.Auth.RevokeRole, func() *auth.RevokeRoleRequest {
			return &auth.RevokeRoleRequest{UserId: nowhere, Role: "admin"}
		}),
		ep(config.Auth, "AddPolicy", c.Auth.AddPolicy, func() *auth.AddPolicyRequest {
			return &auth.AddPolicyRequest{Policy: &auth.Policy{Role: "customer", Service: "product", Method: "NoSuchMethod"}}
		}),
		ep(config.Auth, "RemovePolicy", c.Auth.RemovePolicy, func() *auth.RemovePolicyRequest {
			return &auth.RemovePolicyRequest{Policy: &auth.Policy{Role: "customer", Service: "product", Method: "NoSuchMethod"}}
		}),
		ep(config.Auth, "ListPolicies", c.Auth.ListPolicies, func() *auth.ListPoliciesRequest { return &auth.ListPoliciesRequest{Role: "customer"} }),

		ep(config.Product, "CreateProduct", c.Product.CreateProduct, func() *product.CreateProductRequest {
			return &product.CreateProductRequest{Name: "Hostile base", Description: "never created", PictureUrl: "https://example.com/p.png",
				Price: &common.Money{Amount: -1, Currency: "USD"}, IdempotencyKey: "hostile-base"}
		}),
		ep(config.Product, "GetProduct", c.Product.GetProduct, func() *product.GetProductRequest { return &product.GetProductRequest{Id: w.pid} }),
		ep(config.Product, "BatchGetProducts", c.Product.BatchGetProducts, func() *product.BatchGetProductsRequest {
			return &product.BatchGetProductsRequest{Ids: []int64{w.pid}}
		}),
		ep(config.Product, "UpdateProduct", c.Product.UpdateProduct, func() *product.UpdateProductRequest {
			return &product.UpdateProductRequest{Id: nowhere, Name: ptr("Renamed"), Description: ptr("d"), PictureUrl: ptr("https://example.com/q.png"),
				Price: &common.Money{Amount: 1, Currency: "USD"}}
		}),
		ep(config.Product, "DeleteProduct", c.Product.DeleteProduct, func() *product.DeleteProductRequest { return &product.DeleteProductRequest{Id: nowhere} }),
		ep(config.Product, "ListProducts", c.Product.ListProducts, func() *product.ListProductsRequest {
			return &product.ListProductsRequest{Page: &common.PageRequest{PageSize: 1}}
		}),
		ep(config.Product, "SearchProducts", c.Product.SearchProducts, func() *product.SearchProductsRequest {
			return &product.SearchProductsRequest{Query: "teapot", Page: &common.PageRequest{PageSize: 1}}
		}),
		ep(config.Product, "CreateCategory", c.Product.CreateCategory, func() *product.CreateCategoryRequest {
			return &product.CreateCategoryRequest{Name: "Hostile base", Description: "never created", ParentId: nowhere}
		}),
		ep(config.Product, "GetCategory", c.Product.GetCategory, func() *product.GetCategoryRequest { return &product.GetCategoryRequest{Id: w.cat} }),
		ep(config.Product, "UpdateCategory", c.Product.UpdateCategory, func() *product.UpdateCategoryRequest {
			return &product.UpdateCategoryRequest{Id: nowhere, Name: ptr("Renamed"), Description: ptr("d")}
		}),
		ep(config.Product, "DeleteCategory", c.Product.DeleteCategory, func() *product.DeleteCategoryRequest { return &product.DeleteCategoryRequest{Id: nowhere} }),
		ep(config.Product, "ListCategories", c.Product.ListCategories, func() *product.ListCategoriesRequest { return &product.ListCategoriesRequest{} }),
		ep(config.Product, "GetStock", c.Product.GetStock, func() *product.GetStockRequest { return &product.GetStockRequest{ProductIds: []int64{w.pid}} }),
		ep(config.Product, "ReserveStock", c.Product.ReserveStock, func() *product.ReserveStockRequest {
			return &product.ReserveStockRequest{OrderId: "hostile", Items: []*product.StockItem{{ProductId: w.pid, Quantity: 1}}}
		}),
		ep(config.Product, "GetReservation", c.Product.GetReservation, func() *product.GetReservationRequest { return &product.GetReservationRequest{OrderId: w.bOrder} }),
		ep(config.Product, "ReleaseStock", c.Product.ReleaseStock, func() *product.ReleaseStockRequest { return &product.ReleaseStockRequest{OrderId: w.bOrder} }),
		ep(config.Product, "CommitStock", c.Product.CommitStock, func() *product.CommitStockRequest { return &product.CommitStockRequest{OrderId: w.bOrder} }),
		ep(config.Product, "ReturnStock", c.Product.ReturnStock, func() *product.ReturnStockRequest { return &product.ReturnStockRequest{OrderId: w.bOrder} }),
		ep(config.Product, "AdjustStock", c.Product.AdjustStock, func() *product.AdjustStockRequest {
			return &product.AdjustStockRequest{ProductId: nowhere, Delta: 1, Reason: "restock", IdempotencyKey: "hostile-base"}
		}),

		ep(config.Cart, "AddItem", c.Cart.AddItem, func() *cart.AddItemRequest {
			return &cart.AddItemRequest{ProductId: w.deletedPID, Quantity: 1, IdempotencyKey: "hostile-base"}
		}),
		ep(config.Cart, "GetCart", c.Cart.GetCart, func() *cart.GetCartRequest { return &cart.GetCartRequest{UserId: w.B.id} }),
		ep(config.Cart, "EmptyCart", c.Cart.EmptyCart, func() *cart.EmptyCartRequest { return &cart.EmptyCartRequest{UserId: w.B.id} }),
		ep(config.Cart, "UpdateItem", c.Cart.UpdateItem, func() *cart.UpdateItemRequest {
			return &cart.UpdateItemRequest{UserId: w.B.id, ProductId: w.pid, Quantity: 5}
		}),
		ep(config.Cart, "RemoveItem", c.Cart.RemoveItem, func() *cart.RemoveItemRequest { return &cart.RemoveItemRequest{UserId: w.B.id, ProductId: w.pid} }),
		ep(config.Cart, "RemoveOrderedItems", c.Cart.RemoveOrderedItems, func() *cart.RemoveOrderedItemsRequest {
			return &cart.RemoveOrderedItemsRequest{UserId: w.B.id, OrderId: "hostile", Items: []*cart.OrderedItem{{ProductId: w.pid, Quantity: 1}}}
		}),

		ep(config.Checkout, "Checkout", c.Checkout.Checkout, func() *checkout.CheckoutRequest {
			return &checkout.CheckoutRequest{IdempotencyKey: w.hostileCheckoutKey, Address: address(), Currency: "XXX", CouponCode: "NO-SUCH-COUPON",
				PaymentMethod:   &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Token{Token: w.bCard}},
				ExpectedPayable: &common.Money{Amount: 1, Currency: "USD"}}
		}),
		ep(config.Checkout, "GetCheckout", c.Checkout.GetCheckout, func() *checkout.GetCheckoutRequest {
			return &checkout.GetCheckoutRequest{CheckoutId: w.bDraft}
		}),
		ep(config.Checkout, "UpdateCheckout", c.Checkout.UpdateCheckout, func() *checkout.UpdateCheckoutRequest {
			return &checkout.UpdateCheckoutRequest{CheckoutId: w.bDraft, Address: address(), CouponCode: ptr("NO-SUCH-COUPON"), Currency: ptr("EUR")}
		}),
		ep(config.Checkout, "DeleteCheckout", c.Checkout.DeleteCheckout, func() *checkout.DeleteCheckoutRequest {
			return &checkout.DeleteCheckoutRequest{CheckoutId: w.bDraft}
		}),
		ep(config.Checkout, "CreateCoupon", c.Checkout.CreateCoupon, func() *checkout.CreateCouponRequest {
			return &checkout.CreateCouponRequest{Coupon: &checkout.Coupon{Code: "HOSTILE-BASE", Kind: checkout.CouponKind_COUPON_KIND_FIXED,
				AmountOff: &common.Money{Amount: -1, Currency: "USD"}, MinSpend: &common.Money{Amount: 1, Currency: "USD"}}}
		}),
		ep(config.Checkout, "DisableCoupon", c.Checkout.DisableCoupon, func() *checkout.DisableCouponRequest {
			return &checkout.DisableCouponRequest{Code: "NO-SUCH-COUPON"}
		}),
		ep(config.Checkout, "ListCoupons", c.Checkout.ListCoupons, func() *checkout.ListCouponsRequest { return &checkout.ListCouponsRequest{} }),

		ep(config.Order, "PlaceOrder", c.Order.PlaceOrder, func() *order.PlaceOrderRequest {
			return &order.PlaceOrderRequest{OrderId: "hostile", UserId: w.B.id, Items: []*order.PlaceOrderItem{{ProductId: w.pid, Quantity: 1}},
				Address: address(), Currency: "USD", CouponCode: w.coupon, PaymentMethodToken: w.bCard, CheckoutId: "co_hostile",
				ExpectedTotal: &common.Money{Amount: 1, Currency: "USD"}}
		}),
		ep(config.Order, "GetOrder", c.Order.GetOrder, func() *order.GetOrderRequest { return &order.GetOrderRequest{OrderId: w.bOrder} }),
		ep(config.Order, "ListOrders", c.Order.ListOrders, func() *order.ListOrdersRequest {
			return &order.ListOrdersRequest{UserId: w.B.id, Page: &common.PageRequest{PageSize: 1}}
		}),
		ep(config.Order, "UpdateOrderAddress", c.Order.UpdateOrderAddress, func() *order.UpdateOrderAddressRequest {
			return &order.UpdateOrderAddressRequest{OrderId: w.bOrder, Address: address()}
		}),
		ep(config.Order, "CancelOrder", c.Order.CancelOrder, func() *order.CancelOrderRequest {
			return &order.CancelOrderRequest{OrderId: w.bOrder, Reason: "hostile", CancelPayment: true}
		}),

		ep(config.Payment, "CreatePaymentMethod", c.Payment.CreatePaymentMethod, func() *payment.CreatePaymentMethodRequest {
			return &payment.CreatePaymentMethodRequest{Card: badCard()}
		}),
		ep(config.Payment, "GetPaymentMethod", c.Payment.GetPaymentMethod, func() *payment.GetPaymentMethodRequest {
			return &payment.GetPaymentMethodRequest{Token: w.bCard}
		}),
		ep(config.Payment, "Charge", c.Payment.Charge, func() *payment.ChargeRequest {
			return &payment.ChargeRequest{OrderId: w.bOrder, IdempotencyKey: "hostile-base",
				PaymentMethod: &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: badCard()}}}
		}),
		ep(config.Payment, "GetPayment", c.Payment.GetPayment, func() *payment.GetPaymentRequest {
			return &payment.GetPaymentRequest{PaymentId: w.bPayment, OrderId: w.bOrder}
		}),
		ep(config.Payment, "Refund", c.Payment.Refund, func() *payment.RefundRequest {
			return &payment.RefundRequest{OrderId: w.bOrder, Amount: &common.Money{Amount: -1, Currency: "USD"}, Reason: "hostile", IdempotencyKey: "hostile-base"}
		}),
		ep(config.Payment, "ListPaymentLogs", c.Payment.ListPaymentLogs, func() *payment.ListPaymentLogsRequest {
			return &payment.ListPaymentLogsRequest{OrderId: w.bOrder, PaymentId: w.bPayment}
		}),
	}
}

// TestHostileTableCoversTheContract checks, without a running system,
// that the hostile suite knows every method of the contract, so that a
// new method cannot escape it.
func TestHostileTableCoversTheContract(t *testing.T) {
	c, err := clients.New(config.Default(t.TempDir()), clients.Options{GRPC: true})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{c: c}
	var have, want []string
	for _, e := range w.endpoints() {
		have = append(have, e.service+"."+e.method)
		if _, err := authn.AccessOf(e.service, e.method); err != nil {
			t.Errorf("%s.%s: %v", e.service, e.method, err)
		}
	}
	for _, s := range authn.Services() {
		for _, m := range contract.Methods(s) {
			want = append(want, s+"."+m)
		}
	}
	slices.Sort(have)
	if !slices.Equal(have, want) {
		t.Errorf("the hostile suite's methods:\n%v\nthe contract's:\n%v", have, want)
	}
}

// generatedGroups are the rows generated from the endpoints.
func (w *world) generatedGroups(t *testing.T) []group {
	eps := w.endpoints()
	var creds, access, texts []row
	for _, e := range eps {
		name := e.service + "." + e.method
		// Bad credentials: refused by the guard, on public methods too.
		for _, c := range w.creds {
			creds = append(creds, row{name: name + ": " + c.name, ctx: c.ctx, call: e.with(e.base()), want: c.want})
		}
		// Callers below the method's access class.
		level := e.level()
		if level != levelPublic {
			access = append(access, row{name: name + ": anonymous", ctx: w.anon, call: e.with(e.base()), want: unauthentic})
		}
		if level == levelAdmin || level == levelInternal {
			access = append(access, row{name: name + ": a customer", ctx: w.A.ctx, call: e.with(e.base()), want: denied})
		}
		if level == levelInternal {
			access = append(access, row{name: name + ": an admin", ctx: w.admin, call: e.with(e.base()), want: denied})
			continue // no outside caller reaches its fields
		}
		// The text rule on every string field, as the least privileged
		// caller the guard admits.
		for _, f := range stringFieldsOf(e.base()) {
			for _, v := range hostileStrings(f.rule) {
				req := e.base()
				f.set(req, v.value)
				r := row{name: fmt.Sprintf("%s %s: %s", name, f.path, v.name), ctx: w.caller(e), call: e.with(req), want: invalid}
				if f.rule.Secret {
					r.secret = v.mark
				}
				texts = append(texts, r)
			}
		}
	}
	return []group{
		{name: "credentials", state: w.everything, rows: creds},
		{name: "access", state: w.everything, rows: access},
		{name: "text rule", state: w.everything, rows: texts},
	}
}

// hostileString is a value that breaks the text rule; mark is a part of
// it that a quote of it would show.
type hostileString struct{ name, value, mark string }

// hostileStrings are the values that break rule r.
func hostileStrings(r text.Rule) []hostileString {
	max := r.Max
	if max == 0 {
		max = text.DefaultMax
	}
	out := []hostileString{
		{fmt.Sprintf("%d characters", max+1), strings.Repeat("é", max+1), "éééé"},
		{"100 000 characters", strings.Repeat("Zq7h0st ", 12_500), "Zq7h0st"},
		{"NUL", "Zq7x\x00y", "Zq7x"},
		{"ESC sequence", "Zq7x\x1b[2Jy", "Zq7x"},
		{"DEL", "Zq7x\x7fy", "Zq7x"},
		{"C1 control", "Zq7x\u0085y", "Zq7x"},
		{"invalid UTF-8", "Zq7x\xffy", "Zq7x"},
	}
	if !r.Multiline {
		out = append(out, hostileString{"line break", "Zq7x\ny", "Zq7x"})
	}
	return out
}

// stringField is a string field of a request message, nested messages
// and oneof members included.
type stringField struct {
	path string
	rule text.Rule
	// steps are the struct field indexes from the request to the field.
	steps []int
}

// stringFieldsOf walks a request and returns its string fields. Nested
// messages that are unset are walked too (set sets them); a oneof only
// through the member that is set.
func stringFieldsOf(req any) []stringField {
	var out []stringField
	walkStrings(reflect.ValueOf(req).Elem(), "", nil, &out)
	return out
}

func walkStrings(v reflect.Value, path string, steps []int, out *[]stringField) {
	t := v.Type()
	msg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:] + "." + t.Name()
	for i := 0; i < t.NumField(); i++ {
		sf, fv := t.Field(i), v.Field(i)
		if !sf.IsExported() {
			continue
		}
		at := append(slices.Clone(steps), i)
		if _, ok := sf.Tag.Lookup("protobuf_oneof"); ok {
			if !fv.IsNil() {
				walkStrings(fv.Elem().Elem(), path, at, out)
			}
			continue
		}
		name := ""
		for _, part := range strings.Split(sf.Tag.Get("protobuf"), ",") {
			if n, ok := strings.CutPrefix(part, "name="); ok {
				name = n
			}
		}
		if name == "" {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		ft := fv.Type()
		switch {
		case ft.Kind() == reflect.String || (ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.String):
			*out = append(*out, stringField{path: p, rule: rpc.FieldRules[msg+"."+name], steps: at})
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct && strings.Contains(ft.Elem().PkgPath(), "/kitex_gen/"):
			if fv.IsNil() {
				fv = reflect.New(ft.Elem())
			}
			walkStrings(fv.Elem(), p, at, out)
		}
	}
}

// set sets the field in req, creating the messages on the way.
func (f stringField) set(req any, s string) {
	v := reflect.ValueOf(req).Elem()
	for _, i := range f.steps[:len(f.steps)-1] {
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Interface: // a oneof: its member's wrapper
			v = fv.Elem().Elem()
		case reflect.Pointer:
			if fv.IsNil() {
				fv.Set(reflect.New(fv.Type().Elem()))
			}
			v = fv.Elem()
		}
	}
	fv := v.Field(f.steps[len(f.steps)-1])
	if fv.Kind() == reflect.String {
		fv.SetString(s)
	} else {
		fv.Set(reflect.ValueOf(&s))
	}
}
