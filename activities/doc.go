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
//
// Crash points (internal/crashpoint) mark where a crash test may kill the
// worker between a side effect and the workflow hearing of it: after the
// gateway accepted a charge or a refund, and around the stock commit.
// They do nothing unless TEMPOMALL_CRASH_POINTS arms them.
package activities
