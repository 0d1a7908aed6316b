package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/rpc"
)

// EnsureAdmin makes sure an admin account with the configured email and
// password exists: it registers it if needed and grants it the admin role
// with the process's service credential. It returns the account id.
func EnsureAdmin(ctx context.Context, c *clients.Clients, email, password string) (int64, error) {
	_, err := c.User.Register(ctx, &user.RegisterRequest{Email: email, Username: "admin", Password: password})
	if err != nil && !apperr.Is(err, apperr.AlreadyExists) {
		return 0, fmt.Errorf("register admin: %w", err)
	}
	login, err := c.User.Login(ctx, &user.LoginRequest{Login: email, Password: password})
	if err != nil {
		return 0, fmt.Errorf("log in as admin %s (was its password changed?): %w", email, err)
	}
	id := login.GetUser().GetId()
	if _, err := c.Auth.AssignRole(ctx, &auth.AssignRoleRequest{UserId: id, Role: "admin"}); err != nil {
		return 0, fmt.Errorf("grant admin role: %w", err)
	}
	return id, nil
}

// demoProducts is the catalog `make dev` starts with.
var demoProducts = []struct {
	name, description, category string
	price, stock                int64
}{
	{"Porcelain teacup", "A white porcelain teacup, 200 ml. 白瓷茶杯", "Tea", 1250, 50},
	{"Longjing green tea, 100 g", "Dragon Well tea from Hangzhou. 西湖龙井绿茶", "Tea", 2800, 30},
	{"Cast-iron kettle", "A 1.2 l cast-iron kettle for tea. 铸铁茶壶", "Kitchen", 6400, 12},
	{"Bamboo tea tray", "A bamboo tray that drains. 竹制茶盘", "Kitchen", 3900, 20},
	{"Mechanical keyboard", "A tenkeyless keyboard with brown switches. 机械键盘", "Electronics", 8900, 15},
	{"Wireless earbuds", "Earbuds with a charging case. 无线耳机", "Electronics", 12900, 25},
}

// SeedCatalog creates a demo catalog (categories, products with stock and
// the coupon WELCOME10) in the catalog currency when the catalog is empty.
// It returns the number of products it created.
func SeedCatalog(ctx context.Context, c *clients.Clients, adminToken, currency string) (int, error) {
	ctx = rpc.WithToken(ctx, adminToken)
	list, err := c.Product.ListProducts(ctx, &product.ListProductsRequest{IncludeInactive: true})
	if err != nil {
		return 0, fmt.Errorf("list products: %w", err)
	}
	if list.GetPage().GetTotal() > 0 {
		return 0, nil
	}
	categories := map[string]int64{}
	for _, p := range demoProducts {
		if _, ok := categories[p.category]; ok {
			continue
		}
		resp, err := c.Product.CreateCategory(ctx, &product.CreateCategoryRequest{Name: p.category})
		if err != nil {
			return 0, fmt.Errorf("create category %s: %w", p.category, err)
		}
		categories[p.category] = resp.GetCategory().GetId()
	}
	for _, p := range demoProducts {
		_, err := c.Product.CreateProduct(ctx, &product.CreateProductRequest{
			Name: p.name, Description: p.description,
			PictureUrl:   "https://picsum.photos/seed/" + strings.ReplaceAll(strings.ToLower(p.name), " ", "-") + "/400",
			Price:        &common.Money{Amount: p.price, Currency: currency},
			CategoryIds:  []int64{categories[p.category]},
			InitialStock: p.stock,
		})
		if err != nil {
			return 0, fmt.Errorf("create product %s: %w", p.name, err)
		}
	}
	_, err = c.Checkout.CreateCoupon(ctx, &checkout.CreateCouponRequest{Coupon: &checkout.Coupon{
		Code: "WELCOME10", Kind: checkout.CouponKind_COUPON_KIND_PERCENT, PercentOff: 10,
		MinSpend: &common.Money{Amount: 2000, Currency: currency},
	}})
	if err != nil && !apperr.Is(err, apperr.AlreadyExists) {
		return 0, fmt.Errorf("create coupon: %w", err)
	}
	return len(demoProducts), nil
}
