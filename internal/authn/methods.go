package authn

import (
	"slices"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/contract"
	"github.com/tempomall/tempomall/internal/text"
)

// Access classifies a method of the contract by who may call it.
type Access int

const (
	// Protected methods need a token whose roles the policy allows.
	Protected Access = iota
	// Public methods need no token; a token that is presented must be
	// valid, and then identifies the caller.
	Public
	// Internal methods accept the service role only, whatever the policy
	// says.
	Internal
)

// String names the access class.
func (a Access) String() string {
	switch a {
	case Public:
		return "public"
	case Internal:
		return "internal"
	}
	return "protected"
}

// publicMethods need no token.
var publicMethods = map[string][]string{
	"user": {"Register", "Login"},
	"auth": {"IssueServiceToken", "VerifyToken", "RefreshToken", "GetSigningKeys"},
	// The catalog, stock levels included, is open to anonymous shoppers.
	"product": {"GetProduct", "BatchGetProducts", "ListProducts", "SearchProducts", "GetCategory", "ListCategories", "GetStock"},
}

// internalMethods accept the service role only: the order life cycle moves
// stock, carts and orders through them.
var internalMethods = map[string][]string{
	"auth":    {"IssueTokens", "ListRevocations"},
	"product": {"ReserveStock", "GetReservation", "ReleaseStock", "CommitStock", "ReturnStock"},
	"cart":    {"RemoveOrderedItems"},
	"order":   {"PlaceOrder"},
}

// Services returns the names of the contract's services, sorted.
func Services() []string { return contract.Services() }

// AccessOf returns how service.method may be called. A service or method
// the contract does not have is an InvalidArgument error.
func AccessOf(service, method string) (Access, error) {
	if contract.Methods(service) == nil {
		return 0, apperr.InvalidArgf("the contract has no service %s (services: %v)", text.Quote(service), Services())
	}
	if !contract.Has(service, method) {
		return 0, apperr.InvalidArgf("service %s has no method %s", service, text.Quote(method))
	}
	switch {
	case slices.Contains(publicMethods[service], method):
		return Public, nil
	case slices.Contains(internalMethods[service], method):
		return Internal, nil
	}
	return Protected, nil
}

// Allowed is the one decision of who may call what, used by the guard of
// every service and by AuthService.CheckPermission: public methods admit
// everyone, internal methods services only, and protected methods the
// roles the policy allows. It returns the method's access class with the
// decision; an unknown method is an InvalidArgument error.
func Allowed(a Authorizer, p Principal, service, method string) (Access, bool, error) {
	access, err := AccessOf(service, method)
	if err != nil {
		return access, false, err
	}
	switch access {
	case Public:
		return access, true, nil
	case Internal:
		return access, p.IsService(), nil
	}
	ok, err := a.Allowed(p.Roles, service, method)
	return access, ok, err
}
