package main

import (
	"sort"
	"sync"
)

// checkoutAnswer is what a shopper was told about one checkout (one user
// and idempotency key), over every time it sent the request.
type checkoutAnswer struct {
	userID     int64
	key        string
	checkoutID string
	// orderIDs has the order id of every successful answer, repeats
	// included; refusal is the business error of a refused checkout.
	orderIDs []string
	refusal  string
}

// refundAnswer is what the admin was told about one refund request (one
// order and idempotency key).
type refundAnswer struct {
	orderID string
	key     string
	// amount asked (0: the rest); refundIDs has the refund id of every
	// successful answer; refusal is a business error.
	amount    int64
	refundIDs []string
	refusal   string
}

// journal records the answers the shoppers got and how their journeys
// ended. It is shared by the shoppers.
type journal struct {
	mu        sync.Mutex
	checkouts map[string]*checkoutAnswer // by checkout id
	refunds   map[string]*refundAnswer   // by order id + key
	outcomes  map[string]map[string]int  // journey -> outcome -> count
}

func newJournal() *journal {
	return &journal{
		checkouts: map[string]*checkoutAnswer{},
		refunds:   map[string]*refundAnswer{},
		outcomes:  map[string]map[string]int{},
	}
}

// checkoutAnswered records an answer: an order id, or a refusal.
func (j *journal) checkoutAnswered(userID int64, key, checkoutID, orderID, refusal string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	a := j.checkouts[checkoutID]
	if a == nil {
		a = &checkoutAnswer{userID: userID, key: key, checkoutID: checkoutID}
		j.checkouts[checkoutID] = a
	}
	if orderID != "" {
		a.orderIDs = append(a.orderIDs, orderID)
	}
	if refusal != "" {
		a.refusal = refusal
	}
}

// refundAnswered records an answer: a refund id, or a refusal.
func (j *journal) refundAnswered(orderID, key string, amount int64, refundID, refusal string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	a := j.refunds[orderID+"/"+key]
	if a == nil {
		a = &refundAnswer{orderID: orderID, key: key, amount: amount}
		j.refunds[orderID+"/"+key] = a
	}
	if refundID != "" {
		a.refundIDs = append(a.refundIDs, refundID)
	}
	if refusal != "" {
		a.refusal = refusal
	}
}

// ended records how a journey ended.
func (j *journal) ended(journey, outcome string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.outcomes[journey] == nil {
		j.outcomes[journey] = map[string]int{}
	}
	j.outcomes[journey][outcome]++
}

// answeredCheckouts returns the checkout answers, by checkout id order.
func (j *journal) answeredCheckouts() []checkoutAnswer {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]checkoutAnswer, 0, len(j.checkouts))
	for _, a := range j.checkouts {
		cp := *a
		cp.orderIDs = append([]string{}, a.orderIDs...)
		out = append(out, cp)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].checkoutID < out[k].checkoutID })
	return out
}

// answeredRefunds returns the refund answers.
func (j *journal) answeredRefunds() []refundAnswer {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]refundAnswer, 0, len(j.refunds))
	for _, a := range j.refunds {
		cp := *a
		cp.refundIDs = append([]string{}, a.refundIDs...)
		out = append(out, cp)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].orderID+out[i].key < out[k].orderID+out[k].key })
	return out
}

// outcomeCounts returns journey -> outcome -> count.
func (j *journal) outcomeCounts() map[string]map[string]int {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make(map[string]map[string]int, len(j.outcomes))
	for k, v := range j.outcomes {
		m := make(map[string]int, len(v))
		for o, n := range v {
			m[o] = n
		}
		out[k] = m
	}
	return out
}
