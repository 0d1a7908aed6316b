package rpc

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tempomall/tempomall/internal/contract"
)

// requestFields returns the rule keys ("pkg.Message.field") of every
// string field reachable from a request of the contract.
func requestFields(t *testing.T) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			if typ.Kind() == reflect.Map {
				typ = typ.Elem()
				continue
			}
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		pkg := typ.PkgPath()[strings.LastIndex(typ.PkgPath(), "/")+1:]
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			if name := protoNameOf(f.Tag.Get("protobuf")); name != "" {
				if base := baseKind(f.Type); base == reflect.String {
					keys[pkg+"."+typ.Name()+"."+name] = true
				}
				walk(f.Type)
			}
		}
		if w, ok := reflect.New(typ).Interface().(interface{ XXX_OneofWrappers() []any }); ok {
			for _, o := range w.XXX_OneofWrappers() {
				walk(reflect.TypeOf(o))
			}
		}
	}
	for _, req := range contract.Requests() {
		walk(reflect.TypeOf(req))
	}
	return keys
}

func baseKind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t.Kind()
}

func protoNameOf(tag string) string {
	for _, part := range strings.Split(tag, ",") {
		if n, ok := strings.CutPrefix(part, "name="); ok {
			return n
		}
	}
	return ""
}

// TestFieldRulesNameTheContract checks that every field rule names a
// string field of a request, so that a renamed field cannot silently fall
// back to the default rule.
func TestFieldRulesNameTheContract(t *testing.T) {
	fields := requestFields(t)
	if len(fields) < 50 {
		t.Fatalf("found only %d request string fields", len(fields))
	}
	for key := range FieldRules {
		if !fields[key] {
			t.Errorf("FieldRules[%q] names no string field of a request", key)
		}
	}
	// The secrets of the contract are all marked so.
	for key := range fields {
		name := key[strings.LastIndex(key, ".")+1:]
		secret := strings.Contains(name, "password") || strings.Contains(name, "token") && !strings.Contains(name, "page_token") ||
			name == "client_secret" || name == "cvv" || key == "payment.Card.number"
		if secret && !FieldRules[key].Secret {
			t.Errorf("%s looks secret but its rule may quote it", key)
		}
	}
}
