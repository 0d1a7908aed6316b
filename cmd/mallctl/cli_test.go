package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/config"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args       []string
		wantPos    []string
		wantReason string
		wantCancel bool
	}{
		{[]string{"ord_1"}, []string{"ord_1"}, "", false},
		{[]string{"-reason", "late", "ord_1"}, []string{"ord_1"}, "late", false},
		{[]string{"ord_1", "-reason", "late", "-cancel-payment"}, []string{"ord_1"}, "late", true},
		{[]string{"ord_1", "-cancel-payment", "ord_2", "--reason=x"}, []string{"ord_1", "ord_2"}, "x", true},
		{[]string{"ord_1", "--", "-reason", "x"}, []string{"ord_1", "-reason", "x"}, "", false},
		{nil, nil, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		reason := fs.String("reason", "", "")
		cancel := fs.Bool("cancel-payment", false, "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.wantPos, pos); diff != "" {
			t.Errorf("parseArgs(%q) arguments (-want +got):\n%s", tt.args, diff)
		}
		if *reason != tt.wantReason || *cancel != tt.wantCancel {
			t.Errorf("parseArgs(%q): reason %q cancel %v, want %q %v", tt.args, *reason, *cancel, tt.wantReason, tt.wantCancel)
		}
	}
}

func TestParseArgsNegativeValue(t *testing.T) {
	fs := flag.NewFlagSet("stock", flag.ContinueOnError)
	adjust := fs.Int64("adjust", 0, "")
	pos, err := parseArgs(fs, []string{"7", "-adjust", "-3"})
	if err != nil || *adjust != -3 || len(pos) != 1 || pos[0] != "7" {
		t.Errorf("parseArgs: pos %q adjust %d err %v; want [7] -3", pos, *adjust, err)
	}
}

func TestParseArgsUnknownFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseArgs(fs, []string{"x", "-nope"}); err == nil {
		t.Error("an unknown flag after an argument was accepted")
	}
}

func TestCommandName(t *testing.T) {
	for synopsis, want := range map[string]string{
		"order cancel ID [-reason R]":     "order cancel",
		"cart [show] [-json]":             "cart",
		"admin product create -name N":    "admin product create",
		"admin role assign|revoke USER":   "admin role assign|revoke",
		"checkout [-key K] [-card NUMBER": "checkout",
	} {
		if got := commandName(synopsis); got != want {
			t.Errorf("commandName(%q) = %q, want %q", synopsis, got, want)
		}
	}
}

