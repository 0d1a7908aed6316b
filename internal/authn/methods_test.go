package authn

import (
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
)

// TestAccessListsNameTheContract checks that every method listed as public
// or internal is a method of the contract.
func TestAccessListsNameTheContract(t *testing.T) {
	for name, lists := range map[string]map[string][]string{"public": publicMethods, "internal": internalMethods} {
		for service, methods := range lists {
			for _, m := range methods {
				if _, err := AccessOf(service, m); err != nil {
					t.Errorf("%s list: %s.%s: %v", name, service, m, err)
				}
			}
		}
	}
}

func TestAccessOf(t *testing.T) {
	tests := []struct {
		service, method string
		want            Access
		kind            apperr.Kind // of the error; -1 for none
	}{
		{"product", "GetProduct", Public, -1},
		{"product", "GetStock", Public, -1},
		{"product", "ReserveStock", Internal, -1},
		{"order", "GetOrder", Protected, -1},
		{"product", "GetStok", 0, apperr.InvalidArgument},
		{"products", "GetProduct", 0, apperr.InvalidArgument},
	}
	for _, tt := range tests {
		got, err := AccessOf(tt.service, tt.method)
		if tt.kind >= 0 {
			if apperr.KindOf(err) != tt.kind {
				t.Errorf("AccessOf(%s, %s): %v, want %s", tt.service, tt.method, err, tt.kind)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("AccessOf(%s, %s) = %s, %v; want %s", tt.service, tt.method, got, err, tt.want)
		}
	}
}
