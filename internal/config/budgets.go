package config

import "time"

// Budgets are the deadlines of a request that waits for a workflow (a
// checkout, a payment, a cancel), nested so that each waiter outlives
// what it waits for and answers before its own caller gives up:
//
//	Placement   the workflow's work for the request (local activities)
//	  < Wait    the service's wait for the workflow's answer
//	  < Call    a client's deadline for the RPC
//
// All derive from one setting, PlacementBudget.
type Budgets struct {
	Placement time.Duration
	Wait      time.Duration
	Call      time.Duration
}

// budgetMargin is what each waiter adds for the hop to the one it waits
// for (a workflow task round trip, an RPC).
const budgetMargin = 5 * time.Second

// Budgets returns the deadlines derived from PlacementBudget.
func (c Config) Budgets() Budgets {
	return Budgets{
		Placement: c.PlacementBudget,
		Wait:      c.PlacementBudget + budgetMargin,
		Call:      c.PlacementBudget + 2*budgetMargin,
	}
}
