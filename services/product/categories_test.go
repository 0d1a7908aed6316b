package product

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestCategories(t *testing.T) {
	f := newFixture(t)
	home := f.category("Home", 0)
	kitchen := f.category("Kitchen", home.ID)
	mugs := f.category("Mugs", kitchen.ID)
	garden := f.category("Garden", 0)

	got, err := f.svc.GetCategory(context.Background(), mugs.ID)
	if err != nil {
		t.Fatal(err)
	}
	ignoreTimes := cmpopts.IgnoreFields(Category{}, "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(Category{ID: mugs.ID, Name: "Mugs", ParentID: kitchen.ID}, got, ignoreTimes); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}

	list := func(parent int64) []int64 {
		t.Helper()
		cs, err := f.svc.ListCategories(context.Background(), parent)
		if err != nil {
			t.Fatalf("list %d: %v", parent, err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if diff := cmp.Diff([]int64{home.ID, kitchen.ID, mugs.ID, garden.ID}, list(0)); diff != "" {
		t.Errorf("list all (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{kitchen.ID}, list(home.ID)); diff != "" {
		t.Errorf("list children (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		call func() error
		kind apperr.Kind
		says string
	}{
		{"sibling with the same name", func() error {
			_, err := f.svc.CreateCategory(admin(), NewCategory{Name: " kitchen ", ParentID: home.ID})
			return err
		}, apperr.AlreadyExists, `"kitchen" already exists under parent`},
		{"unknown parent", func() error {
			_, err := f.svc.CreateCategory(admin(), NewCategory{Name: "X", ParentID: 404})
			return err
		}, apperr.NotFound, "parent category 404"},
		{"empty name", func() error {
			_, err := f.svc.CreateCategory(admin(), NewCategory{Name: ""})
			return err
		}, apperr.InvalidArgument, "name is required"},
		{"own parent", func() error {
			_, err := f.svc.UpdateCategory(admin(), home.ID, CategoryUpdate{ParentID: ptr(home.ID)})
			return err
		}, apperr.FailedPrecondition, "its own parent"},
		{"cycle", func() error {
			_, err := f.svc.UpdateCategory(admin(), home.ID, CategoryUpdate{ParentID: ptr(mugs.ID)})
			return err
		}, apperr.FailedPrecondition, "cycle"},
		{"rename onto a sibling", func() error {
			_, err := f.svc.UpdateCategory(admin(), garden.ID, CategoryUpdate{Name: ptr("HOME")})
			return err
		}, apperr.AlreadyExists, "already exists"},
		{"nothing to update", func() error {
			_, err := f.svc.UpdateCategory(admin(), garden.ID, CategoryUpdate{})
			return err
		}, apperr.InvalidArgument, "nothing to update"},
		{"delete with children", func() error { return f.svc.DeleteCategory(admin(), kitchen.ID) },
			apperr.FailedPrecondition, "still has 1 subcategory and 0 products"},
		{"get unknown", func() error {
			_, err := f.svc.GetCategory(context.Background(), 404)
			return err
		}, apperr.NotFound, "category 404 does not exist"},
		{"list under unknown", func() error {
			_, err := f.svc.ListCategories(context.Background(), 404)
			return err
		}, apperr.NotFound, "category 404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantErr(t, tt.call(), tt.kind, tt.says) })
	}

	// A product keeps its category from being deleted.
	p := f.product("Mug", 100, 1, mugs.ID)
	wantErr(t, f.svc.DeleteCategory(admin(), mugs.ID), apperr.FailedPrecondition, "0 subcategories and 1 product:")

	// Moving a subtree keeps the listing filter following it.
	moved, err := f.svc.UpdateCategory(admin(), kitchen.ID, CategoryUpdate{ParentID: ptr(garden.ID), Description: ptr("Pots and pans")})
	if err != nil {
		t.Fatal(err)
	}
	if moved.ParentID != garden.ID || moved.Description != "Pots and pans" || moved.Name != "Kitchen" {
		t.Errorf("moved: %+v", moved)
	}
	if got, _ := listAll(t, f, ListQuery{CategoryID: garden.ID}); !cmp.Equal(got, []int64{p.ID}) {
		t.Errorf("garden lists %v, want [%d]", got, p.ID)
	}
	if got, _ := listAll(t, f, ListQuery{CategoryID: home.ID}); len(got) != 0 {
		t.Errorf("home lists %v after the move, want none", got)
	}

	// Emptied categories can be deleted, leaves first.
	if err := f.svc.DeleteProduct(admin(), p.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{mugs.ID, kitchen.ID, garden.ID, home.ID} {
		if err := f.svc.DeleteCategory(admin(), id); err != nil {
			t.Fatalf("delete %d: %v", id, err)
		}
	}
	wantErr(t, f.svc.DeleteCategory(admin(), home.ID), apperr.NotFound)
	if got := list(0); len(got) != 0 {
		t.Errorf("categories left: %v", got)
	}
}
