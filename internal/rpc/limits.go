package rpc

import (
	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/text"
)

// MaxTokenBytes bounds the bearer token of a call. Tokens tempomall issues
// are far shorter; a longer one is refused before any verification.
const MaxTokenBytes = 4096

// FieldRules are the string fields of the contract whose rule differs from
// text.DefaultMax characters of single-line text. idl/common.proto states
// the default; each field listed here says its own limit in its proto
// comment. A test checks that every key names a field of the contract.
var FieldRules = text.Rules{
	// Secrets: never quoted in an error.
	"user.RegisterRequest.password":                {Max: 128, Secret: true},
	"user.LoginRequest.password":                   {Max: 128, Secret: true},
	"user.UpdateUserRequest.new_password":          {Max: 128, Secret: true},
	"user.UpdateUserRequest.old_password":          {Max: 128, Secret: true},
	"user.LogoutRequest.refresh_token":             {Max: MaxTokenBytes, Secret: true},
	"auth.IssueServiceTokenRequest.client_secret":  {Max: 256, Secret: true},
	"auth.VerifyTokenRequest.token":                {Max: MaxTokenBytes, Secret: true},
	"auth.RefreshTokenRequest.refresh_token":       {Max: MaxTokenBytes, Secret: true},
	"auth.RevokeTokenRequest.token":                {Max: MaxTokenBytes, Secret: true},
	"payment.Card.number":                          {Max: 19, Secret: true},
	"payment.Card.cvv":                             {Max: 4, Secret: true},
	"payment.PaymentMethodInput_Token.token":       {Max: 100, Secret: true},
	"payment.GetPaymentMethodRequest.token":        {Max: 100, Secret: true},
	"order.PlaceOrderRequest.payment_method_token": {Max: 100, Secret: true},

	// Identifiers and short fields.
	"user.RegisterRequest.email":   {Max: 254},
	"user.UpdateUserRequest.email": {Max: 254},

	// Long text.
	"product.CreateProductRequest.description":  {Max: 5000, Multiline: true},
	"product.UpdateProductRequest.description":  {Max: 5000, Multiline: true},
	"product.CreateCategoryRequest.description": {Max: 1000, Multiline: true},
	"product.UpdateCategoryRequest.description": {Max: 1000, Multiline: true},
	"product.CreateProductRequest.picture_url":  {Max: 2048},
	"product.UpdateProductRequest.picture_url":  {Max: 2048},
	"order.CancelOrderRequest.reason":           {Max: 500},
	"payment.RefundRequest.reason":              {Max: 500},
}

// checkText applies the text rule to every string of a request (the first
// argument of a Kitex method), before the handler does any work.
func checkText(req any) error {
	args, ok := req.(interface{ GetFirstArgument() any })
	if !ok {
		return nil
	}
	return FieldRules.CheckRequest(args.GetFirstArgument())
}

// checkToken refuses a bearer token no tempomall token can be.
func checkToken(bearer string) error {
	if len(bearer) > MaxTokenBytes {
		return apperr.InvalidArgf("the bearer token is longer than %d bytes: it is no tempomall token", MaxTokenBytes)
	}
	return nil
}
