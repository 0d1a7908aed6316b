package user

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, pw string
		want     string // the message, "" when accepted
	}{
		{"letters and digits", "pass-word-1", ""},
		{"exactly 8", "abcdefg1", ""},
		{"72 bytes", strings.Repeat("a", 71) + "1", ""},
		{"8 characters of several bytes", "密码密码密码密1", ""},
		{"unicode digits count", "passwort٣", ""},
		{"too short", "abc1", "password must be at least 8 characters long"},
		{"7 characters of many bytes", "密码密码密码1", "password must be at least 8 characters long"},
		{"longer than bcrypt reads", strings.Repeat("a", 72) + "1", "password must be at most 72 bytes long"},
		{"no digit", "password-only", "password must contain a digit"},
		{"no letter", "1234567890", "password must contain a letter"},
		{"empty names every rule", "", "password must be at least 8 characters long, contain a letter, contain a digit"},
		{"common", "Password123", "password must not be a commonly used password"},
		{"common and short", "welcome1", "password must not be a commonly used password"},
		{"the email", "ada1@example.com", "password must differ from the email and the username"},
		{"the username", "Ada1Lovelace", "password must differ from the email and the username"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkPassword(tt.pw, "ada1@example.com", "ada1lovelace")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == "":
				return
			case err == nil:
				t.Fatalf("accepted, want %q", tt.want)
			case apperr.KindOf(err) != apperr.InvalidArgument || err.Error() != tt.want:
				t.Errorf("got %v %q, want InvalidArgument %q", apperr.KindOf(err), err.Error(), tt.want)
			}
		})
	}
}

func TestHasher(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(bcrypt.MinCost)
	hash, err := h.Hash(ctx, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.MinCost {
		t.Errorf("cost = %d, %v; want %d", cost, err, bcrypt.MinCost)
	}
	if strings.Contains(hash, testPassword) {
		t.Errorf("hash contains the password")
	}
	other, _ := h.Hash(ctx, testPassword)
	if other == hash {
		t.Errorf("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, hash, pw string
		want           bool
	}{
		{"right", hash, testPassword, true},
		{"wrong", hash, "pass-word-2", false},
		{"case matters", hash, strings.ToUpper(testPassword), false},
		{"empty password", hash, "", false},
		{"no account (dummy hash)", "", testPassword, false},
		{"garbage hash", "not-a-hash", testPassword, false},
	}
	for _, tt := range tests {
		if got, err := h.Matches(ctx, tt.hash, tt.pw); got != tt.want || err != nil {
			t.Errorf("%s: Matches = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if NewHasher(0).Cost != bcrypt.DefaultCost {
		t.Errorf("cost 0 is not the default cost")
	}
}

// TestHasherGivesUpWithItsCaller: with every slot taken, a request whose
// context ends leaves without hashing, answered Unavailable; a slot given
// back serves the next request.
func TestHasherGivesUpWithItsCaller(t *testing.T) {
	h := NewHasher(bcrypt.MinCost)
	var releases []func()
	for range cap(h.slots) {
		release, err := h.slot(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, testPassword); apperr.KindOf(err) != apperr.Unavailable {
		t.Fatalf("Hash with every slot taken: %v, want Unavailable", err)
	}
	if _, err := h.Matches(ctx, "", testPassword); apperr.KindOf(err) != apperr.Unavailable {
		t.Fatalf("Matches with every slot taken: %v, want Unavailable", err)
	}
	releases[0]()
	if _, err := h.Hash(context.Background(), testPassword); err != nil {
		t.Fatalf("Hash once a slot is free: %v", err)
	}
}
