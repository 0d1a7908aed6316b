package product

import (
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	pb "github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// Conversions between the service's types and the proto messages.

func productProto(p Product) *pb.Product {
	return &pb.Product{
		Id: p.ID, Name: p.Name, Description: p.Description, PictureUrl: p.PictureURL,
		Price:       protoconv.Money(p.Price),
		CategoryIds: p.CategoryIDs,
		Status:      pb.ProductStatus(p.Status), StockAvailable: p.StockAvailable,
		CreatedAt: protoconv.Time(p.CreatedAt), UpdatedAt: protoconv.Time(p.UpdatedAt), Version: p.Version,
	}
}

func productsProto(ps []Product) []*pb.Product {
	out := make([]*pb.Product, len(ps))
	for i, p := range ps {
		out[i] = productProto(p)
	}
	return out
}

func categoryProto(c Category) *pb.Category {
	return &pb.Category{
		Id: c.ID, Name: c.Name, Description: c.Description, ParentId: c.ParentID,
		CreatedAt: protoconv.Time(c.CreatedAt), UpdatedAt: protoconv.Time(c.UpdatedAt),
	}
}

func reservationProto(r Reservation) *pb.Reservation {
	items := make([]*pb.StockItem, len(r.Items))
	for i, it := range r.Items {
		items[i] = &pb.StockItem{ProductId: it.ProductID, Quantity: it.Quantity}
	}
	return &pb.Reservation{
		OrderId: r.OrderID, Items: items, State: pb.ReservationState(r.State),
		CreatedAt: protoconv.Time(r.CreatedAt), UpdatedAt: protoconv.Time(r.UpdatedAt),
	}
}

func levelProto(l StockLevel) *pb.StockLevel {
	return &pb.StockLevel{ProductId: l.ProductID, Available: l.Available, Reserved: l.Reserved, Committed: l.Committed}
}

func pageOfProto(p *common.PageRequest) Page {
	return Page{Size: p.GetPageSize(), Token: p.GetPageToken()}
}

func pageProto(p PageInfo) *common.PageResponse {
	return &common.PageResponse{NextPageToken: p.NextToken, Total: p.Total}
}
