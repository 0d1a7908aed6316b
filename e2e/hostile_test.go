package e2e_test

// The hostile-input suite: every method of the contract that a customer or
// an anonymous caller can reach, called over plain gRPC with inputs meant
// to break it: negative, zero and overflowing numbers, empty, oversized,
// control-character and invalid UTF-8 strings, unknown currencies and
// coupons, other customers' resources, and missing, stale, tampered,
// garbage and oversized tokens. Each row says the kind of refusal it
// expects, and the state the row could touch is read back before and
// after it: a refused request writes nothing.
//
// hostile_test.go: the world the rows act on, the runner, the test.
// hostile_methods_test.go: every method of the contract with a benign
// request, and the rows generated from it (credentials, access, the text
// rule on every string field).
// hostile_rows_test.go: the hand-written rows, grouped by the state they
// could touch.

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudwego/kitex/client/callopt"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/metadata"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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
	"github.com/tempomall/tempomall/internal/clients"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// Expected answers of the rows: the failure kinds as the gRPC status maps
// back to them, and accepted for the few hostile-looking inputs the
// contract accepts (they must still write nothing).
const (
	invalid      = apperr.InvalidArgument
	notFound     = apperr.NotFound
	exists       = apperr.AlreadyExists
	precondition = apperr.FailedPrecondition
	unauthentic  = apperr.Unauthenticated
	denied       = apperr.PermissionDenied
	accepted     = apperr.Kind(-1)
)

// maxAnswer bounds the length of a refusal's message: it quotes a short
// prefix of the input at most, however long the input.
const maxAnswer = 600

// row is one hostile request.
type row struct {
	// name says the method and what is hostile about the request.
	name string
	// ctx carries the caller's credentials (see world.anon, world.A, ...).
	ctx  context.Context
	call callFn
	want apperr.Kind
	// secret, when set, must not appear in the answer.
	secret string
	// leaves names the one entry of the state that the refusal changes,
	// as the contract wants; every other entry must stay as it was.
	leaves string
}

// group is rows that could touch the same state, with the reads of that
// state. Hand-written groups compare the state around every row;
// generated groups, whose rows are all refused before any handler runs,
// around the whole group.
type group struct {
	name    string
	state   func(t *testing.T) map[string]any
	perRow  bool
	rows    []row
	skipped int
}

// callFn is one call, made with a caller's context.
type callFn func(context.Context) error

// bind returns the call made with ctx.
func (f callFn) bind(ctx context.Context) func() error { return func() error { return f(ctx) } }

// send returns a call of a Kitex client method with req.
func send[Req, Resp any](m func(context.Context, Req, ...callopt.Option) (Resp, error), req Req) callFn {
	return func(ctx context.Context) error { _, err := m(ctx, req); return err }
}

// party is an account of the world with its session.
type party struct {
	id       int64
	name     string
	email    string
	password string
	tok      string
	refresh  string
	ctx      context.Context
}

// world is what the rows act on. A is the attacker, B the victim; each has
// a cart with units of P, a paid order, an open (draft) checkout and a
// saved card. Stock and payments are settled before the rows run, so
// that nothing changes the state but the rows.
type world struct {
	s     *stack
	c     *clients.Clients // gRPC clients
	anon  context.Context
	admin context.Context
	A, B  party
	// empty is a customer with nothing: an empty cart, no orders.
	empty party

	pid, inactivePID, deletedPID int64
	cat                          int64
	coupon                       string

	aOrder, bOrder string
	bPayment       string
	aDraft, bDraft string
	aCard, bCard   string
	// hostileCheckoutKey is the idempotency key of the generated Checkout
	// rows; checkoutKeys those of the hand-written ones.
	hostileCheckoutKey string
	checkoutKeys       []string

	// creds are bad credentials, by name, with the kind every method
	// answers them with.
	creds []cred
}

type cred struct {
	name string
	ctx  context.Context
	want apperr.Kind
}

// raw returns a context whose gRPC calls carry header as their
// authorization metadata, as it is: the client's own checks of
// rpc.WithToken are bypassed, so that the server sees what a hostile
// client sends.
func raw(header string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", header)
}

