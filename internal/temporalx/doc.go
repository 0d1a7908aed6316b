// Package temporalx is tempomall's Temporal plumbing, below both the
// workflows and the activities: failure kinds carried across Temporal
// (Encode, Decode, IsBusiness), calls from the services to workflows
// (StartAndUpdate, Update), retry policies (Backoff, UntilAnswered), the
// options of read-model writes, and signal collection. It holds no
// business rule.
package temporalx
