// Package activities is the home of tempomall's side effects, one package
// per area, each importing only what it calls:
//
//	catalog   prices carts, holds, commits and returns stock and coupons (product and cart services, coupon store)
//	payments  charges and refunds at the payment gateway
//	records   writes workflow snapshots to the read models (orders, payments, checkouts)
//	jobs      the periodic jobs: reconciliation of stuck payments, purge of old checkouts
//
// Activities are methods on structs holding their dependencies; the worker
// registers filled-in instances, and workflows name the methods through
// zero values. Every activity returns business failures (bad input, short
// stock, a declined card) as non-retryable application errors typed with
// the failure kind (internal/temporalx); anything else is retried by the
// activity's retry policy. No activity package imports a workflow package.
package activities
