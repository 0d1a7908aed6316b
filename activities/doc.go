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
package activities
