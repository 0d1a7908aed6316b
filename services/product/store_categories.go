package product

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx"
)

// Category returns a category.
func (s *Store) Category(ctx context.Context, id int64) (categoryRow, error) {
	var row categoryRow
	err := s.db.WithContext(ctx).Take(&row, "id = ?", id).Error
	return row, notFound(err, categoryNotFound(id))
}

// Categories returns the direct children of parentID, or every category
// when parentID is 0, in id order.
func (s *Store) Categories(ctx context.Context, parentID int64) ([]categoryRow, error) {
	db := s.db.WithContext(ctx)
	if parentID != 0 {
		if _, err := s.Category(ctx, parentID); err != nil {
			return nil, err
		}
		db = db.Where("parent_id = ?", parentID)
	}
	var rows []categoryRow
	err := db.Order("id").Find(&rows).Error
	return rows, err
}

// CreateCategory inserts a category under an existing parent (or at the
// top) and sets its id.
func (s *Store) CreateCategory(ctx context.Context, c *categoryRow) error {
	return dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		row := *c
		if row.ParentID != 0 {
			var parent categoryRow
			if err := tx.Clauses(forUpdate).Take(&parent, "id = ?", row.ParentID).Error; err != nil {
				return notFound(err, apperr.Wrap(ErrCategoryNotFound, "parent category %d does not exist", row.ParentID))
			}
		}
		if err := tx.Create(&row).Error; err != nil {
			return categoryTaken(err, row)
		}
		*c = row
		return nil
	})
}

// UpdateCategory applies a validated change to a category. A new parent
// must exist and must not be the category itself or one of its
// descendants.
func (s *Store) UpdateCategory(ctx context.Context, id int64, up CategoryUpdate) (categoryRow, error) {
	var row categoryRow
	err := dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		if err := tx.Clauses(forUpdate).Take(&row, "id = ?", id).Error; err != nil {
			return notFound(err, categoryNotFound(id))
		}
		probe := row
		fields := map[string]any{}
		if up.Name != nil {
			probe.Name, probe.NameKey = *up.Name, nameKey(*up.Name)
			fields["name"], fields["name_key"] = probe.Name, probe.NameKey
		}
		if up.Description != nil {
			fields["description"] = *up.Description
		}
		if up.ParentID != nil && *up.ParentID != row.ParentID {
			if err := checkMove(tx, id, *up.ParentID); err != nil {
				return err
			}
			probe.ParentID, fields["parent_id"] = *up.ParentID, *up.ParentID
		}
		if len(fields) == 0 {
			return nil
		}
		if err := tx.Model(&categoryRow{}).Where("id = ?", id).Updates(fields).Error; err != nil {
			return categoryTaken(err, probe)
		}
		return tx.Take(&row, "id = ?", id).Error
	})
	return row, err
}

// checkMove checks that category id may move under parent (0: to the top)
// and locks the new parent.
func checkMove(tx *gorm.DB, id, parent int64) error {
	if parent == 0 {
		return nil
	}
	if parent == id {
		return apperr.Preconditionf("category %d cannot be its own parent", id)
	}
	tree, err := loadTree(tx)
	if err != nil {
		return err
	}
	if _, ok := tree[parent]; !ok {
		return apperr.Wrap(ErrCategoryNotFound, "parent category %d does not exist", parent)
	}
	for p := parent; p != 0; p = tree[p] {
		if p == id {
			return apperr.Preconditionf("category %d is inside category %d: moving %d under it would make a cycle", parent, id, id)
		}
	}
	return tx.Clauses(forUpdate).Take(&categoryRow{}, "id = ?", parent).Error
}

// DeleteCategory deletes a category that has neither subcategories nor
// products.
func (s *Store) DeleteCategory(ctx context.Context, id int64) error {
	return dbx.InTx(ctx, s.db, func(tx *gorm.DB) error {
		var row categoryRow
		if err := tx.Clauses(forUpdate).Take(&row, "id = ?", id).Error; err != nil {
			return notFound(err, categoryNotFound(id))
		}
		var children, products int64
		if err := tx.Model(&categoryRow{}).Where("parent_id = ?", id).Count(&children).Error; err != nil {
			return err
		}
		if err := tx.Model(&productCategoryRow{}).Where("category_id = ?", id).Count(&products).Error; err != nil {
			return err
		}
		if children > 0 || products > 0 {
			return apperr.Preconditionf("category %d (%s) still has %s and %s: move or delete them first",
				id, row.Name, count(children, "subcategory", "subcategories"), count(products, "product", "products"))
		}
		return tx.Delete(&categoryRow{}, "id = ?", id).Error
	})
}

// Descendants returns a category's id and the ids of all its
// subcategories, at any depth.
func (s *Store) Descendants(ctx context.Context, id int64) ([]int64, error) {
	tree, err := loadTree(s.db.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	if _, ok := tree[id]; !ok {
		return nil, categoryNotFound(id)
	}
	children := map[int64][]int64{}
	for c, p := range tree {
		children[p] = append(children[p], c)
	}
	ids := []int64{id}
	for i := 0; i < len(ids); i++ {
		ids = append(ids, children[ids[i]]...)
	}
	return ids, nil
}

// loadTree returns every category's parent, by category id.
func loadTree(db *gorm.DB) (map[int64]int64, error) {
	var pairs []struct{ ID, ParentID int64 }
	if err := db.Model(&categoryRow{}).Select("id, parent_id").Find(&pairs).Error; err != nil {
		return nil, err
	}
	tree := make(map[int64]int64, len(pairs))
	for _, p := range pairs {
		tree[p.ID] = p.ParentID
	}
	return tree, nil
}

func categoryNotFound(id int64) error {
	return apperr.Wrap(ErrCategoryNotFound, "category %d does not exist", id)
}

// categoryTaken turns a unique-key violation into ErrCategoryTaken.
func categoryTaken(err error, row categoryRow) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return apperr.Wrap(ErrCategoryTaken, "a category named %q already exists under parent %d; choose another name", row.Name, row.ParentID)
	}
	return err
}

// count says "1 product", "2 products".
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
