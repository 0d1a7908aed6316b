package product

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Product returns a product that is not deleted.
func (s *Store) Product(ctx context.Context, id int64) (productRow, error) {
	var row productRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row, notFound(err, apperr.Wrap(ErrProductNotFound, "product %d does not exist", id))
}

// Products returns the products of ids that exist and are not deleted, in
// no particular order, in one query.
func (s *Store) Products(ctx context.Context, ids []int64) ([]productRow, error) {
	var rows []productRow
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error
	return rows, err
}

// CreateProduct inserts a product with its category links and search
// terms, and sets its id. A row whose CreateKey an earlier creation used
// is not inserted: p becomes that earlier product, deleted or not, and
// existing is true.
func (s *Store) CreateProduct(ctx context.Context, p *productRow, categoryIDs []int64) (existing bool, err error) {
	err = dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		row := *p
		existing = false
		if row.CreateKey != nil {
			var prev productRow
			err := tx.Unscoped().Take(&prev, "create_key = ?", *row.CreateKey).Error
			if err == nil {
				*p, existing = prev, true
				return nil
			}
			if !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		if err := lockCategories(tx, categoryIDs); err != nil {
			return err
		}
		row.CategoryIDs = joinIDs(categoryIDs)
		row.Version = 1
		if err := tx.Create(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return dbx.ErrRetry // the same create key, committed meanwhile
			}
			return err
		}
		if err := setCategories(tx, row.ID, categoryIDs); err != nil {
			return err
		}
		if err := writeTerms(tx, row.ID, row.Name, row.Description); err != nil {
			return err
		}
		*p = row
		return nil
	})
	return existing, err
}

// UpdateProduct applies a validated change to a product that is not
// deleted and returns the product as changed.
func (s *Store) UpdateProduct(ctx context.Context, id int64, up ProductUpdate) (productRow, error) {
	var row productRow
	err := dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Clauses(forUpdate).Take(&row, "id = ?", id).Error; err != nil {
			return notFound(err, apperr.Wrap(ErrProductNotFound, "product %d does not exist", id))
		}
		name, description := row.Name, row.Description
		fields := map[string]any{"version": gorm.Expr("version + 1")}
		if up.Name != nil {
			name, fields["name"] = *up.Name, *up.Name
		}
		if up.Description != nil {
			description, fields["description"] = *up.Description, *up.Description
		}
		if up.PictureURL != nil {
			fields["picture_url"] = *up.PictureURL
		}
		if up.Price != nil {
			fields["price_amount"], fields["price_currency"] = up.Price.Amount, up.Price.Currency
		}
		if up.Status != 0 {
			fields["status"] = int8(up.Status)
		}
		if up.SetCategories {
			if err := lockCategories(tx, up.CategoryIDs); err != nil {
				return err
			}
			if err := setCategories(tx, id, up.CategoryIDs); err != nil {
				return err
			}
			fields["category_ids"] = joinIDs(up.CategoryIDs)
		}
		if err := tx.Model(&productRow{}).Where("id = ?", id).Updates(fields).Error; err != nil {
			return err
		}
		if name != row.Name || description != row.Description {
			if err := writeTerms(tx, id, name, description); err != nil {
				return err
			}
		}
		return tx.Take(&row, "id = ?", id).Error
	})
	return row, err
}

// DeleteProduct soft-deletes a product: it keeps its row (reservations and
// the stock of open orders still refer to it) but leaves listings, search
// and its categories. It reports false when the product was deleted
// already.
func (s *Store) DeleteProduct(ctx context.Context, id int64) (deleted bool, err error) {
	err = dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		var row productRow
		if err := tx.Unscoped().Clauses(forUpdate).Take(&row, "id = ?", id).Error; err != nil {
			return notFound(err, apperr.Wrap(ErrProductNotFound, "product %d does not exist", id))
		}
		if deleted = !row.DeletedAt.Valid; !deleted {
			return nil
		}
		now := time.Now().UTC()
		if err := tx.Unscoped().Model(&productRow{}).Where("id = ?", id).UpdateColumns(map[string]any{
			"deleted_at": now, "updated_at": now, "version": gorm.Expr("version + 1"),
		}).Error; err != nil {
			return err
		}
		if err := tx.Where("product_id = ?", id).Delete(&productCategoryRow{}).Error; err != nil {
			return err
		}
		return tx.Where("product_id = ?", id).Delete(&termRow{}).Error
	})
	return deleted, err
}

