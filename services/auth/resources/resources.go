// Package resources holds the auth service's resource files: the casbin
// RBAC model that the auth service and every verifying service load.
package resources

import _ "embed"

// RBACModel is the text of rbac_model.conf.
//
//go:embed rbac_model.conf
var RBACModel string