// newWorld builds the world on the shared stack.
func newWorld(t *testing.T, s *stack) *world {
	t.Helper()
	c, err := clients.New(s.cfg, clients.Options{GRPC: true})
	if err != nil {
		t.Fatal(err)
	}
	adminTok := s.admin(t)
	w := &world{s: s, c: c, anon: context.Background(), admin: as(adminTok), hostileCheckoutKey: "hostile"}

	cat, err := c.Product.CreateCategory(w.admin, &product.CreateCategoryRequest{Name: unique("Hostile ")})
	if err != nil {
		t.Fatalf("category: %v", err)
	}
	w.cat = cat.GetCategory().GetId()
	mk := func(status product.ProductStatus) int64 {
		p, err := c.Product.CreateProduct(w.admin, &product.CreateProductRequest{
			Name: unique("Hostile teapot "), Description: "made for the hostile-input suite", Price: s.money(1250),
			CategoryIds: []int64{w.cat}, Status: status, InitialStock: 10,
		})
		if err != nil {
			t.Fatalf("create product: %v", err)
		}
		return p.GetProduct().GetId()
	}
	w.pid = mk(product.ProductStatus_PRODUCT_STATUS_ACTIVE)
	w.inactivePID = mk(product.ProductStatus_PRODUCT_STATUS_INACTIVE)
	w.deletedPID = mk(product.ProductStatus_PRODUCT_STATUS_ACTIVE)
	if _, err := c.Product.DeleteProduct(w.admin, &product.DeleteProductRequest{Id: w.deletedPID}); err != nil {
		t.Fatal(err)
	}
	w.coupon = strings.ToUpper(unique("HOSTILE"))
	if _, err := c.Checkout.CreateCoupon(w.admin, &checkout.CreateCouponRequest{Coupon: &checkout.Coupon{
		Code: w.coupon, Kind: checkout.CouponKind_COUPON_KIND_PERCENT, PercentOff: 10,
	}}); err != nil {
		t.Fatalf("coupon: %v", err)
	}

	w.A, w.B, w.empty = w.newParty(t), w.newParty(t), w.newParty(t)
	// Each of A and B buys one unit, then puts units back in the cart,
	// keeps a draft checkout open and saves a card.
	for _, p := range []struct {
		who          *party
		order, draft *string
		card         *string
		qty          int64
	}{{&w.A, &w.aOrder, &w.aDraft, &w.aCard, 1}, {&w.B, &w.bOrder, &w.bDraft, &w.bCard, 2}} {
		s.addToCart(t, p.who.tok, w.pid, 1)
		co := s.checkout(t, p.who.tok, "paid", cardSucceeds)
		*p.order = co.GetOrderId()
		s.waitOrder(t, p.who.tok, co.GetOrderId(), paid, 20*time.Second)
		s.addToCart(t, p.who.tok, w.pid, p.qty)
		d, err := c.Checkout.Checkout(p.who.ctx, &checkout.CheckoutRequest{IdempotencyKey: "draft", Address: homeAddress, Draft: true})
		if err != nil {
			t.Fatalf("draft: %v", err)
		}
		*p.draft = d.GetCheckout().GetId()
		pm, err := c.Payment.CreatePaymentMethod(p.who.ctx, &payment.CreatePaymentMethodRequest{Card: cardInput(cardSucceeds).GetCard()})
		if err != nil {
			t.Fatalf("card: %v", err)
		}
		*p.card = pm.GetMethod().GetToken()
	}
	pay, err := c.Payment.GetPayment(w.B.ctx, &payment.GetPaymentRequest{OrderId: w.bOrder})
	if err != nil {
		t.Fatal(err)
	}
	w.bPayment = pay.GetPayment().GetId()
	w.settle(t)
	w.creds = w.badCredentials(t)
	return w
}

// newParty registers and logs in a customer.
func (w *world) newParty(t *testing.T) party {
	t.Helper()
	name := unique("hostile")
	p := party{name: name, email: name + "@example.com", password: "pass-word-1"}
	reg, err := w.s.clients.User.Register(context.Background(), &user.RegisterRequest{Email: p.email, Username: name, Password: p.password})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	p.id = reg.GetUser().GetId()
	tok := w.s.login(t, name, p.password)
	p.tok, p.refresh, p.ctx = tok.GetAccessToken(), tok.GetRefreshToken(), as(tok.GetAccessToken())
	return p
}

