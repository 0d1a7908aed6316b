package dbx_test

import (
	"testing"
	"unicode/utf8"

	"github.com/tempomall/tempomall/internal/dbx"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exact", 5, "exact"},
		{"longer", 4, "long"},
		{"", 0, ""},
		{"abc", 0, ""},
		{"abc", -1, ""},
		// "é" is 2 bytes and "€" 3: a cut inside one leaves it out.
		{"café", 4, "caf"},
		{"café", 5, "café"},
		{"a€b", 2, "a"},
		{"a€b", 3, "a"},
		{"a€b", 4, "a€"},
	}
	for _, tt := range tests {
		got := dbx.Truncate(tt.s, tt.n)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