func TestParseEnum(t *testing.T) {
	for _, in := range []string{"pending-payment", "PENDING_PAYMENT", " Pending-Payment "} {
		v, err := parseEnum(in, "ORDER_STATUS_", order.OrderStatus_value)
		if err != nil || order.OrderStatus(v) != order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT {
			t.Errorf("parseEnum(%q) = %v, %v", in, v, err)
		}
	}
	for _, in := range []string{"unspecified", "bogus", ""} {
		if _, err := parseEnum(in, "ORDER_STATUS_", order.OrderStatus_value); err == nil {
			t.Errorf("parseEnum(%q) succeeded", in)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in          string
		month, year int32
	}{
		{"", 12, 2028},
		{"10/28", 10, 2028},
		{"01/2030", 1, 2030},
	}
	for _, tt := range tests {
		m, y, err := parseExpiry(tt.in, now)
		if err != nil || m != tt.month || y != tt.year {
			t.Errorf("parseExpiry(%q) = %d/%d, %v; want %d/%d", tt.in, m, y, err, tt.month, tt.year)
		}
	}
	for _, in := range []string{"13/28", "0/28", "1228", "12/2", "ab/cd"} {
		if _, _, err := parseExpiry(in, now); err == nil {
			t.Errorf("parseExpiry(%q) succeeded", in)
		}
	}
}

func TestNewKey(t *testing.T) {
	if k := newKey("cli"); commerce.CheckKey("key", k) != nil || !strings.HasPrefix(k, "cli-") {
		t.Errorf("newKey = %q", k)
	}
}

func TestAddressOverlay(t *testing.T) {
	fs := flag.NewFlagSet("address", flag.ContinueOnError)
	var f addressFlags
	f.register(fs, &common.Address{})
	if err := fs.Parse([]string{"-city", "Paris", "-zip", "75001", "-country", "FR"}); err != nil {
		t.Fatal(err)
	}
	got, changed := f.overlay(fs, defaultAddress())
	want := defaultAddress()
	want.City, want.ZipCode, want.Country = "Paris", "75001", "FR"
	if !changed {
		t.Error("overlay reports no change")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overlay (-want +got):\n%s", diff)
	}

	fs = flag.NewFlagSet("address", flag.ContinueOnError)
	f = addressFlags{}
	f.register(fs, defaultAddress())
	if err := fs.Parse([]string{"-recipient", "Grace Hopper"}); err != nil {
		t.Fatal(err)
	}
	want = defaultAddress()
	want.Recipient = "Grace Hopper"
	if diff := cmp.Diff(want, f.address()); diff != "" {
		t.Errorf("address with defaults (-want +got):\n%s", diff)
	}
}

// runMallctl runs mallctl with args and a state file of its own; it
// returns the exit status, standard output and standard error.
func runMallctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("TEMPOMALL_MALLCTL_STATE", filepath.Join(t.TempDir(), "mallctl.json"))
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		inOut   string
		inError string
	}{
		{nil, 2, "", "usage: mallctl COMMAND"},
		{[]string{"help"}, 0, "usage: mallctl COMMAND", ""},
		{[]string{"bogus"}, 2, "", `unknown command "bogus"`},
		{[]string{"order"}, 2, "", "want one of: get, cancel, address, watch"},
		{[]string{"order", "get"}, 2, "", "mallctl order get: want 1 argument, got 0"},
		{[]string{"order", "get", "-h"}, 0, "", "usage: mallctl order get ID"},
		{[]string{"order", "get", "a", "b"}, 2, "", "want 1 argument, got 2"},
		{[]string{"cart", "add", "x"}, 2, "", `product id "x": want a positive number`},
		{[]string{"orders", "-status", "lost"}, 2, "", `"lost" is not one of cancelled, expired, paid`},
		{[]string{"checkout", "-key", "bad key"}, 2, "", "-key must be 1-64 of"},
		{[]string{"admin", "product", "create", "-name", "Cup", "-price", "1.234"}, 2, "", "USD has 2 decimal places at most"},
		{[]string{"cards"}, 0, "4000000000000341", ""},
		{[]string{"whoami"}, 1, "", "Unauthenticated: not logged in"},
		{[]string{"cart"}, 1, "", "Unauthenticated: not logged in: run `mallctl login LOGIN`"},
		{[]string{"admin", "stock", "1"}, 1, "", "not logged in as admin: run `mallctl admin login`"},
	}
	for _, tt := range tests {
		code, out, errOut := runMallctl(t, tt.args...)
		if code != tt.code || !strings.Contains(out, tt.inOut) || !strings.Contains(errOut, tt.inError) {
			t.Errorf("mallctl %q: exit %d, stdout %q, stderr %q; want exit %d with %q and %q",
				tt.args, code, out, errOut, tt.code, tt.inOut, tt.inError)
		}
	}
}

func TestUnreachableService(t *testing.T) {
	t.Setenv("TEMPOMALL_PRODUCT_ADDR", "127.0.0.1:1")
	code, _, errOut := runMallctl(t, "products")
	want := "cannot reach the product service at 127.0.0.1:1: is `make dev` running?"
	if code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("products with the product service down: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
}

func TestDescribe(t *testing.T) {
	c := &cli{cfg: config.Default(".data")}
	tests := []struct {
		err  error
		want string
	}{
		{apperr.Preconditionf("order ord_x is PAID and cannot be cancelled"), "FailedPrecondition: order ord_x is PAID and cannot be cancelled"},
		{errors.Join(errors.New("x")), "x"},
		{
			&apperr.Error{Kind: apperr.Unavailable, Msg: "service unavailable", Cause: errors.New("dial tcp 127.0.0.1:8881: connect: connection refused")},
			"cannot reach the user service at 127.0.0.1:8881: is `make dev` running?",
		},
		{
			retryHint(&apperr.Error{Kind: apperr.DeadlineExceeded, Msg: "remote call timed out"}, "refund", "r-1"),
			"DeadlineExceeded: remote call timed out\nthe refund may still go through: send it again with -key r-1",
		},
		{
			fmt.Errorf("demo step 3 (x) failed: %w", apperr.New(apperr.NotFound, "no such order")),
			"demo step 3 (x) failed: NotFound: no such order",
		},
	}
	for _, tt := range tests {
		if got := c.describe(tt.err); !strings.HasPrefix(got, tt.want) {
			t.Errorf("describe(%v) = %q, want %q...", tt.err, got, tt.want)
		}
	}
}
