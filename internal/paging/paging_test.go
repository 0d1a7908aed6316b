package paging

import "testing"

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
