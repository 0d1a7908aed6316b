package main

import (
	"errors"
	"testing"

	"github.com/tempomall/tempomall/internal/apperr"
)

func TestUnanswered(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{apperr.Errorf(apperr.Unavailable, "down"), true},
		{apperr.Errorf(apperr.DeadlineExceeded, "slow"), true},
		{apperr.Errorf(apperr.Internal, "retry later"), true},
		{errors.New("connection reset by peer"), true},
		{apperr.Errorf(apperr.FailedPrecondition, "order ord_1 is EXPIRED"), false},
		{apperr.Errorf(apperr.Unauthenticated, "expired token"), false},
	} {
		if got := unanswered(tc.err); got != tc.want {
			t.Errorf("unanswered(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestRefusalElidesIDs(t *testing.T) {
	err := apperr.Errorf(apperr.FailedPrecondition, "order ord_abc123 is EXPIRED after 20s; 3 requested")
	if got, want := refusal(err), "FailedPrecondition: order # is EXPIRED after #; # requested"; got != want {
		t.Errorf("refusal = %q, want %q", got, want)
	}
}
