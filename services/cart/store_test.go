package cart_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/services/cart"
)

// newStore returns a store over a fresh database (SQLite, or MySQL when
// TEMPOMALL_TEST_MYSQL_DSN is set).
func newStore(t *testing.T) *cart.Store {
	t.Helper()
	return cart.NewStore(dbtest.Open(t, "cart", cart.Migrations))
}

// ignoreAddedAt compares lines without their timestamps.
var ignoreAddedAt = cmpopts.IgnoreFields(cart.Line{}, "AddedAt")

// line is a cart line of qty units of product id, named after it.
func line(id, qty int64) cart.Line {
	return cart.Line{ProductID: id, Quantity: qty, Name: fmt.Sprintf("product %d", id)}
}

// fill adds lines to a user's cart or fails the test.
func fill(t *testing.T, s *cart.Store, userID int64, lines ...cart.Line) {
	t.Helper()
	for _, l := range lines {
		if err := s.Add(context.Background(), userID, l, ""); err != nil {
			t.Fatalf("add %+v: %v", l, err)
		}
	}
}

// wantLines fails the test unless the user's cart holds want.
func wantLines(t *testing.T, s *cart.Store, userID int64, want []cart.Line) {
	t.Helper()
	got, err := s.Lines(context.Background(), userID)
	if err != nil {
		t.Fatalf("lines: %v", err)
	}
	if diff := cmp.Diff(want, got, ignoreAddedAt, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("cart of user %d (-want +got):\n%s", userID, diff)
	}
}

// kindOf returns the failure kind of err, or "ok" for nil.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	return apperr.KindOf(err).String()
}

func TestStoreAdd(t *testing.T) {
	renamed := line(1, 1)
	renamed.Name, renamed.PictureURL = "new name", "https://img.example/1.png"
	long := cart.Line{ProductID: 1, Quantity: 1, Name: strings.Repeat("名", 200),
		PictureURL: "https://img.example/" + strings.Repeat("p", 2048-len("https://img.example/"))}
	tests := []struct {
		name  string
		adds  []cart.Line
		kinds []string // the outcome of each add
		want  []cart.Line
	}{
		{"new line", []cart.Line{line(1, 2)}, []string{"ok"}, []cart.Line{line(1, 2)}},
		{"merge", []cart.Line{line(1, 2), line(1, 3)}, []string{"ok", "ok"}, []cart.Line{line(1, 5)}},
		{"lines in the order first added", []cart.Line{line(2, 1), line(1, 1), line(2, 1)},
			[]string{"ok", "ok", "ok"}, []cart.Line{line(2, 2), line(1, 1)}},
		{"merge up to the cap", []cart.Line{line(1, 90), line(1, 9)}, []string{"ok", "ok"}, []cart.Line{line(1, 99)}},
		{"merge beyond the cap changes nothing", []cart.Line{line(1, 95), line(1, 5)},
			[]string{"ok", "InvalidArgument"}, []cart.Line{line(1, 95)}},
		{"full line", []cart.Line{line(1, 99), line(1, 1)}, []string{"ok", "InvalidArgument"}, []cart.Line{line(1, 99)}},
		{"zero", []cart.Line{line(1, 0)}, []string{"InvalidArgument"}, nil},
		{"negative", []cart.Line{line(1, -3)}, []string{"InvalidArgument"}, nil},
		{"more than a line holds", []cart.Line{line(1, 100)}, []string{"InvalidArgument"}, nil},
		{"huge", []cart.Line{line(1, 99), line(1, 1<<62)}, []string{"ok", "InvalidArgument"}, []cart.Line{line(1, 99)}},
		{"name and picture follow the catalog", []cart.Line{line(1, 1), renamed}, []string{"ok", "ok"},
			[]cart.Line{{ProductID: 1, Quantity: 2, Name: "new name", PictureURL: "https://img.example/1.png"}}},
		{"longest name and picture the catalog allows", []cart.Line{long}, []string{"ok"}, []cart.Line{long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			var kinds []string
			for _, l := range tt.adds {
				err := s.Add(context.Background(), 7, l, "")
				kinds = append(kinds, kindOf(err))
			}
			if diff := cmp.Diff(tt.kinds, kinds); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			wantLines(t, s, 7, tt.want)
			wantLines(t, s, 8, nil) // other carts are untouched
		})
	}
}

