package auth

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/casbin/casbin/v2"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"github.com/tempomall/tempomall/internal/apperr"
	"github.com/tempomall/tempomall/internal/authn"
	"github.com/tempomall/tempomall/services/auth/resources"
)

// RBAC is the policy store of record: a casbin enforcer over the
// casbin_rule table through the gorm adapter. Role assignments of accounts
// are grouping rules "g, user:<id>, <role>".
type RBAC struct {
	db *gorm.DB
	e  *casbin.SyncedCachedEnforcer
}

// Assignment is a role given to an account.
type Assignment struct {
	UserID int64
	Role   string
}

// NewRBAC loads the policy from db (migrated by Migrations).
func NewRBAC(db *gorm.DB) (*RBAC, error) {
	gormadapter.TurnOffAutoMigrate(db)
	adapter, err := gormadapter.NewAdapterByDBUseTableName(db, "", "casbin_rule")
	if err != nil {
		return nil, fmt.Errorf("casbin adapter: %w", err)
	}
	e, err := authn.NewEnforcer(resources.RBACModel, adapter)
	if err != nil {
		return nil, err
	}
	return &RBAC{db: db, e: e}, nil
}

// Enforcer returns the casbin enforcer, for the auth service's own guard
// and policy reloads.
func (r *RBAC) Enforcer() *casbin.SyncedCachedEnforcer { return r.e }

const userPrefix = "user:"

func userSubject(id int64) string { return userPrefix + strconv.FormatInt(id, 10) }

// subjectUser returns the account of a "user:<id>" subject; false for a
// role.
func subjectUser(subject string) (int64, bool) {
	rest, ok := strings.CutPrefix(subject, userPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}

// RolesOf returns an account's roles: customer (every account is one) and
// the roles assigned to it.
func (r *RBAC) RolesOf(userID int64) ([]string, error) {
	assigned, err := r.e.GetRolesForUser(userSubject(userID))
	if err != nil {
		return nil, err
	}
	roles := []string{"customer"}
	for _, a := range assigned {
		if !slices.Contains(roles, a) {
			roles = append(roles, a)
		}
	}
	return roles, nil
}

// ErrUnknownRole is returned for a role that is neither built in nor
// defined by a policy.
var ErrUnknownRole = apperr.New(apperr.InvalidArgument, "unknown role")

// errServiceRole refuses the service role to accounts.
var errServiceRole = apperr.New(apperr.InvalidArgument,
	"the service role cannot be granted to an account; services use client credentials")

// roleExists reports whether role may be granted: a built-in role (Roles),
// or a custom role that AddPolicy gave permissions or that takes part in
// role inheritance. The service role never may, nor the empty role (to
// casbin's filters an empty value matches every role).
func (r *RBAC) roleExists(role string) (bool, error) {
	if role == authn.RoleService || role == "" {
		return false, nil
	}
	if slices.Contains(Roles, role) {
		return true, nil
	}
	ps, err := r.e.GetFilteredPolicy(0, role)
	if err != nil || len(ps) > 0 {
		return len(ps) > 0, err
	}
	gs, err := r.e.GetGroupingPolicy()
	if err != nil {
		return false, err
	}
	for _, g := range gs {
		if _, isUser := subjectUser(g[0]); !isUser && (g[0] == role || g[1] == role) {
			return true, nil
		}
	}
	return false, nil
}

// Assign grants role to an account: a built-in role or a custom role that
// has policies, never the service role.
func (r *RBAC) Assign(userID int64, role string) error {
	if role == authn.RoleService {
		return errServiceRole
	}
	ok, err := r.roleExists(role)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Wrap(ErrUnknownRole, "unknown role %q: grant %s, or a role given permissions with AddPolicy",
			role, strings.Join(Roles, ", "))
	}
	if role == authn.RoleCustomer {
		return nil // every account is a customer
	}
	_, err = r.e.AddGroupingPolicy(userSubject(userID), role)
	return err
}

// Unassign withdraws role from an account; it reports whether the account
// had it. A custom role whose policies were removed since can still be
// withdrawn.
func (r *RBAC) Unassign(userID int64, role string) (bool, error) {
	switch role {
	case authn.RoleService:
		return false, errServiceRole
	case authn.RoleCustomer:
		return false, apperr.Preconditionf("every account is a customer; the role cannot be withdrawn")
	}
	return r.e.RemoveGroupingPolicy(userSubject(userID), role)
}

// Allowed reports whether any of roles may call service.method.
func (r *RBAC) Allowed(roles []string, service, method string) (bool, error) {
	return authn.CasbinAuthorizer{Enforcer: r.e}.Allowed(roles, service, method)
}

// AddPolicy allows role to call service.method.
func (r *RBAC) AddPolicy(role, service, method string) (bool, error) {
	return r.changed(r.e.AddPolicy(role, service, method))
}

// RemovePolicy withdraws a permission.
func (r *RBAC) RemovePolicy(role, service, method string) (bool, error) {
	return r.changed(r.e.RemovePolicy(role, service, method))
}

// changed clears the enforcer's cached decisions after a policy change:
// casbin forgets only the decision of the exact rule changed, not those of
// roles inheriting it or of methods a "*" rule covers.
func (r *RBAC) changed(ok bool, err error) (bool, error) {
	if err != nil || !ok {
		return ok, err
	}
	return ok, r.e.InvalidateCache()
}

// Snapshot returns permissions (of one role, or all), role inheritance,
// and account role assignments (of one account, or all).
func (r *RBAC) Snapshot(ctx context.Context, role string, assignments bool, userID int64) (authn.PolicySnapshot, []Assignment, error) {
	var snap authn.PolicySnapshot
	var ps [][]string
	var err error
	if role != "" {
		ps, err = r.e.GetFilteredPolicy(0, role)
	} else {
		ps, err = r.e.GetPolicy()
	}
	if err != nil {
		return snap, nil, err
	}
	for _, p := range ps {
		snap.Policies = append(snap.Policies, [3]string{p[0], p[1], p[2]})
	}
	gs, err := r.e.GetGroupingPolicy()
	if err != nil {
		return snap, nil, err
	}
	var assigned []Assignment
	for _, g := range gs {
		id, isUser := subjectUser(g[0])
		if !isUser {
			snap.Inheritance = append(snap.Inheritance, [2]string{g[0], g[1]})
			continue
		}
		if assignments && (userID == 0 || id == userID) {
			assigned = append(assigned, Assignment{UserID: id, Role: g[1]})
		}
	}
	return snap, assigned, nil
}

// Version returns a fingerprint of the casbin_rule table, so that the
// policy is reloaded when another auth instance changes it.
func (r *RBAC) Version(ctx context.Context) (string, error) {
	var rows []gormadapter.CasbinRule
	if err := r.db.WithContext(ctx).Table("casbin_rule").Order("id").Find(&rows).Error; err != nil {
		return "", err
	}
	return authn.Fingerprint(rows), nil
}
