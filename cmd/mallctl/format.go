package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// fmtMoney formats an amount in major units with its currency, as
// money.Money.String does ("25.00 USD", "1200 JPY"); nil is "-".
func fmtMoney(m *common.Money) string {
	if m == nil {
		return "-"
	}
	return protoconv.FromMoney(m).String()
}

// fmtTime formats a timestamp in local time; nil is "-".
func fmtTime(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return "-"
	}
	return ts.AsTime().Local().Format("2006-01-02 15:04:05")
}

// fmtRelative says how far t is from now: "in 42s", "3m0s ago".
func fmtRelative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	if d >= 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
}

// enumName returns an enum value without its prefix (ORDER_STATUS_PAID is
// PAID); UNSPECIFIED is "-".
func enumName(v fmt.Stringer, prefix string) string {
	s := strings.TrimPrefix(v.String(), prefix)
	if s == "UNSPECIFIED" {
		return "-"
	}
	return s
}

// parseEnum reads an enum value typed without its prefix, in any case and
// with dashes or underscores ("paid", "pending-payment").
func parseEnum(s, prefix string, values map[string]int32) (int32, error) {
	name := prefix + strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	if v, ok := values[name]; ok && v != 0 {
		return v, nil
	}
	var names []string
	for n, v := range values {
		if v != 0 {
			names = append(names, strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(n, prefix), "_", "-")))
		}
	}
	sort.Strings(names)
	return 0, fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

// fmtAddress formats an address on one line.
func fmtAddress(a *common.Address) string {
	if a == nil {
		return "-"
	}
	return joinNonEmpty(", ", a.GetRecipient(), a.GetStreet(), a.GetCity(),
		strings.TrimSpace(a.GetState()+" "+a.GetZipCode()), a.GetCountry(), a.GetPhone())
}

// fmtCard formats a tokenized card as "visa ending 4242"; nil is "-".
func fmtCard(m *payment.PaymentMethod) string {
	if m == nil || m.GetLast4() == "" {
		return "-"
	}
	return m.GetBrand() + " ending " + m.GetLast4()
}

// newTable returns a writer that aligns tab-separated columns; Flush it.
func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// printFields prints label-value pairs aligned, skipping empty values.
func printFields(w io.Writer, pairs ...string) {
	t := newTable(w)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			fmt.Fprintf(t, "%s\t%s\n", pairs[i], pairs[i+1])
		}
	}
	_ = t.Flush()
}

// printJSON writes v as indented JSON, the way mallctl's -json flags show
// the contract's messages: field names as in the .proto, enum values by
// name, timestamps in RFC 3339, money with its amount in minor units plus
// a "display" string in major units, zero fields left out.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonValue(reflect.ValueOf(v)))
}

// jsonValue converts a generated message (or a slice or map of them) to
// plain values for encoding/json.
func jsonValue(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch v.Type() {
	case reflect.TypeFor[*timestamppb.Timestamp]():
		if v.IsNil() {
			return nil
		}
		return v.Interface().(*timestamppb.Timestamp).AsTime().Format(time.RFC3339Nano)
	case reflect.TypeFor[*common.Money]():
		if v.IsNil() {
			return nil
		}
		m := v.Interface().(*common.Money)
		return map[string]any{"amount": m.GetAmount(), "currency": m.GetCurrency(), "display": fmtMoney(m)}
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return jsonValue(v.Elem())
	case reflect.Struct:
		out := map[string]any{}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" || v.Field(i).IsZero() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			out[name] = jsonValue(v.Field(i))
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Interface() // bytes: base64, as encoding/json does
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(v.Index(i))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[fmt.Sprint(k.Interface())] = jsonValue(v.MapIndex(k))
		}
		return out
	case reflect.Int32:
		if v.Type().Implements(reflect.TypeFor[fmt.Stringer]()) {
			return v.Interface().(fmt.Stringer).String()
		}
	}
	return v.Interface()
}

// orderStatusName returns an order status without its prefix: PAID.
func orderStatusName(s order.OrderStatus) string { return enumName(s, "ORDER_STATUS_") }

// paymentStatusName returns a payment status without its prefix:
// SUCCEEDED.
func paymentStatusName(s payment.PaymentStatus) string { return enumName(s, "PAYMENT_STATUS_") }

// optTime formats a timestamp, or returns "" for none (printFields then
// leaves the line out).
func optTime(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return fmtTime(ts)
}

// joinNonEmpty joins the non-empty strings with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// line is an order item or a checkout line.
type line interface {
	GetQuantity() int64
	GetName() string
	GetProductId() int64
	GetUnitPrice() *common.Money
	GetLineTotal() *common.Money
}

// printLines prints the lines of an order or a checkout as a table.
func printLines[L line](w io.Writer, lines []L) {
	t := newTable(w)
	for _, l := range lines {
		fmt.Fprintf(t, "  %d x\t%s (#%d)\t%s\t%s\n", l.GetQuantity(), l.GetName(), l.GetProductId(),
			fmtMoney(l.GetUnitPrice()), fmtMoney(l.GetLineTotal()))
	}
	_ = t.Flush()
}

// fmtDiscount shows a discount and the coupon that gave it.
func fmtDiscount(discount *common.Money, coupon string) string {
	if coupon == "" {
		return fmtMoney(discount)
	}
	return fmtMoney(discount) + " (" + coupon + ")"
}