// settle waits until the paid orders' payment logs stop changing (the
// gateway's webhook and the reconciliation may both record), so that the
// rows find a quiet world.
func (w *world) settle(t *testing.T) {
	t.Helper()
	var last map[string]any
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		now := w.payments(t)
		if last != nil && cmp.Equal(now, last, sameTime) {
			return
		}
		last = now
	}
	t.Fatal("the payments of the world do not settle")
}

// badCredentials are the credentials every method must refuse: tokens
// that were never valid, that no longer are, that are not access tokens,
// and headers that are no bearer credential or too long to be one.
func (w *world) badCredentials(t *testing.T) []cred {
	t.Helper()
	ctx := context.Background()
	loggedOut := w.newParty(t)
	if _, err := w.c.User.Logout(loggedOut.ctx, &user.LogoutRequest{}); err != nil {
		t.Fatal(err)
	}
	revoked := w.newParty(t)
	if _, err := w.c.Auth.RevokeToken(revoked.ctx, &auth.RevokeTokenRequest{Token: revoked.tok}); err != nil {
		t.Fatal(err)
	}
	refresh := w.newParty(t)
	if _, err := w.c.Auth.VerifyToken(ctx, &auth.VerifyTokenRequest{Token: refresh.refresh}); err != nil {
		t.Fatalf("the refresh token is valid as such: %v", err)
	}
	return []cred{
		{"garbage token", as("garbage"), unauthentic},
		{"three garbage segments", as("a.b.c"), unauthentic},
		{`unsigned JWT (alg "none")`, as("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwidWlkIjoxfQ."), unauthentic},
		{"tampered signature", as(tamper(w.A.tok)), unauthentic},
		{"tampered claims", as(tamperClaims(w.A.tok)), unauthentic},
		{"access token after logout", loggedOut.ctx, unauthentic},
		{"revoked access token", revoked.ctx, unauthentic},
		{"refresh token as access token", as(refresh.refresh), unauthentic},
		{"Basic credentials", raw("Basic dXNlcjpwYXNz"), unauthentic},
		{"Bearer without a token", raw("Bearer"), unauthentic},
		{"5 KiB token", raw("Bearer " + strings.Repeat("A", 5<<10)), invalid},
		{"64 KiB token", raw("Bearer " + strings.Repeat("A", 64<<10)), invalid},
	}
}

// tamper flips one character in the middle of a JWT's signature.
func tamper(jwt string) string {
	i := strings.LastIndex(jwt, ".") + (len(jwt)-strings.LastIndex(jwt, "."))/2
	b := []byte(jwt)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// tamperClaims flips one character in the middle of a JWT's claims.
func tamperClaims(jwt string) string {
	first, last := strings.Index(jwt, "."), strings.LastIndex(jwt, ".")
	i := (first + last) / 2
	b := []byte(jwt)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// read calls a method and returns what the state comparison sees: the
// answer, or the kind of refusal.
func read[Req, Resp any](ctx context.Context, m func(context.Context, Req, ...callopt.Option) (Resp, error), req Req) any {
	resp, err := m(ctx, req)
	if err != nil {
		return "refused: " + apperr.KindOf(err).String()
	}
	return resp
}

// The reads of the state the rows could touch.

// accounts: both profiles, their sessions, and their role assignments.
func (w *world) accounts(t *testing.T) map[string]any {
	c := w.c
	return map[string]any{
		"user A":       read(w.A.ctx, c.User.GetUser, &user.GetUserRequest{}),
		"user B":       read(w.B.ctx, c.User.GetUser, &user.GetUserRequest{}),
		"session A":    read(w.anon, c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: w.A.tok}),
		"session B":    read(w.anon, c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: w.B.tok}),
		"refresh B":    read(w.anon, c.Auth.VerifyToken, &auth.VerifyTokenRequest{Token: w.B.refresh}),
		"policies":     read(w.admin, c.Auth.ListPolicies, &auth.ListPoliciesRequest{IncludeAssignments: true}),
		"signing keys": read(w.anon, c.Auth.GetSigningKeys, &auth.GetSigningKeysRequest{}),
	}
}

