package commerce

import "testing"

func TestSameItems(t *testing.T) {
	a := []Item{{ProductID: 1, Quantity: 2}, {ProductID: 3, Quantity: 1}}
	for _, tt := range []struct {
		b    []Item
		want bool
	}{
		{[]Item{{ProductID: 3, Quantity: 1}, {ProductID: 1, Quantity: 2}}, true},                              // any order
		{[]Item{{ProductID: 1, Quantity: 1}, {ProductID: 1, Quantity: 1}, {ProductID: 3, Quantity: 1}}, true}, // split lines
		{[]Item{{ProductID: 1, Quantity: 2}}, false},
		{[]Item{{ProductID: 1, Quantity: 2}, {ProductID: 3, Quantity: 2}}, false},
		{nil, false},
	} {
		if got := SameItems(a, tt.b); got != tt.want {
			t.Errorf("SameItems(%v, %v) = %v, want %v", a, tt.b, got, tt.want)
		}
	}
}
