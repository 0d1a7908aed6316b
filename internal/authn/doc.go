// Package authn verifies callers on every tempomall service: it checks a
// bearer token's EdDSA signature with the auth service's public keys, its
// expiry and the revocation list, authorizes (role, service, method) with
// casbin, and puts the caller's Principal in the context. It also supplies
// service credentials to processes that call services on their own behalf.
//
// Signing lives in the auth service only; everything here is verification.
package authn
