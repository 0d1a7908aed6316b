package product

import (
	"context"

	"gorm.io/gorm"
)

// scoredRow is a search hit: a product and its score.
type scoredRow struct {
	Product productRow `gorm:"embedded"`
	Score   int64
}

// searchQuery selects a page of SearchProducts.
type searchQuery struct {
	terms []string
	// categoryIDs, when not nil, keeps the products in any of them.
	categoryIDs []int64
	// after is the last hit of the previous page, if any.
	after *pageToken
	// limit is the page size; one more row is read to tell whether another
	// page follows.
	limit int
}

// Search returns a page of active products containing any of the terms,
// best score first (ties: newest first), and the number of matches over
// all pages. Scores are summed term weights from product_terms.
func (s *Store) Search(ctx context.Context, q searchQuery) ([]scoredRow, int64, error) {
	hits := func() *gorm.DB {
		db := s.db.WithContext(ctx)
		scores := db.Model(&termRow{}).Select("product_id, SUM(weight) AS score").
			Where("term IN ?", q.terms).Group("product_id")
		db = db.Table("(?) AS s", scores).Joins("JOIN products ON products.id = s.product_id").
			Where("products.deleted_at IS NULL AND products.status = ?", int8(StatusActive))
		return inCategories(db, q.categoryIDs)
	}
	var total int64
	if err := hits().Count(&total).Error; err != nil {
		return nil, 0, err
	}
	page := hits().Select("products.*, s.score AS score")
	if a := q.after; a != nil {
		page = page.Where("s.score < ? OR (s.score = ? AND products.id < ?)", a.Key, a.Key, a.ID)
	}
	var rows []scoredRow
	err := page.Order("s.score DESC, products.id DESC").Limit(q.limit + 1).Scan(&rows).Error
	return rows, total, err
}
