package user

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tempomall/tempomall/internal/dbx/dbtest"
)

// row returns an account row with its normalized columns filled in.
func row(email, username string) *userRow {
	return &userRow{
		Email: email, EmailNormalized: strings.ToLower(email),
		Username: username, UsernameNormalized: strings.ToLower(username),
		PasswordHash: "$2a$04$hash",
	}
}

func TestStoreCreateAndFind(t *testing.T) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(t, "user", Migrations))
	ada := row("Ada@Example.com", "Ada")
	if err := s.Create(ctx, ada); err != nil || ada.ID == 0 {
		t.Fatalf("create: %v (id %d)", err, ada.ID)
	}
	tests := []struct {
		name string
		find func() (userRow, error)
		want error
	}{
		{"by id", func() (userRow, error) { return s.ByID(ctx, ada.ID) }, nil},
		{"by normalized email", func() (userRow, error) { return s.ByLogin(ctx, "ada@example.com") }, nil},
		{"by normalized username", func() (userRow, error) { return s.ByLogin(ctx, "ada") }, nil},
		{"by unknown id", func() (userRow, error) { return s.ByID(ctx, ada.ID+1) }, ErrNotFound},
		{"by unknown login", func() (userRow, error) { return s.ByLogin(ctx, "bob") }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.find()
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err == nil && (u.ID != ada.ID || u.Email != "Ada@Example.com" || u.Username != "Ada") {
				t.Errorf("found %+v", u)
			}
		})
	}
}

func TestStoreUniqueness(t *testing.T) {
	tests := []struct {
		name string
		u    *userRow
		want error
	}{
		{"email in another case", row("ADA@example.com", "other"), ErrEmailTaken},
		{"username in another case", row("other@example.com", "ADA"), ErrUsernameTaken},
		{"both taken: the email is named", row("ada@example.com", "ada"), ErrEmailTaken},
		{"new", row("other@example.com", "other"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := NewStore(dbtest.Open(t, "user", Migrations))
			if err := s.Create(ctx, row("ada@example.com", "ada")); err != nil {
				t.Fatal(err)
			}
			if err := s.Create(ctx, tt.u); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("create: %v, want %v", err, tt.want)
			}
			// The same rules hold when an existing account changes.
			bob := row("bob@example.com", "bob")
			if err := s.Create(ctx, bob); err != nil {
				t.Fatal(err)
			}
			fields := map[string]any{"email": tt.u.Email, "email_normalized": tt.u.EmailNormalized,
				"username": tt.u.Username, "username_normalized": tt.u.UsernameNormalized}
			if tt.want == nil {
				fields = map[string]any{"username": "bobby", "username_normalized": "bobby"}
			}
			if err := s.Update(ctx, bob, fields); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("update: %v, want %v", err, tt.want)
			}
		})
	}
}

// TestStoreConcurrentRegistrations checks that the unique keys, not a
// check before the insert, keep emails unique: of many simultaneous
// registrations of one address in different cases, exactly one succeeds.
func TestStoreConcurrentRegistrations(t *testing.T) {
	ctx := context.Background()
	s := NewStore(dbtest.Open(t, "user", Migrations))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := "ada@example.com"
			if i%2 == 1 {
				email = "ADA@EXAMPLE.COM"
			}
			errs[i] = s.Create(ctx, row(email, fmt.Sprintf("ada%d", i)))
		}()
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !errors.Is(err, ErrEmailTaken):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if created != 1 {
		t.Errorf("%d registrations succeeded, want 1", created)
	}
}
