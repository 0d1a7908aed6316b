package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/temporalx"
	"github.com/tempomall/tempomall/internal/text"
	orderwf "github.com/tempomall/tempomall/workflows/order"
	"github.com/tempomall/tempomall/workflows/search"
)

// Service is the order API over the order workflows and the orders read
// model.
type Service struct {
	store    *Store
	temporal client.Client
	settings orderwf.Settings
	// wait bounds the wait for a workflow's answer (config.Budgets).
	wait time.Duration
}

// NewService wires the order service.
func NewService(store *Store, temporal client.Client, settings orderwf.Settings, wait time.Duration) *Service {
	return &Service{store: store, temporal: temporal, settings: settings, wait: wait}
}

// Place places an order of given items for an account (a trusted
// service's order, not a customer's checkout) and answers once it exists
// (PENDING_PAYMENT). A repeat with the same order id returns the same
// order, or the same refusal.
func (s *Service) Place(ctx context.Context, in commerce.OrderRequest) (commerce.Order, error) {
	if err := in.Validate(); err != nil {
		return commerce.Order{}, err
	}
	if in.CheckoutID == "" {
		in.CheckoutID = "co_" + in.OrderID
	}
	start := client.StartWorkflowOptions{
		ID:                    orderwf.WorkflowID(in.OrderID),
		TaskQueue:             orderwf.TaskQueue,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			search.CustomerId.ValueSet(in.UserID),
			search.OrderId.ValueSet(in.OrderID),
		),
	}
	place := orderwf.PlaceRequest{Card: in.Card, ExpectedPayable: in.ExpectedTotal}
	wfIn := orderwf.Input{OrderRequest: in, IdempotencyKey: in.OrderID, Settings: s.settings, Place: &place}
	ctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	snap, err := temporalx.StartAndUpdate[orderwf.Snapshot](ctx, s.temporal, start, orderwf.WorkflowType, []any{wfIn},
		orderwf.UpdatePlace, place)
	if errors.Is(err, temporalx.ErrClosed) {
		// The order's workflow has ended: the read model has the order,
		// or the workflow's result says why there is none.
		if o, gerr := s.store.Get(ctx, in.OrderID); gerr == nil {
			snap.Order, err = &o, nil
		} else if snap, err = temporalx.Result[orderwf.Snapshot](ctx, s.temporal, orderwf.WorkflowID(in.OrderID)); err == nil && snap.Order == nil {
			err = apperr.Preconditionf("order %s was not placed: %s", in.OrderID, snap.Checkout.FailureReason)
		}
	}
	if err != nil {
		return commerce.Order{}, err
	}
	o := *snap.Order
	if o.UserID != in.UserID {
		return commerce.Order{}, apperr.Errorf(apperr.AlreadyExists, "order id %s is taken by another order", in.OrderID)
	}
	return o, nil
}

// Get returns an order the caller may see: its own, or any for admins and
// services. Others' orders are NotFound.
func (s *Service) Get(ctx context.Context, id string) (commerce.Order, error) {
	if id == "" {
		return commerce.Order{}, apperr.InvalidArgf("order_id is required")
	}
	caller, err := authn.Caller(ctx)
	if err != nil {
		return commerce.Order{}, err
	}
	o, err := s.store.Get(ctx, id)
	// Another customer's order is answered as one that does not exist, in
	// the same words.
	if errors.Is(err, ErrNotFound) || err == nil && o.UserID != caller.UserID && !caller.Privileged() {
		return commerce.Order{}, apperr.Wrap(ErrNotFound, "no order %s", id)
	}
	if err != nil {
		return commerce.Order{}, err
	}
	return o, nil
}

// List returns a page of an account's orders, newest first.
func (s *Service) List(ctx context.Context, userID int64, status commerce.OrderStatus, offset, limit int) ([]commerce.Order, int64, error) {
	id, err := authn.ResolveUser(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	return s.store.List(ctx, Filter{UserID: id, Status: status, Offset: offset, Limit: limit})
}

// ChangeAddress changes the delivery address of an order that is not final.
func (s *Service) ChangeAddress(ctx context.Context, id string, addr commerce.Address) (commerce.Order, error) {
	if err := addr.Validate(); err != nil {
		return commerce.Order{}, err
	}
	o, err := s.Get(ctx, id)
	if err != nil {
		return commerce.Order{}, err
	}
	return s.update(ctx, o, orderwf.UpdateAddress, addr)
}

// Cancel cancels an unpaid order, and with cancelPayment its payment in
// flight. Cancelling a cancelled order returns it unchanged, so that a
// retry is safe.
func (s *Service) Cancel(ctx context.Context, id, reason string, cancelPayment bool) (commerce.Order, error) {
	if err := text.Check("reason", reason, text.Rule{Max: commerce.MaxReason}); err != nil {
		return commerce.Order{}, err
	}
	o, err := s.Get(ctx, id)
	if err != nil {
		return commerce.Order{}, err
	}
	if o.Status == commerce.OrderCancelled {
		return o, nil // a repeated request: the order is what the caller asked for
	}
	if reason == "" {
		reason = "cancelled by the customer"
		if p, _ := authn.FromContext(ctx); p.UserID != o.UserID {
			reason = "cancelled by " + describe(p)
		}
	}
	return s.update(ctx, o, orderwf.UpdateCancel, orderwf.CancelRequest{Reason: reason, CancelPayment: cancelPayment})
}

// update sends an update to an order's workflow; a closed workflow means
// the order is final.
func (s *Service) update(ctx context.Context, o commerce.Order, name string, arg any) (commerce.Order, error) {
	ctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	snap, err := temporalx.Update[orderwf.Snapshot](ctx, s.temporal, orderwf.WorkflowID(o.ID), "", name, arg)
	if errors.Is(err, temporalx.ErrClosed) {
		return commerce.Order{}, apperr.Preconditionf("order %s is %s and can no longer change", o.ID, o.Status)
	}
	if err != nil {
		return commerce.Order{}, err
	}
	return *snap.Order, nil
}

func describe(p authn.Principal) string {
	if p.Service != "" {
		return "the " + p.Service + " service"
	}
	return fmt.Sprintf("user %d", p.UserID)
}