// listQuery selects a page of ListProducts.
type listQuery struct {
	// categoryIDs, when not nil, keeps the products in any of them.
	categoryIDs     []int64
	includeInactive bool
	sort            Sort
	// after is the last product of the previous page, if any.
	after *pageToken
	// limit is the page size; one more row is read to tell whether another
	// page follows.
	limit int
}

// ListProducts returns a page of products (limit+1 rows at most) and the
// number of products matching the query over all pages.
func (s *Store) ListProducts(ctx context.Context, q listQuery) ([]productRow, int64, error) {
	filtered := func() *gorm.DB {
		db := s.db.WithContext(ctx).Model(&productRow{})
		if !q.includeInactive {
			db = db.Where("status = ?", int8(StatusActive))
		}
		return inCategories(db, q.categoryIDs)
	}
	var total int64
	if err := filtered().Count(&total).Error; err != nil {
		return nil, 0, err
	}
	page := filtered()
	switch q.sort {
	case SortPriceAsc:
		if a := q.after; a != nil {
			page = page.Where("price_amount > ? OR (price_amount = ? AND id > ?)", a.Key, a.Key, a.ID)
		}
		page = page.Order("price_amount ASC, id ASC")
	case SortPriceDesc:
		if a := q.after; a != nil {
			page = page.Where("price_amount < ? OR (price_amount = ? AND id < ?)", a.Key, a.Key, a.ID)
		}
		page = page.Order("price_amount DESC, id DESC")
	default:
		if a := q.after; a != nil {
			page = page.Where("id < ?", a.ID)
		}
		page = page.Order("id DESC")
	}
	var rows []productRow
	err := page.Limit(q.limit + 1).Find(&rows).Error
	return rows, total, err
}

// inCategories keeps the products (table products) linked to any of ids;
// nil keeps all.
func inCategories(db *gorm.DB, ids []int64) *gorm.DB {
	if ids == nil {
		return db
	}
	return db.Where("EXISTS (SELECT 1 FROM product_categories pc WHERE pc.product_id = products.id AND pc.category_id IN ?)", ids)
}

// lockCategories checks that the categories exist and locks them, so that
// they cannot be deleted before the transaction links products to them.
func lockCategories(tx *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []int64
	if err := tx.Model(&categoryRow{}).Clauses(forUpdate).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return err
	}
	if missing := missingIDs(ids, found); len(missing) > 0 {
		return apperr.Wrap(ErrCategoryNotFound, "%s: create them first or leave them out", doNotExist("category", "categories", missing))
	}
	return nil
}

// setCategories replaces the category links of a product.
func setCategories(tx *gorm.DB, productID int64, ids []int64) error {
	if err := tx.Where("product_id = ?", productID).Delete(&productCategoryRow{}).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	links := make([]productCategoryRow, len(ids))
	for i, id := range ids {
		links[i] = productCategoryRow{ProductID: productID, CategoryID: id}
	}
	return tx.Create(&links).Error
}

// writeTerms replaces the search index entries of a product.
func writeTerms(tx *gorm.DB, productID int64, name, description string) error {
	if err := tx.Where("product_id = ?", productID).Delete(&termRow{}).Error; err != nil {
		return err
	}
	terms := indexTerms(productID, name, description)
	if len(terms) == 0 {
		return nil
	}
	return tx.CreateInBatches(terms, 500).Error
}

// missingIDs returns the ids of want that are not in got, in want's order.
func missingIDs(want, got []int64) []int64 {
	have := make(map[int64]bool, len(got))
	for _, id := range got {
		have[id] = true
	}
	var missing []int64
	for _, id := range want {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing
}

// doNotExist says that the things of ids do not exist: "category 9 does
// not exist", "categories 9,11 do not exist".
func doNotExist(one, many string, ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("%s %d does not exist", one, ids[0])
	}
	return fmt.Sprintf("%s %s do not exist", many, joinIDs(ids))
}
