package product

import (
	"context"

	pb "github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// Handler is the Kitex transport of the product service: it decodes
// requests, calls the service and encodes responses. Errors are returned
// as they are; the shared middleware maps them to status codes.
type Handler struct {
	svc *Service
}

var _ pb.ProductService = (*Handler)(nil)

// NewHandler returns the transport over svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// CreateProduct adds a product.
func (h *Handler) CreateProduct(ctx context.Context, req *pb.CreateProductRequest) (*pb.CreateProductResponse, error) {
	p, err := h.svc.CreateProduct(ctx, NewProduct{
		Name: req.GetName(), Description: req.GetDescription(), PictureURL: req.GetPictureUrl(),
		Price: protoconv.FromMoney(req.GetPrice()), CategoryIDs: req.GetCategoryIds(), Status: Status(req.GetStatus()),
		InitialStock: req.GetInitialStock(), IdempotencyKey: req.GetIdempotencyKey(),
	})
	if err != nil {
		return nil, err
	}
	return &pb.CreateProductResponse{Product: productProto(p)}, nil
}

// GetProduct returns a product.
func (h *Handler) GetProduct(ctx context.Context, req *pb.GetProductRequest) (*pb.GetProductResponse, error) {
	p, err := h.svc.GetProduct(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return &pb.GetProductResponse{Product: productProto(p)}, nil
}

// BatchGetProducts returns many products.
func (h *Handler) BatchGetProducts(ctx context.Context, req *pb.BatchGetProductsRequest) (*pb.BatchGetProductsResponse, error) {
	ps, missing, err := h.svc.BatchGetProducts(ctx, req.GetIds())
	if err != nil {
		return nil, err
	}
	return &pb.BatchGetProductsResponse{Products: productsProto(ps), MissingIds: missing}, nil
}

// UpdateProduct changes the fields that are set.
func (h *Handler) UpdateProduct(ctx context.Context, req *pb.UpdateProductRequest) (*pb.UpdateProductResponse, error) {
	up := ProductUpdate{
		Name: req.Name, Description: req.Description, PictureURL: req.PictureUrl,
		SetCategories: req.GetSetCategories(), CategoryIDs: req.GetCategoryIds(), Status: Status(req.GetStatus()),
	}
	if req.Price != nil {
		price := protoconv.FromMoney(req.Price)
		up.Price = &price
	}
	p, err := h.svc.UpdateProduct(ctx, req.GetId(), up)
	if err != nil {
		return nil, err
	}
	return &pb.UpdateProductResponse{Product: productProto(p)}, nil
}

// DeleteProduct removes a product from the catalog.
func (h *Handler) DeleteProduct(ctx context.Context, req *pb.DeleteProductRequest) (*pb.DeleteProductResponse, error) {
	if err := h.svc.DeleteProduct(ctx, req.GetId()); err != nil {
		return nil, err
	}
	return &pb.DeleteProductResponse{}, nil
}

// ListProducts returns a page of products.
func (h *Handler) ListProducts(ctx context.Context, req *pb.ListProductsRequest) (*pb.ListProductsResponse, error) {
	ps, page, err := h.svc.ListProducts(ctx, ListQuery{
		CategoryID: req.GetCategoryId(), Sort: Sort(req.GetSort()),
		IncludeInactive: req.GetIncludeInactive(), Page: pageOfProto(req.GetPage()),
	})
	if err != nil {
		return nil, err
	}
	return &pb.ListProductsResponse{Products: productsProto(ps), Page: pageProto(page)}, nil
}

// SearchProducts returns a page of search results.
func (h *Handler) SearchProducts(ctx context.Context, req *pb.SearchProductsRequest) (*pb.SearchProductsResponse, error) {
	ps, page, err := h.svc.SearchProducts(ctx, SearchQuery{
		Query: req.GetQuery(), CategoryID: req.GetCategoryId(), Page: pageOfProto(req.GetPage()),
	})
	if err != nil {
		return nil, err
	}
	return &pb.SearchProductsResponse{Products: productsProto(ps), Page: pageProto(page)}, nil
}

// CreateCategory adds a category.
func (h *Handler) CreateCategory(ctx context.Context, req *pb.CreateCategoryRequest) (*pb.CreateCategoryResponse, error) {
	c, err := h.svc.CreateCategory(ctx, NewCategory{
		Name: req.GetName(), Description: req.GetDescription(), ParentID: req.GetParentId(),
	})
	if err != nil {
		return nil, err
	}
	return &pb.CreateCategoryResponse{Category: categoryProto(c)}, nil
}

// GetCategory returns a category.
func (h *Handler) GetCategory(ctx context.Context, req *pb.GetCategoryRequest) (*pb.GetCategoryResponse, error) {
	c, err := h.svc.GetCategory(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	return &pb.GetCategoryResponse{Category: categoryProto(c)}, nil
}

// UpdateCategory changes the fields that are set.
func (h *Handler) UpdateCategory(ctx context.Context, req *pb.UpdateCategoryRequest) (*pb.UpdateCategoryResponse, error) {
	c, err := h.svc.UpdateCategory(ctx, req.GetId(), CategoryUpdate{
		Name: req.Name, Description: req.Description, ParentID: req.ParentId,
	})
	if err != nil {
		return nil, err
	}
	return &pb.UpdateCategoryResponse{Category: categoryProto(c)}, nil
}

// DeleteCategory deletes an empty category.
func (h *Handler) DeleteCategory(ctx context.Context, req *pb.DeleteCategoryRequest) (*pb.DeleteCategoryResponse, error) {
	if err := h.svc.DeleteCategory(ctx, req.GetId()); err != nil {
		return nil, err
	}
	return &pb.DeleteCategoryResponse{}, nil
}

// ListCategories returns categories.
func (h *Handler) ListCategories(ctx context.Context, req *pb.ListCategoriesRequest) (*pb.ListCategoriesResponse, error) {
	cs, err := h.svc.ListCategories(ctx, req.GetParentId())
	if err != nil {
		return nil, err
	}
	out := make([]*pb.Category, len(cs))
	for i, c := range cs {
		out[i] = categoryProto(c)
	}
	return &pb.ListCategoriesResponse{Categories: out}, nil
}
