package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestEnvironRoundTrip changes every setting of the configuration, one at
// a time, to a value other than its default and checks that FromEnv reads
// back from Environ exactly the configuration it was given: a setting
// added to Config without its variable fails here.
func TestEnvironRoundTrip(t *testing.T) {
	// Settings with a closed set of values, or that need another one.
	special := map[string]func(c *Config){
		"Discovery":       func(c *Config) { c.Discovery, c.EtcdEndpoints = "etcd", []string{"etcd1:2379", "etcd2:2379"} },
		"Ops.LogFormat":   func(c *Config) { c.Ops.LogFormat = "text" },
		"CatalogCurrency": func(c *Config) { c.CatalogCurrency = "EUR" },
		"Listen":          func(c *Config) { c.Listen[Product] = "0.0.0.0:9003" },
		"Dial":            func(c *Config) { c.Dial[Cart] = "cart.internal:8884" },
		"ExchangeRates":   func(c *Config) { c.ExchangeRates = map[string]string{"USD": "1", "GBP": "0.79"} },
	}
	fields := leafFields(reflect.TypeFor[Config](), "")
	if len(fields) < 40 {
		t.Fatalf("found only %d settings: %v", len(fields), fields)
	}
	for _, name := range fields {
		t.Run(name, func(t *testing.T) {
			c := Default("/srv/tempomall")
			if f, ok := special[name]; ok {
				f(&c)
			} else {
				setOther(t, fieldOf(&c, name), name)
			}
			if reflect.DeepEqual(c, Default("/srv/tempomall")) {
				t.Fatalf("the test did not change %s", name)
			}
			env := map[string]string{}
			for _, kv := range Environ(c) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
			got, err := fromLookup(lookup(env))
			if err != nil {
				t.Fatalf("FromEnv of %v: %v", env, err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("%s did not come back:\n got %+v\nwant %+v", name, got, c)
			}
		})
	}
}

// leafFields names the settings of a struct type ("Ops.LogLevel").
func leafFields(t reflect.Type, prefix string) []string {
	var out []string
	for f := range t.Fields() {
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
			out = append(out, leafFields(f.Type, prefix+f.Name+".")...)
			continue
		}
		out = append(out, prefix+f.Name)
	}
	return out
}

// fieldOf returns the setting name of c.
func fieldOf(c *Config, name string) reflect.Value {
	v := reflect.ValueOf(c).Elem()
	for part := range strings.SplitSeq(name, ".") {
		v = v.FieldByName(part)
	}
	return v
}

// setOther gives a setting a value of its kind that no default has.
func setOther(t *testing.T, v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("other-" + strings.ToLower(strings.ReplaceAll(name, ".", "-")))
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int:
		v.SetInt(v.Int() + 7)
	case reflect.Int64: // time.Duration
		v.SetInt(v.Int() + int64(90*time.Second))
	case reflect.Slice:
		v.Set(reflect.ValueOf([]string{"a:1", "b:2"}))
	default:
		t.Fatal(fmt.Sprintf("setting %s has kind %s: teach the test to change it", name, v.Kind()))
	}
}

// TestChildEnviron: a child gets this process's environment without its
// own TEMPOMALL_ variables, and the configuration's.
func TestChildEnviron(t *testing.T) {
	t.Setenv("TEMPOMALL_CHECKOUT_TTL", "1s")
	t.Setenv("TEMPOMALL_TEST_OTHER", "kept-out")
	t.Setenv("CHILD_ENVIRON_TEST", "kept")
	c := Default("/srv/tempomall")
	env := strings.Join(ChildEnviron(c), "\n") + "\n"
	for _, want := range []string{"CHILD_ENVIRON_TEST=kept\n", "TEMPOMALL_CHECKOUT_TTL=30m0s\n", "TEMPOMALL_DATA_DIR=/srv/tempomall\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("the child's environment has no %q", strings.TrimSpace(want))
		}
	}
	for _, unwanted := range []string{"TEMPOMALL_CHECKOUT_TTL=1s", "TEMPOMALL_TEST_OTHER"} {
		if strings.Contains(env, unwanted) {
			t.Errorf("the child's environment has %q", unwanted)
		}
	}
}
