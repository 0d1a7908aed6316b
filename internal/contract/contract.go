// Package contract names the services of tempomall's contract (idl/) and
// their methods, as the generated Kitex code describes them, for the code
// that reasons about methods by name: access control, the text rule's
// field table, tests.
package contract

import (
	"sort"

	"github.com/cloudwego/kitex/pkg/serviceinfo"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth/authservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart/cartservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout/checkoutservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/order/orderservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment/paymentservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/product/productservice"
	"github.com/tempomall/tempomall/idl/kitex_gen/user/userservice"
)

// services are the contract's services by short name.
var services = map[string]*serviceinfo.ServiceInfo{
	"user":     userservice.NewServiceInfo(),
	"auth":     authservice.NewServiceInfo(),
	"product":  productservice.NewServiceInfo(),
	"cart":     cartservice.NewServiceInfo(),
	"checkout": checkoutservice.NewServiceInfo(),
	"order":    orderservice.NewServiceInfo(),
	"payment":  paymentservice.NewServiceInfo(),
}

// Services returns the short names of the contract's services, sorted.
func Services() []string {
	out := make([]string, 0, len(services))
	for s := range services {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Methods returns the methods of a service, sorted; nil for an unknown
// service.
func Methods(service string) []string {
	info, ok := services[service]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(info.Methods))
	for m := range info.Methods {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// Has reports whether service has method.
func Has(service, method string) bool {
	info, ok := services[service]
	return ok && info.Methods[method] != nil
}

// Requests returns a new, empty request message of every method of every
// service (the first argument of the method).
func Requests() []any {
	var out []any
	for _, s := range Services() {
		for _, m := range Methods(s) {
			if args, ok := services[s].Methods[m].NewArgs().(interface{ GetFirstArgument() any }); ok {
				out = append(out, args.GetFirstArgument())
			}
		}
	}
	return out
}
