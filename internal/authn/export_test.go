package authn

// RBACModel is rbacModel for the external tests of the package.
var RBACModel = rbacModel