// catalog: the products, their stock, the categories and the coupons.
func (w *world) catalog(t *testing.T) map[string]any {
	c := w.c
	return map[string]any{
		"product":  read(w.anon, c.Product.GetProduct, &product.GetProductRequest{Id: w.pid}),
		"inactive": read(w.anon, c.Product.GetProduct, &product.GetProductRequest{Id: w.inactivePID}),
		"deleted":  read(w.anon, c.Product.GetProduct, &product.GetProductRequest{Id: w.deletedPID}),
		"stock":    read(w.anon, c.Product.GetStock, &product.GetStockRequest{ProductIds: []int64{w.pid, w.inactivePID, w.deletedPID}}),
		"newest": read(w.admin, c.Product.ListProducts, &product.ListProductsRequest{
			IncludeInactive: true, Page: &common.PageRequest{PageSize: 3},
		}),
		"categories": read(w.anon, c.Product.ListCategories, &product.ListCategoriesRequest{}),
		"coupons":    read(w.admin, c.Checkout.ListCoupons, &checkout.ListCouponsRequest{IncludeDisabled: true}),
	}
}

// carts: the three customers' carts.
func (w *world) carts(t *testing.T) map[string]any {
	c := w.c
	return map[string]any{
		"cart A":     read(w.A.ctx, c.Cart.GetCart, &cart.GetCartRequest{}),
		"cart B":     read(w.B.ctx, c.Cart.GetCart, &cart.GetCartRequest{}),
		"cart empty": read(w.empty.ctx, c.Cart.GetCart, &cart.GetCartRequest{}),
	}
}

// orders: the customers' orders and checkouts, the stock they hold, and
// the checkout the rows' idempotency key would create.
func (w *world) orders(t *testing.T) map[string]any {
	c := w.c
	out := map[string]any{
		"orders A":     read(w.A.ctx, c.Order.ListOrders, &order.ListOrdersRequest{}),
		"orders B":     read(w.B.ctx, c.Order.ListOrders, &order.ListOrdersRequest{}),
		"orders empty": read(w.empty.ctx, c.Order.ListOrders, &order.ListOrdersRequest{}),
		"draft A":      read(w.A.ctx, c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: w.aDraft}),
		"draft B":      read(w.B.ctx, c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: w.bDraft}),
		"stock":        read(w.anon, c.Product.GetStock, &product.GetStockRequest{ProductIds: []int64{w.pid}}),
	}
	for _, p := range []party{w.A, w.empty} {
		for _, key := range append([]string{w.hostileCheckoutKey}, w.checkoutKeys...) {
			id := orderwf.CheckoutID(p.id, key)
			out["checkout "+key+" of "+p.name] = read(p.ctx, c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: id})
		}
	}
	return out
}

// payments: the paid orders' payments and payment logs.
func (w *world) payments(t *testing.T) map[string]any {
	c := w.c
	return map[string]any{
		"payment A": read(w.A.ctx, c.Payment.GetPayment, &payment.GetPaymentRequest{OrderId: w.aOrder}),
		"payment B": read(w.B.ctx, c.Payment.GetPayment, &payment.GetPaymentRequest{OrderId: w.bOrder}),
		"logs A":    read(w.A.ctx, c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{OrderId: w.aOrder}),
		"logs B":    read(w.B.ctx, c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{OrderId: w.bOrder}),
		"order A":   read(w.A.ctx, c.Order.GetOrder, &order.GetOrderRequest{OrderId: w.aOrder}),
		"order B":   read(w.B.ctx, c.Order.GetOrder, &order.GetOrderRequest{OrderId: w.bOrder}),
		"card A":    read(w.A.ctx, c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: w.aCard}),
		"card B":    read(w.B.ctx, c.Payment.GetPaymentMethod, &payment.GetPaymentMethodRequest{Token: w.bCard}),
	}
}

// everything reads all of the above.
func (w *world) everything(t *testing.T) map[string]any {
	out := map[string]any{}
	for name, part := range map[string]func(*testing.T) map[string]any{
		"accounts": w.accounts, "catalog": w.catalog, "carts": w.carts, "orders": w.orders, "payments": w.payments,
	} {
		for k, v := range part(t) {
			out[name+": "+k] = v
		}
	}
	return out
}

// state combines reads.
func state(parts ...func(*testing.T) map[string]any) func(*testing.T) map[string]any {
	return func(t *testing.T) map[string]any {
		out := map[string]any{}
		for _, p := range parts {
			for k, v := range p(t) {
				out[k] = v
			}
		}
		return out
	}
}

