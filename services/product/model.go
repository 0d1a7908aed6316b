package product

import (
	"time"

	"gorm.io/gorm"
)

// productRow is a product with its stock levels. Stock lives on the
// product row so that a reservation is one conditional UPDATE of one row.
// CategoryIDs repeats the product_categories links ("3,7") so that a
// product, categories included, is read in one query.
type productRow struct {
	ID            int64  `gorm:"primaryKey;autoIncrement"`
	Name          string `gorm:"size:200;not null"`
	Description   string `gorm:"type:text;not null"`
	PictureURL    string `gorm:"size:2048;not null"`
	PriceAmount   int64  `gorm:"not null;index"`
	PriceCurrency string `gorm:"size:3;not null"`
	CategoryIDs   string `gorm:"size:1000;not null"`
	Status        int8   `gorm:"not null"`
	// Available units are free to reserve; Reserved are held by unpaid
	// orders; Committed are sold.
	Available int64 `gorm:"not null"`
	Reserved  int64 `gorm:"not null"`
	Committed int64 `gorm:"not null"`
	// Version counts the changes of the product as GetProduct shows it.
	Version int64 `gorm:"not null"`
	// CreateKey is the idempotency key of the creation, if any;
	// CreateDigest fingerprints the creation request it came with.
	CreateKey    *string `gorm:"size:128;uniqueIndex"`
	CreateDigest string  `gorm:"size:64;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DeletedAt    gorm.DeletedAt `gorm:"index"`
}

func (productRow) TableName() string { return "products" }

// productCategoryRow links a product to one of its categories.
type productCategoryRow struct {
	ProductID  int64 `gorm:"primaryKey;autoIncrement:false"`
	CategoryID int64 `gorm:"primaryKey;autoIncrement:false;index"`
}

func (productCategoryRow) TableName() string { return "product_categories" }

// categoryRow is a category; ParentID is 0 for a top-level one. Names are
// unique among siblings, compared through NameKey (trimmed, lower case).
type categoryRow struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	Name        string `gorm:"size:100;not null"`
	NameKey     string `gorm:"size:100;not null;uniqueIndex:idx_category_sibling_name,priority:2"`
	Description string `gorm:"size:1000;not null"`
	ParentID    int64  `gorm:"not null;uniqueIndex:idx_category_sibling_name,priority:1"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (categoryRow) TableName() string { return "categories" }

// termRow is one entry of the search index: a product contains a term, in
// its name and/or its description; Weight ranks the match (see
// nameWeight and descriptionWeight).
type termRow struct {
	Term      string `gorm:"primaryKey;size:64"`
	ProductID int64  `gorm:"primaryKey;autoIncrement:false;index"`
	Weight    int64  `gorm:"not null"`
}

func (termRow) TableName() string { return "product_terms" }

// reservationRow holds stock for an order. Its items are
// reservationItemRows; State moves reserved -> committed -> returned, or
// reserved -> released.
type reservationRow struct {
	OrderID   string `gorm:"primaryKey;size:128"`
	State     int8   `gorm:"not null"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (reservationRow) TableName() string { return "stock_reservations" }

// reservationItemRow is one product of a reservation.
type reservationItemRow struct {
	OrderID   string `gorm:"primaryKey;size:128"`
	ProductID int64  `gorm:"primaryKey;autoIncrement:false"`
	Quantity  int64  `gorm:"not null"`
}

func (reservationItemRow) TableName() string { return "stock_reservation_items" }

// adjustmentRow records one AdjustStock; IdempotencyKey (nil when the
// caller gave none) makes repeats no-ops.
type adjustmentRow struct {
	ID             int64   `gorm:"primaryKey;autoIncrement"`
	ProductID      int64   `gorm:"not null;index"`
	Delta          int64   `gorm:"not null"`
	Reason         string  `gorm:"size:200;not null"`
	IdempotencyKey *string `gorm:"size:128;uniqueIndex"`
	CreatedAt      time.Time
}

func (adjustmentRow) TableName() string { return "stock_adjustments" }
