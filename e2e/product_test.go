package e2e_test

import (
	"context"
	"testing"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/config"
)

func TestCatalogJourney(t *testing.T) {
	s := startStack(t, config.Auth, config.User, config.Product)
	ctx := context.Background()
	c := s.clients
	svc := s.run.Clients
	admin := as(s.admin(t))

	// The admin builds a small catalog.
	kitchen, err := c.Product.CreateCategory(admin, &product.CreateCategoryRequest{Name: "Kitchen"})
	if err != nil {
		t.Fatalf("create category: %v", err)
	}
	cups, err := c.Product.CreateCategory(admin, &product.CreateCategoryRequest{Name: "杯子", ParentId: kitchen.GetCategory().GetId()})
	if err != nil {
		t.Fatalf("create subcategory: %v", err)
	}
	usd := s.money
	mug, err := c.Product.CreateProduct(admin, &product.CreateProductRequest{
		Name: "Blue mug", Description: "蓝色陶瓷杯子", Price: usd(1250),
		CategoryIds: []int64{cups.GetCategory().GetId()}, InitialStock: 3, IdempotencyKey: "seed-mug",
	})
	if err != nil {
		t.Fatalf("create product: %v", err)
	}
	mugID := mug.GetProduct().GetId()
	_, err = c.Product.CreateProduct(admin, &product.CreateProductRequest{Name: "Bad", Price: &common.Money{Amount: 100, Currency: "XXX"}})
	wantKind(t, "price in another currency", err, apperr.InvalidArgument)

	// Anyone reads the catalog.
	got, err := c.Product.GetProduct(ctx, &product.GetProductRequest{Id: mugID})
	if err != nil || got.GetProduct().GetName() != "Blue mug" || got.GetProduct().GetStockAvailable() != 3 {
		t.Fatalf("anonymous get: %v %v", got, err)
	}
	list, err := c.Product.ListProducts(ctx, &product.ListProductsRequest{CategoryId: kitchen.GetCategory().GetId()})
	if err != nil || len(list.GetProducts()) != 1 || list.GetPage().GetTotal() != 1 {
		t.Fatalf("anonymous list: %v %v", list, err)
	}
	found, err := c.Product.SearchProducts(ctx, &product.SearchProductsRequest{Query: "杯子"})
	if err != nil || len(found.GetProducts()) != 1 || found.GetProducts()[0].GetId() != mugID {
		t.Fatalf("anonymous search: %v %v", found, err)
	}
	_, err = c.Product.ListProducts(ctx, &product.ListProductsRequest{IncludeInactive: true})
	wantKind(t, "anonymous include_inactive", err, apperr.PermissionDenied)
	_, err = c.Product.GetProduct(ctx, &product.GetProductRequest{Id: 999})
	wantKind(t, "unknown product", err, apperr.NotFound)

	// A customer may read but neither edit the catalog nor move stock.
	_, bobTok := s.customer(t)
	bob := as(bobTok)
	if _, err := c.Product.GetProduct(bob, &product.GetProductRequest{Id: mugID}); err != nil {
		t.Fatalf("customer get: %v", err)
	}
	_, err = c.Product.CreateProduct(bob, &product.CreateProductRequest{Name: "Mine", Price: usd(1)})
	wantKind(t, "customer creates a product", err, apperr.PermissionDenied)
	_, err = c.Product.ReserveStock(bob, &product.ReserveStockRequest{OrderId: "o-bob", Items: []*product.StockItem{{ProductId: mugID, Quantity: 1}}})
	wantKind(t, "customer reserves stock", err, apperr.PermissionDenied)
	_, err = c.Product.ReserveStock(admin, &product.ReserveStockRequest{OrderId: "o-admin", Items: []*product.StockItem{{ProductId: mugID, Quantity: 1}}})
	wantKind(t, "admin reserves stock", err, apperr.PermissionDenied)
	_, err = c.Product.ReserveStock(ctx, &product.ReserveStockRequest{OrderId: "o-anon", Items: []*product.StockItem{{ProductId: mugID, Quantity: 1}}})
	wantKind(t, "anonymous reserves stock", err, apperr.Unauthenticated)

	// Services move stock through the order life cycle.
	items := []*product.StockItem{{ProductId: mugID, Quantity: 2}}
	res, err := svc.Product.ReserveStock(ctx, &product.ReserveStockRequest{OrderId: "o-1", Items: items})
	if err != nil || res.GetReservation().GetState() != product.ReservationState_RESERVATION_STATE_RESERVED {
		t.Fatalf("reserve: %v %v", res, err)
	}
	_, err = svc.Product.ReserveStock(ctx, &product.ReserveStockRequest{OrderId: "o-2", Items: items})
	wantKind(t, "reserve more than available", err, apperr.FailedPrecondition)
	if res, err := svc.Product.CommitStock(ctx, &product.CommitStockRequest{OrderId: "o-1"}); err != nil ||
		res.GetReservation().GetState() != product.ReservationState_RESERVATION_STATE_COMMITTED {
		t.Fatalf("commit: %v %v", res, err)
	}
	_, err = svc.Product.ReleaseStock(ctx, &product.ReleaseStockRequest{OrderId: "o-1"})
	wantKind(t, "release after commit", err, apperr.FailedPrecondition)
	if _, err := svc.Product.ReserveStock(ctx, &product.ReserveStockRequest{OrderId: "o-3", Items: []*product.StockItem{{ProductId: mugID, Quantity: 1}}}); err != nil {
		t.Fatalf("reserve the last unit: %v", err)
	}
	if res, err := svc.Product.ReleaseStock(ctx, &product.ReleaseStockRequest{OrderId: "o-3"}); err != nil ||
		res.GetReservation().GetState() != product.ReservationState_RESERVATION_STATE_RELEASED {
		t.Fatalf("release: %v %v", res, err)
	}
	stock, err := svc.Product.GetStock(ctx, &product.GetStockRequest{ProductIds: []int64{mugID}})
	if err != nil {
		t.Fatalf("service reads stock: %v", err)
	}
	if l := stock.GetLevels()[0]; l.GetAvailable() != 1 || l.GetReserved() != 0 || l.GetCommitted() != 2 {
		t.Errorf("stock level %v, want 1 available, 2 committed", l)
	}
	if got, _ := c.Product.GetProduct(ctx, &product.GetProductRequest{Id: mugID}); got.GetProduct().GetStockAvailable() != 1 {
		t.Errorf("GetProduct shows %d available, want 1", got.GetProduct().GetStockAvailable())
	}

	// The admin restocks and deletes; deleted products are gone for everyone.
	if _, err := c.Product.AdjustStock(admin, &product.AdjustStockRequest{ProductId: mugID, Delta: 10, Reason: "restock", IdempotencyKey: "r-1"}); err != nil {
		t.Fatalf("adjust: %v", err)
	}
	_, err = c.Product.AdjustStock(bob, &product.AdjustStockRequest{ProductId: mugID, Delta: 10})
	wantKind(t, "customer adjusts stock", err, apperr.PermissionDenied)
	if _, err := c.Product.DeleteProduct(admin, &product.DeleteProductRequest{Id: mugID}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = c.Product.GetProduct(ctx, &product.GetProductRequest{Id: mugID})
	wantKind(t, "get deleted product", err, apperr.NotFound)
	_, err = svc.Product.ReserveStock(ctx, &product.ReserveStockRequest{OrderId: "o-4", Items: []*product.StockItem{{ProductId: mugID, Quantity: 1}}})
	wantKind(t, "reserve a deleted product", err, apperr.FailedPrecondition)
	_, err = c.Product.DeleteCategory(admin, &product.DeleteCategoryRequest{Id: kitchen.GetCategory().GetId()})
	wantKind(t, "delete a category with children", err, apperr.FailedPrecondition)
}
