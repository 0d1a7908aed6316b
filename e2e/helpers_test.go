package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/gateway/testcards"
)

// Test cards of the payment sandbox.
const (
	cardSucceeds = testcards.Succeeds
	cardDeclines = testcards.Declines
	cardSilent   = testcards.NoWebhook    // succeeds, never calls back
	cardHangs    = testcards.NeverSettles // never settles
)

func unique(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// customer registers and logs in a new customer; it returns the account
// id and access token.
func (s *stack) customer(t *testing.T) (int64, string) {
	t.Helper()
	name := unique("cust")
	ctx := context.Background()
	if _, err := s.clients.User.Register(ctx, &user.RegisterRequest{Email: name + "@example.com", Username: name, Password: "pass-word-1"}); err != nil {
		t.Fatalf("register: %v", err)
	}
	resp, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: name, Password: "pass-word-1"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return resp.GetUser().GetId(), resp.GetTokens().GetAccessToken()
}

// admin makes sure the configured admin (s.cfg.AdminEmail and
// AdminPassword) exists, as `make dev` does, and logs it in.
func (s *stack) admin(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	svc := s.run.Clients
	if _, err := app.EnsureAdmin(ctx, svc, s.cfg.AdminEmail, s.cfg.AdminPassword); err != nil {
		t.Fatalf("seed admin: %v", err)
	}
	resp, err := s.clients.User.Login(ctx, &user.LoginRequest{Login: s.cfg.AdminEmail, Password: s.cfg.AdminPassword})
	if err != nil {
		t.Fatalf("admin login: %v", err)
	}
	return resp.GetTokens().GetAccessToken()
}

// product creates an active product with stock, as admin.
func (s *stack) product(t *testing.T, adminTok string, price, stock int64) int64 {
	t.Helper()
	return s.namedProduct(t, adminTok, unique("Teacup "), price, stock)
}

// namedProduct creates an active product called name with stock, as
// admin; price is in the catalog currency.
func (s *stack) namedProduct(t *testing.T, adminTok, name string, price, stock int64) int64 {
	t.Helper()
	resp, err := s.clients.Product.CreateProduct(as(adminTok), &product.CreateProductRequest{
		Name: name, Description: name + ", made for the end-to-end tests", PictureUrl: "https://example.com/product.png",
		Price: s.money(price), InitialStock: stock,
	})
	if err != nil {
		t.Fatalf("create product %s: %v", name, err)
	}
	return resp.GetProduct().GetId()
}

// money is an amount in the catalog currency.
func (s *stack) money(amount int64) *common.Money {
	return &common.Money{Amount: amount, Currency: s.cfg.CatalogCurrency}
}

func (s *stack) addToCart(t *testing.T, tok string, productID, qty int64) {
	t.Helper()
	if _, err := s.clients.Cart.AddItem(as(tok), &cart.AddItemRequest{ProductId: productID, Quantity: qty}); err != nil {
		t.Fatalf("add to cart: %v", err)
	}
}

var homeAddress = &common.Address{Recipient: "Ada Lovelace", Phone: "+44 20 7946 0123", Street: "12 St James's Square", City: "London", Country: "GB", ZipCode: "SW1Y 4JH"}

func cardInput(number string) *payment.PaymentMethodInput {
	return &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: &payment.Card{
		Number: number, ExpMonth: 12, ExpYear: int32(time.Now().Year() + 2), Cvv: "123", HolderName: "Ada Lovelace",
	}}}
}

// checkout checks the cart out with a card (or none when number is "").
func (s *stack) checkout(t *testing.T, tok, key, number string) *checkout.Checkout {
	t.Helper()
	var pm *payment.PaymentMethodInput
	if number != "" {
		pm = cardInput(number)
	}
	return s.checkoutWith(t, tok, key, pm)
}

// checkoutWith checks the cart out paying with pm (none when nil).
func (s *stack) checkoutWith(t *testing.T, tok, key string, pm *payment.PaymentMethodInput) *checkout.Checkout {
	t.Helper()
	req := &checkout.CheckoutRequest{IdempotencyKey: key, Address: homeAddress, PaymentMethod: pm}
	resp, err := s.clients.Checkout.Checkout(as(tok), req)
	if err != nil {
		t.Fatalf("checkout: %v", err)
	}
	return resp.GetCheckout()
}

// waitOrder polls an order until it reaches status, or fails the test.
func (s *stack) waitOrder(t *testing.T, tok, id string, status order.OrderStatus, within time.Duration) *order.Order {
	t.Helper()
	deadline := time.Now().Add(within)
	var last *order.Order
	for time.Now().Before(deadline) {
		resp, err := s.clients.Order.GetOrder(as(tok), &order.GetOrderRequest{OrderId: id})
		if err != nil {
			t.Fatalf("get order: %v", err)
		}
		last = resp.GetOrder()
		if last.GetStatus() == status {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("order %s is %v (payment %v), want %v after %s", id, last.GetStatus(), last.GetPaymentStatus(), status, within)
	return nil
}

// stock returns a product's stock levels, as admin.
func (s *stack) stock(t *testing.T, adminTok string, id int64) *product.StockLevel {
	t.Helper()
	resp, err := s.clients.Product.GetStock(as(adminTok), &product.GetStockRequest{ProductIds: []int64{id}})
	if err != nil || len(resp.GetLevels()) != 1 {
		t.Fatalf("get stock: %v", err)
	}
	return resp.GetLevels()[0]
}

// freeAddr returns a loopback address nothing listens on, for a process
// the test starts later. Its port is below the kernel's ephemeral range
// (32768 and up on Linux): a port the kernel handed out for a moment
// (":0") may be given to some process's outgoing connection before the
// test's process binds it, and the start then fails with "address
// already in use".
func freeAddr(t *testing.T) string {
	t.Helper()
	const low, high = 20000, 32000
	for range 100 {
		addr := fmt.Sprintf("127.0.0.1:%d", low+mrand.IntN(high-low))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			continue // taken
		}
		_ = ln.Close()
		return addr
	}
	t.Fatalf("no free port in %d-%d", low, high)
	return ""
}
