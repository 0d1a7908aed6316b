// Package activities holds the side effects of tempomall's workflows: calls
// to the Kitex services, writes to the read models, and the payment
// gateway. Activities are methods on structs holding their dependencies;
// the worker registers filled-in instances, and workflows name the methods
// through zero values (var a *activities.Catalog; a.ReserveStock).
//
// Every activity returns business failures (bad input, short stock, a
// declined card) as non-retryable application errors typed with the failure
// kind (package failure); anything else is retried by the activity's retry
// policy.
//
// Crash points (package crashpoint) mark where a crash test may kill the
// worker between a side effect and the workflow hearing of it: after the
// gateway accepted a charge or a refund, and around the stock commit.
// They do nothing unless TEMPOMALL_CRASH_POINTS arms them.
package activities
