package authn

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestResolveUser(t *testing.T) {
	as := func(p Principal) context.Context { return WithPrincipal(context.Background(), p) }
	customer := as(Principal{UserID: 7, Roles: []string{RoleCustomer}})
	admin := as(Principal{UserID: 1, Roles: []string{RoleCustomer, RoleAdmin}})
	service := as(Principal{Service: "order", Roles: []string{RoleService}})
	tests := []struct {
		name      string
		ctx       context.Context
		requested int64
		want      string // the account, or the failure kind
	}{
		{"own, implicit", customer, 0, "7"},
		{"own, explicit", customer, 7, "7"},
		{"another's", customer, 8, "PermissionDenied"},
		{"admin, another's", admin, 8, "8"},
		{"admin, own", admin, 0, "1"},
		{"service, any", service, 8, "8"},
		{"service, none named", service, 0, "InvalidArgument"},
		{"negative", admin, -1, "InvalidArgument"},
		{"no caller", context.Background(), 7, "Unauthenticated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ResolveUser(tt.ctx, tt.requested)
			got := outcome(err)
			if err == nil {
				got = fmt.Sprint(id)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPrincipalRoles(t *testing.T) {
	tests := []struct {
		name                   string
		p                      Principal
		service, admin, anyone bool
	}{
		{"customer", Principal{UserID: 7, Roles: []string{RoleCustomer}}, false, false, false},
		{"admin", Principal{UserID: 1, Roles: []string{RoleCustomer, RoleAdmin}}, false, true, true},
		{"service", Principal{Service: "order", Roles: []string{RoleService}}, true, false, true},
		{"service role without a service", Principal{UserID: 9, Roles: []string{RoleService}}, false, false, false},
		{"service without the role", Principal{Service: "order", Roles: []string{RoleCustomer}}, false, false, false},
	}
	for _, tt := range tests {
		if got := [3]bool{tt.p.IsService(), tt.p.IsAdmin(), tt.p.Privileged()}; got != [3]bool{tt.service, tt.admin, tt.anyone} {
			t.Errorf("%s: service, admin, privileged = %v", tt.name, got)
		}
	}
}

// TestPrincipalPrintsNoToken checks that logging a caller never logs its
// credential.
func TestPrincipalPrintsNoToken(t *testing.T) {
	p := Principal{UserID: 7, Roles: []string{RoleCustomer}, SessionID: "ses_1", TokenID: "at_1", Token: "eyJhbGciOi.secret.token"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, p)
		if strings.Contains(out, p.Token) || !strings.Contains(out, "user:7") || !strings.Contains(out, "at_1") {
			t.Errorf("%s prints %q", verb, out)
		}
	}
	if out := fmt.Sprint(Principal{Service: "order", Roles: []string{RoleService}}); !strings.HasPrefix(out, "service:order") {
		t.Errorf("service principal prints %q", out)
	}
}

// TestServiceTokens checks that a service token is obtained once and
// reused until shortly before it expires, even by concurrent callers.
func TestServiceTokens(t *testing.T) {
	var issued atomic.Int32
	lifetime := time.Hour
	var failWith error
	s := NewServiceTokens(func(context.Context) (string, time.Time, error) {
		if failWith != nil {
			return "", time.Time{}, failWith
		}
		n := issued.Add(1)
		return fmt.Sprintf("token-%d", n), time.Now().Add(lifetime), nil
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := s.Token(ctx); err != nil || tok != "token-1" {
				t.Errorf("token = %q, %v", tok, err)
			}
		}()
	}
	wg.Wait()
	if n := issued.Load(); n != 1 {
		t.Fatalf("issued %d tokens for concurrent callers, want 1", n)
	}
	// A token with less than a minute left is replaced.
	s.expires = time.Now().Add(59 * time.Second)
	if tok, _ := s.Token(ctx); tok != "token-2" {
		t.Errorf("near expiry: %q, want a new token", tok)
	}
	s.expires = time.Now().Add(-time.Second)
	failWith = errors.New("wrong client secret")
	if _, err := s.Token(ctx); err == nil || !errors.Is(err, failWith) || !strings.Contains(err.Error(), "obtain service token") {
		t.Errorf("failure: %v", err)
	}
	// A caller waiting behind a slow issue gives up with its context.
	failWith = nil
	s.mu <- struct{}{}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := s.Token(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting caller: %v", err)
	}
	<-s.mu
}
