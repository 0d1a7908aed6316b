package product

import (
	"context"
	"strings"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// NewCategory is a category to create.
type NewCategory struct {
	Name        string
	Description string
	// ParentID is 0 for a top-level category.
	ParentID int64
}

// CategoryUpdate is a change to a category; nil fields stay as they are.
type CategoryUpdate struct {
	Name        *string
	Description *string
	// ParentID moves the category; 0 moves it to the top level.
	ParentID *int64
}

// nameKey is the form in which sibling category names must differ.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CreateCategory adds a category. Names are unique among siblings,
// ignoring case; a repeat of the same creation is AlreadyExists.
func (s *Service) CreateCategory(ctx context.Context, nc NewCategory) (Category, error) {
	var (
		row categoryRow
		err error
	)
	if row.Name, err = text.Clean("name", nc.Name, text.Rule{Min: 1, Max: MaxCategoryNameRunes}); err != nil {
		return Category{}, err
	}
	if row.Description, err = text.Clean("description", nc.Description, text.Rule{Max: MaxCategoryDescRunes, Multiline: true}); err != nil {
		return Category{}, err
	}
	if nc.ParentID < 0 {
		return Category{}, apperr.InvalidArgf("parent_id must not be negative (0 makes a top-level category)")
	}
	row.NameKey, row.ParentID = nameKey(row.Name), nc.ParentID
	if err := s.store.CreateCategory(ctx, &row); err != nil {
		return Category{}, err
	}
	return categoryOf(row), nil
}

// GetCategory returns a category.
func (s *Service) GetCategory(ctx context.Context, id int64) (Category, error) {
	if err := checkID("id", id); err != nil {
		return Category{}, err
	}
	row, err := s.store.Category(ctx, id)
	if err != nil {
		return Category{}, err
	}
	return categoryOf(row), nil
}

// UpdateCategory renames, redescribes or moves a category. A move that
// would put a category inside itself is refused (FailedPrecondition).
func (s *Service) UpdateCategory(ctx context.Context, id int64, up CategoryUpdate) (Category, error) {
	if err := checkID("id", id); err != nil {
		return Category{}, err
	}
	if up.Name == nil && up.Description == nil && up.ParentID == nil {
		return Category{}, apperr.InvalidArgf("nothing to update: set name, description or parent_id")
	}
	if up.Name != nil {
		name, err := text.Clean("name", *up.Name, text.Rule{Min: 1, Max: MaxCategoryNameRunes})
		if err != nil {
			return Category{}, err
		}
		up.Name = &name
	}
	if up.Description != nil {
		d, err := text.Clean("description", *up.Description, text.Rule{Max: MaxCategoryDescRunes, Multiline: true})
		if err != nil {
			return Category{}, err
		}
		up.Description = &d
	}
	if up.ParentID != nil && *up.ParentID < 0 {
		return Category{}, apperr.InvalidArgf("parent_id must not be negative (0 moves the category to the top level)")
	}
	row, err := s.store.UpdateCategory(ctx, id, up)
	if err != nil {
		return Category{}, err
	}
	return categoryOf(row), nil
}

// DeleteCategory deletes a category. A category that still has
// subcategories or products is not deleted (FailedPrecondition): they must
// be moved or deleted first, so that no product silently loses its place.
func (s *Service) DeleteCategory(ctx context.Context, id int64) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	return s.store.DeleteCategory(ctx, id)
}

// ListCategories returns the direct children of parentID, or every
// category when parentID is 0, in id order.
func (s *Service) ListCategories(ctx context.Context, parentID int64) ([]Category, error) {
	if parentID < 0 {
		return nil, apperr.InvalidArgf("parent_id must not be negative (0 lists every category)")
	}
	rows, err := s.store.Categories(ctx, parentID)
	if err != nil {
		return nil, err
	}
	out := make([]Category, len(rows))
	for i, r := range rows {
		out[i] = categoryOf(r)
	}
	return out, nil
}

// categoryFilter returns the category and its descendants for a listing
// filter, or nil when id is 0 (no filter).
func (s *Service) categoryFilter(ctx context.Context, id int64) ([]int64, error) {
	if id == 0 {
		return nil, nil
	}
	if err := checkID("category_id", id); err != nil {
		return nil, err
	}
	return s.store.Descendants(ctx, id)
}
