package rpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cloudwego/kitex/pkg/kerrors"
	"github.com/cloudwego/kitex/pkg/klog"
	"github.com/cloudwego/kitex/pkg/remote/trans/nphttp2/codes"
)

// TestToStatusLogsNoCredential checks that an internal error quoting a
// token is logged without it, and answered with a generic message.
func TestToStatusLogsNoCredential(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJ1aWQiOjd9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	var logs bytes.Buffer
	klog.SetOutput(&logs)
	t.Cleanup(func() { klog.SetOutput(os.Stderr) })
	tests := []struct {
		name, leak string
		err        error
	}{
		{"a JWT", jwt, fmt.Errorf("store session for %s: %w", jwt, errors.New("disk full"))},
		{"a bearer credential", "opaque-secret-42", errors.New(`upstream said: bad "authorization: Bearer opaque-secret-42"`)},
		{"a lower-case bearer", "abc.def", errors.New("bearer abc.def refused")},
	}
	for _, tt := range tests {
		logs.Reset()
		st := ToStatus(context.Background(), "Login", tt.err)
		if st.Code() != codes.Internal || strings.Contains(st.BizMessage(), tt.leak) {
			t.Errorf("%s: answered %v", tt.name, st)
		}
		out := logs.String()
		if strings.Contains(out, tt.leak) || !strings.Contains(out, "Login failed") || !strings.Contains(out, "[REDACTED]") {
			t.Errorf("%s: logged %q", tt.name, out)
		}
	}
}

// TestRemoteStatusIsNotPassedOnAsIs: a handler that returns what a remote
// call answered (FromError) must not hand Kitex the remote business
// status error in its chain: Kitex's server would answer it as is, and
// gRPC clients would see Internal instead of the remote kind.
func TestRemoteStatusIsNotPassedOnAsIs(t *testing.T) {
	remote := kerrors.NewBizStatusError(int32(codes.InvalidArgument), "card refused: the card number is incorrect")
	err := FromError(remote)
	if _, ok := kerrors.FromBizStatusError(err); ok {
		t.Errorf("FromError(%v) still holds the remote business status error", remote)
	}
	st := ToStatus(context.Background(), "Checkout", fmt.Errorf("checkout: %w", err))
	if st.Code() != codes.InvalidArgument || st.BizMessage() != "card refused: the card number is incorrect" {
		t.Errorf("answered %v", st)
	}
}
