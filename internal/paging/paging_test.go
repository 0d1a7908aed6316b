package paging

import (
	"strings"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestParseAndRespond(t *testing.T) {
	p, err := Parse(0, "")
	if err != nil || p.Size != DefaultSize || p.Offset != 0 {
		t.Fatalf("default page %+v, %v", p, err)
	}
	r := p.Response(DefaultSize, 45)
	next, err := Parse(0, r.GetNextPageToken())
	if err != nil || next.Offset != 20 {
		t.Fatalf("next page %+v, %v", next, err)
	}
	if last := (Page{Offset: 40, Size: 20}).Response(5, 45); last.GetNextPageToken() != "" || last.GetTotal() != 45 {
		t.Errorf("last page %+v", last)
	}
	for _, bad := range []struct {
		size  int32
		token string
	}{{-1, ""}, {MaxSize + 1, ""}, {10, "not-a-token"}, {10, Token(-5)}} {
		if _, err := Parse(bad.size, bad.token); err == nil {
			t.Errorf("Parse(%d, %q) accepted", bad.size, bad.token)
		}
	}
}

func TestSize(t *testing.T) {
	for _, tt := range []struct {
		size int32
		want int
		ok   bool
	}{
		{0, DefaultSize, true},
		{1, 1, true},
		{MaxSize, MaxSize, true},
		{MaxSize + 1, 0, false},
		{-1, 0, false},
		{1 << 30, 0, false},
	} {
		got, err := Size(tt.size)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("Size(%d) = %d, %v; want %d (ok %v)", tt.size, got, err, tt.want, tt.ok)
		}
		if err != nil {
			if apperr.KindOf(err) != apperr.InvalidArgument || !strings.Contains(err.Error(), "page_size must be 1 to 100") {
				t.Errorf("Size(%d): %v (%v), want an InvalidArgument naming the range", tt.size, err, apperr.KindOf(err))
			}
		}
	}
}