func TestStoreAddCapMessage(t *testing.T) {
	s := newStore(t)
	fill(t, s, 7, line(1, 95))
	err := s.Add(context.Background(), 7, line(1, 5), "")
	want := "the cart already holds 95 units of product 1 and a line holds at most 99: add at most 4 more"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestStoreLineLimit(t *testing.T) {
	s := newStore(t)
	var want []cart.Line
	for id := int64(1); id <= cart.MaxLines; id++ {
		want = append(want, line(id, 1))
	}
	fill(t, s, 7, want...)
	err := s.Add(context.Background(), 7, line(cart.MaxLines+1, 1), "")
	if got := kindOf(err); got != "FailedPrecondition" {
		t.Errorf("add a line to a full cart: %v (%s), want FailedPrecondition", err, got)
	}
	// Merging into a line is still allowed.
	fill(t, s, 7, line(1, 1))
	want[0].Quantity = 2
	wantLines(t, s, 7, want)
}

func TestStoreConcurrentAddsMerge(t *testing.T) {
	s := newStore(t)
	errs := parallel(50, func(int) error {
		return s.Add(context.Background(), 7, line(1, 1), "")
	})
	if diff := cmp.Diff(map[string]int{"ok": 50}, errs); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	wantLines(t, s, 7, []cart.Line{line(1, 50)})
}

func TestStoreConcurrentAddsKeepTheCap(t *testing.T) {
	s := newStore(t)
	// 60 adds of 2 units: 49 fit (98 units), 11 would exceed 99.
	errs := parallel(60, func(int) error {
		return s.Add(context.Background(), 7, line(1, 2), "")
	})
	if diff := cmp.Diff(map[string]int{"ok": 49, "InvalidArgument": 11}, errs); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	wantLines(t, s, 7, []cart.Line{line(1, 98)})
}

func TestStoreConcurrentAddsKeepTheLineLimit(t *testing.T) {
	s := newStore(t)
	for id := int64(1); id <= cart.MaxLines-5; id++ {
		fill(t, s, 7, line(id, 1))
	}
	errs := parallel(20, func(i int) error {
		return s.Add(context.Background(), 7, line(int64(1000+i), 1), "")
	})
	if diff := cmp.Diff(map[string]int{"ok": 5, "FailedPrecondition": 15}, errs); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	got, err := s.Lines(context.Background(), 7)
	if err != nil || len(got) != cart.MaxLines {
		t.Errorf("cart has %d lines (%v), want %d", len(got), err, cart.MaxLines)
	}
}

// parallel runs f n times at once and counts the outcomes by kind.
func parallel(n int, f func(i int) error) map[string]int {
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		outs = map[string]int{}
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			k := kindOf(f(i))
			mu.Lock()
			outs[k]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return outs
}

// setCase sets the quantity of a product in user 7's cart.
type setCase struct {
	name      string
	productID int64
	quantity  int64
	kind      string      // the outcome
	want      []cart.Line // the cart after
}

func TestStoreSet(t *testing.T) {
	tests := []setCase{
		{"raise", 1, 7, "ok", []cart.Line{line(1, 7), line(2, 2)}},
		{"lower", 2, 1, "ok", []cart.Line{line(1, 3), line(2, 1)}},
		{"same", 1, 3, "ok", []cart.Line{line(1, 3), line(2, 2)}},
		{"to the cap", 1, 99, "ok", []cart.Line{line(1, 99), line(2, 2)}},
		{"zero removes", 1, 0, "ok", []cart.Line{line(2, 2)}},
		{"zero of a product not in the cart", 3, 0, "ok", []cart.Line{line(1, 3), line(2, 2)}},
		{"not in the cart", 3, 1, "NotFound", []cart.Line{line(1, 3), line(2, 2)}},
		{"beyond the cap", 1, 100, "InvalidArgument", []cart.Line{line(1, 3), line(2, 2)}},
		{"negative", 1, -1, "InvalidArgument", []cart.Line{line(1, 3), line(2, 2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			fill(t, s, 7, line(1, 3), line(2, 2))
			fill(t, s, 8, line(1, 3))
			err := s.Set(context.Background(), 7, tt.productID, tt.quantity)
			if got := kindOf(err); got != tt.kind {
				t.Errorf("Set(%d, %d) = %v (%s), want %s", tt.productID, tt.quantity, err, got, tt.kind)
			}
			wantLines(t, s, 7, tt.want)
			wantLines(t, s, 8, []cart.Line{line(1, 3)})
		})
	}
}

func TestStoreRemoveAndEmpty(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	fill(t, s, 7, line(1, 3), line(2, 2), line(3, 1))
	fill(t, s, 8, line(1, 3))
	for range 2 { // a repeat succeeds too
		if err := s.Remove(ctx, 7, 2); err != nil {
			t.Fatalf("remove: %v", err)
		}
	}
	wantLines(t, s, 7, []cart.Line{line(1, 3), line(3, 1)})
	for range 2 {
		if err := s.Empty(ctx, 7); err != nil {
			t.Fatalf("empty: %v", err)
		}
	}
	wantLines(t, s, 7, nil)
	wantLines(t, s, 8, []cart.Line{line(1, 3)})
}

func TestStoreRemoveOrdered(t *testing.T) {
	type call struct {
		user    int64
		order   string
		items   []cart.OrderedItem
		kind    string
		applied bool
	}
	item := func(id, qty int64) cart.OrderedItem { return cart.OrderedItem{ProductID: id, Quantity: qty} }
	tests := []struct {
		name  string
		calls []call
		want  []cart.Line // user 7's cart, which starts as 1:5, 2:2, 3:4
	}{
		{"partial subtraction", []call{
			{7, "o1", []cart.OrderedItem{item(1, 3), item(2, 2), item(4, 1)}, "ok", true},
		}, []cart.Line{line(1, 2), line(3, 4)}},
		{"more than the cart holds", []call{
			{7, "o1", []cart.OrderedItem{item(3, 10)}, "ok", true},
		}, []cart.Line{line(1, 5), line(2, 2)}},
		{"huge quantity", []call{
			{7, "o1", []cart.OrderedItem{item(3, 1<<62), item(3, 1<<62)}, "ok", true},
		}, []cart.Line{line(1, 5), line(2, 2)}},
		{"items of one product add up", []call{
			{7, "o1", []cart.OrderedItem{item(1, 2), item(1, 2)}, "ok", true},
		}, []cart.Line{line(1, 1), line(2, 2), line(3, 4)}},
		{"a repeat changes nothing", []call{
			{7, "o1", []cart.OrderedItem{item(1, 2)}, "ok", true},
			{7, "o1", []cart.OrderedItem{item(1, 2)}, "ok", false},
			{7, "o1", []cart.OrderedItem{item(1, 3)}, "ok", false},
		}, []cart.Line{line(1, 3), line(2, 2), line(3, 4)}},
		{"another order is applied", []call{
			{7, "o1", []cart.OrderedItem{item(1, 2)}, "ok", true},
			{7, "o2", []cart.OrderedItem{item(1, 2)}, "ok", true},
		}, []cart.Line{line(1, 1), line(2, 2), line(3, 4)}},
		{"an order id of another cart", []call{
			{8, "o1", []cart.OrderedItem{item(1, 1)}, "ok", true},
			{7, "o1", []cart.OrderedItem{item(1, 2)}, "FailedPrecondition", false},
		}, []cart.Line{line(1, 5), line(2, 2), line(3, 4)}},
		{"bad items change nothing and record nothing", []call{
			{7, "o1", []cart.OrderedItem{item(1, 2), item(2, 0)}, "InvalidArgument", false},
			{7, "o1", []cart.OrderedItem{item(1, -2)}, "InvalidArgument", false},
			{7, "o1", []cart.OrderedItem{item(0, 1)}, "InvalidArgument", false},
			{7, "o1", nil, "InvalidArgument", false},
			{7, "o1", []cart.OrderedItem{item(1, 2)}, "ok", true},
		}, []cart.Line{line(1, 3), line(2, 2), line(3, 4)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			fill(t, s, 7, line(1, 5), line(2, 2), line(3, 4))
			for i, c := range tt.calls {
				applied, err := s.RemoveOrdered(context.Background(), c.user, c.order, c.items)
				if got := kindOf(err); got != c.kind || applied != c.applied {
					t.Errorf("call %d: applied %v, %v (%s); want applied %v, %s", i, applied, err, got, c.applied, c.kind)
				}
			}
			wantLines(t, s, 7, tt.want)
		})
	}
}

func TestStoreRemoveOrderedKeepsUnitsAddedSince(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	fill(t, s, 7, line(1, 2))
	// The order bought 2 units; meanwhile the customer added 3 more.
	fill(t, s, 7, line(1, 3))
	for range 3 { // retried by the workflow
		if _, err := s.RemoveOrdered(ctx, 7, "order-1", []cart.OrderedItem{{ProductID: 1, Quantity: 2}}); err != nil {
			t.Fatalf("remove ordered: %v", err)
		}
	}
	wantLines(t, s, 7, []cart.Line{line(1, 3)})
}

func TestStoreRemoveOrderedConcurrentRepeats(t *testing.T) {
	s := newStore(t)
	fill(t, s, 7, line(1, 10))
	var (
		mu      sync.Mutex
		applied int
	)
	errs := parallel(10, func(int) error {
		ok, err := s.RemoveOrdered(context.Background(), 7, "order-1", []cart.OrderedItem{{ProductID: 1, Quantity: 3}})
		if ok {
			mu.Lock()
			applied++
			mu.Unlock()
		}
		return err
	})
	if diff := cmp.Diff(map[string]int{"ok": 10}, errs); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if applied != 1 {
		t.Errorf("applied %d times, want once", applied)
	}
	wantLines(t, s, 7, []cart.Line{line(1, 7)})
}

func TestStoreAddWithKeyAddsOnce(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for i, key := range []string{"k1", "k1", "k2", "k1"} {
		if err := s.Add(ctx, 7, line(1, 2), key); err != nil {
			t.Fatalf("add %d (%s): %v", i, key, err)
		}
	}
	lines, err := s.Lines(ctx, 7)
	if err != nil || len(lines) != 1 || lines[0].Quantity != 4 {
		t.Errorf("lines %+v, %v; want one line of 4 (two distinct keys)", lines, err)
	}
	// Keys belong to a cart: another cart may use the same key.
	if err := s.Add(ctx, 8, line(1, 2), "k1"); err != nil {
		t.Fatal(err)
	}
	if lines, _ := s.Lines(ctx, 8); len(lines) != 1 || lines[0].Quantity != 2 {
		t.Errorf("other cart %+v", lines)
	}
}
