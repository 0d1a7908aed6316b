package cart

import "time"

// cartRow is one account's cart. It holds no items; every write to a cart
// first upserts this row, which takes its lock and so serializes the writes
// of one cart (the line limit needs that).
type cartRow struct {
	UserID    int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (cartRow) TableName() string { return "carts" }

// itemRow is one line of a cart: a quantity of one product. The unique key
// keeps one row per (user, product). Name and PictureURL are the product's
// as last seen when units were added, so that a line whose product was
// deleted still shows what it was.
type itemRow struct {
	ID         int64  `gorm:"primaryKey;autoIncrement"`
	UserID     int64  `gorm:"not null;uniqueIndex:ux_cart_items_user_product,priority:1"`
	ProductID  int64  `gorm:"not null;uniqueIndex:ux_cart_items_user_product,priority:2"`
	Quantity   int64  `gorm:"not null"`
	Name       string `gorm:"size:255;not null;default:''"`
	PictureURL string `gorm:"size:2048;not null;default:''"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (itemRow) TableName() string { return "cart_items" }

// appliedOrderRow records an order whose items were taken out of a cart,
// so that a repeat of RemoveOrderedItems changes nothing.
type appliedOrderRow struct {
	OrderID   string `gorm:"primaryKey;size:128"`
	UserID    int64  `gorm:"not null;index"`
	CreatedAt time.Time
}

func (appliedOrderRow) TableName() string { return "cart_applied_orders" }

// appliedAddRow records an AddItem idempotency key of a cart, so that a
// repeat adds nothing. Keys are forgotten after appliedAddTTL.
type appliedAddRow struct {
	UserID    int64     `gorm:"primaryKey"`
	Key       string    `gorm:"primaryKey;size:64"`
	CreatedAt time.Time `gorm:"index"`
}

func (appliedAddRow) TableName() string { return "cart_applied_adds" }

// Line is a stored cart line.
type Line struct {
	ProductID int64
	Quantity  int64
	// Name and PictureURL are the product's when units were last added.
	Name       string
	PictureURL string
	AddedAt    time.Time
}

func lineOf(r itemRow) Line {
	return Line{ProductID: r.ProductID, Quantity: r.Quantity, Name: r.Name, PictureURL: r.PictureURL, AddedAt: r.CreatedAt}
}

// OrderedItem is a quantity of a product that an order bought.
type OrderedItem struct {
	ProductID int64
	Quantity  int64
}