var sameTime = cmp.Comparer(func(a, b *timestamppb.Timestamp) bool { return a.AsTime().Equal(b.AsTime()) })

// check compares a row's answer with what it expects.
func (r row) check(t *testing.T, err error) {
	t.Helper()
	if r.want == accepted {
		if err != nil {
			t.Errorf("%s: refused with %v (%v), want it accepted", r.name, err, apperr.KindOf(err))
		}
		return
	}
	if err == nil {
		t.Errorf("%s: accepted, want %v", r.name, r.want)
		return
	}
	if got := apperr.KindOf(err); got != r.want {
		t.Errorf("%s: answered %v: %v; want %v", r.name, got, err, r.want)
	}
	if n := len(err.Error()); n > maxAnswer {
		t.Errorf("%s: the answer is %d bytes long: %.100q...", r.name, n, err.Error())
	}
	if r.secret != "" && strings.Contains(err.Error(), r.secret) {
		t.Errorf("%s: the answer quotes the secret: %v", r.name, err)
	}
}

// run runs a group's rows and compares the state they could touch.
func (g group) run(t *testing.T) {
	t.Run(g.name, func(t *testing.T) {
		before := g.state(t)
		for _, r := range g.rows {
			t.Run(r.name, func(t *testing.T) {
				if g.perRow {
					before = g.state(t)
				}
				r.check(t, r.call(r.ctx))
				if g.perRow {
					ignore := cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == r.leaves })
					if d := cmp.Diff(before, g.state(t), sameTime, ignore); d != "" {
						t.Errorf("%s wrote (-before +after):\n%s", r.name, d)
					}
				}
			})
		}
		if !g.perRow {
			if d := cmp.Diff(before, g.state(t), sameTime); d != "" {
				t.Errorf("the rows of %s wrote (-before +after):\n%s", g.name, d)
			}
		}
	})
}

// TestHostileInput runs the hostile table against the full system, then
// checks that every service still answers and that no process logged a
// panic.
func TestHostileInput(t *testing.T) {
	s := fullStack(t)
	logs := &lockedBuffer{}
	klog.SetOutput(logs)
	t.Cleanup(func() { klog.SetOutput(os.Stderr) })

	w := newWorld(t, s)
	groups := append(w.generatedGroups(t), w.rowGroups()...)
	rows, methods := 0, map[string]bool{}
	for _, g := range groups {
		g.run(t)
		rows += len(g.rows)
	}
	for _, e := range w.endpoints() {
		methods[e.service+"."+e.method] = true
	}
	t.Logf("%d rows in %d groups over %d methods", rows, len(groups), len(methods))

	w.stillAnswers(t)
	klog.Warnf("the hostile rows are done")
	out := logs.String()
	if !strings.Contains(out, "the hostile rows are done") {
		t.Fatal("the log was not captured")
	}
	if m := regexp.MustCompile(`(?i).{0,200}panic.{0,200}`).FindString(out); m != "" {
		t.Errorf("a service logged a panic: %s", m)
	}
}

// stillAnswers makes one ordinary call to every service.
func (w *world) stillAnswers(t *testing.T) {
	t.Helper()
	c := w.c
	for name, call := range map[string]func() error{
		"user":     send(c.User.GetUser, &user.GetUserRequest{}).bind(w.A.ctx),
		"auth":     send(c.Auth.GetSigningKeys, &auth.GetSigningKeysRequest{}).bind(w.anon),
		"product":  send(c.Product.GetProduct, &product.GetProductRequest{Id: w.pid}).bind(w.anon),
		"cart":     send(c.Cart.GetCart, &cart.GetCartRequest{}).bind(w.B.ctx),
		"checkout": send(c.Checkout.GetCheckout, &checkout.GetCheckoutRequest{CheckoutId: w.bDraft}).bind(w.B.ctx),
		"order":    send(c.Order.GetOrder, &order.GetOrderRequest{OrderId: w.bOrder}).bind(w.B.ctx),
		"payment":  send(c.Payment.ListPaymentLogs, &payment.ListPaymentLogsRequest{OrderId: w.bOrder}).bind(w.B.ctx),
	} {
		if err := call(); err != nil {
			t.Errorf("after the hostile rows, %s does not answer: %v", name, err)
		}
	}
}
