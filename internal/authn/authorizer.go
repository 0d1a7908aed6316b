package authn

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

// Authorizer decides whether any of a caller's roles may call a method.
type Authorizer interface {
	Allowed(roles []string, service, method string) (bool, error)
}

// CasbinAuthorizer authorizes with a casbin enforcer over the auth
// service's RBAC model.
type CasbinAuthorizer struct {
	Enforcer *casbin.SyncedCachedEnforcer
}

// Allowed reports whether one of roles may call service.method.
func (a CasbinAuthorizer) Allowed(roles []string, service, method string) (bool, error) {
	for _, r := range roles {
		ok, err := a.Enforcer.Enforce(r, service, method)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// NewEnforcer returns a cached casbin enforcer of an RBAC model (the text
// of a casbin model file; the auth service owns it) over an adapter, with
// the adapter's policy loaded. Its decisions stay cached until the policy
// changes (ReloadOnChange, or a write through it).
func NewEnforcer(rbacModel string, adapter persist.Adapter) (*casbin.SyncedCachedEnforcer, error) {
	m, err := model.NewModelFromString(rbacModel)
	if err != nil {
		return nil, fmt.Errorf("rbac model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m, adapter)
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	return e, nil
}

// PolicySnapshot is the RBAC policy as the auth service lists it.
type PolicySnapshot struct {
	// Policies are (role, service, method) triples.
	Policies [][3]string
	// Inheritance are (role, inherited role) pairs.
	Inheritance [][2]string
}

// PolicyFetcher returns the current policy (AuthService.ListPolicies).
type PolicyFetcher func(ctx context.Context) (PolicySnapshot, error)

// RemoteAdapter is a read-only casbin adapter that loads the policy from
// the auth service. Services other than auth enforce with it.
type RemoteAdapter struct {
	Fetch PolicyFetcher
	// Timeout bounds one load; 0 means 5 seconds.
	Timeout time.Duration
}

var errReadOnly = errors.New("the policy is administered through the auth service")

// LoadPolicy loads the auth service's policy into m.
func (a RemoteAdapter) LoadPolicy(m model.Model) error {
	snap, err := a.fetch(context.Background())
	if err != nil {
		return err
	}
	for _, p := range snap.Policies {
		if err := persist.LoadPolicyArray([]string{"p", p[0], p[1], p[2]}, m); err != nil {
			return err
		}
	}
	for _, g := range snap.Inheritance {
		if err := persist.LoadPolicyArray([]string{"g", g[0], g[1]}, m); err != nil {
			return err
		}
	}
	return nil
}

// Version returns the fingerprint of the auth service's current policy.
func (a RemoteAdapter) Version(ctx context.Context) (string, error) {
	snap, err := a.fetch(ctx)
	if err != nil {
		return "", err
	}
	return Fingerprint(snap), nil
}

func (a RemoteAdapter) fetch(ctx context.Context) (PolicySnapshot, error) {
	timeout := a.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return a.Fetch(ctx)
}

// SavePolicy is refused: the adapter is read-only.
func (RemoteAdapter) SavePolicy(model.Model) error { return errReadOnly }

// AddPolicy is refused: the adapter is read-only.
func (RemoteAdapter) AddPolicy(string, string, []string) error { return errReadOnly }

// RemovePolicy is refused: the adapter is read-only.
func (RemoteAdapter) RemovePolicy(string, string, []string) error { return errReadOnly }

// RemoveFilteredPolicy is refused: the adapter is read-only.
func (RemoteAdapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }

// ReloadOnChange returns a periodic task that reloads e's policy when
// version differs from the version at the last reload. Reloading empties
// the enforcer's decision cache, so an unchanged policy is left alone. The
// first run always reloads. Run the task from one goroutine.
func ReloadOnChange(e *casbin.SyncedCachedEnforcer, version func(context.Context) (string, error)) func(context.Context) error {
	var last string
	return func(ctx context.Context) error {
		v, err := version(ctx)
		if err != nil {
			return fmt.Errorf("RBAC policy version: %w", err)
		}
		if v == last {
			return nil
		}
		// The version was read before the policy: a change in between is
		// loaded now and reloaded once more on the next run.
		if err := e.LoadPolicy(); err != nil {
			return fmt.Errorf("reload RBAC policy: %w", err)
		}
		last = v
		return nil
	}
}

// Fingerprint returns a digest of a policy's rows, as a version for
// ReloadOnChange.
func Fingerprint(rows any) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%v", rows))
	return string(sum[:])
}
