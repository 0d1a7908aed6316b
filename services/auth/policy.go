package auth

// DefaultPolicy is the RBAC policy a new deployment starts with, as (role,
// service, method). Public methods (no token) and internal methods
// (service role only, whatever the policy says) are declared by each
// service and are not listed here.
var DefaultPolicy = [][3]string{
	// Customers: their own account, cart, checkouts, orders and payments.
	{"customer", "user", "Logout"},
	{"customer", "user", "GetUser"},
	{"customer", "user", "UpdateUser"},
	{"customer", "auth", "RevokeToken"},
	{"customer", "cart", "AddItem"},
	{"customer", "cart", "GetCart"},
	{"customer", "cart", "EmptyCart"},
	{"customer", "cart", "UpdateItem"},
	{"customer", "cart", "RemoveItem"},
	{"customer", "checkout", "Checkout"},
	{"customer", "checkout", "GetCheckout"},
	{"customer", "checkout", "UpdateCheckout"},
	{"customer", "checkout", "DeleteCheckout"},
	{"customer", "order", "GetOrder"},
	{"customer", "order", "ListOrders"},
	{"customer", "order", "UpdateOrderAddress"},
	{"customer", "order", "CancelOrder"},
	{"customer", "payment", "CreatePaymentMethod"},
	{"customer", "payment", "GetPaymentMethod"},
	{"customer", "payment", "Charge"},
	{"customer", "payment", "GetPayment"},
	{"customer", "payment", "ListPaymentLogs"},

	// Admins (who are customers too): catalog, stock, coupons, refunds,
	// access control.
	{"admin", "product", "CreateProduct"},
	{"admin", "product", "UpdateProduct"},
	{"admin", "product", "DeleteProduct"},
	{"admin", "product", "CreateCategory"},
	{"admin", "product", "UpdateCategory"},
	{"admin", "product", "DeleteCategory"},
	{"admin", "product", "AdjustStock"},
	{"admin", "checkout", "CreateCoupon"},
	{"admin", "checkout", "DisableCoupon"},
	{"admin", "checkout", "ListCoupons"},
	{"admin", "payment", "Refund"},
	{"admin", "auth", "CheckPermission"},
	{"admin", "auth", "AssignRole"},
	{"admin", "auth", "RevokeRole"},
	{"admin", "auth", "AddPolicy"},
	{"admin", "auth", "RemovePolicy"},
	{"admin", "auth", "ListPolicies"},
	{"admin", "auth", "RevokeUserSessions"},

	// Services: what they call on each other besides internal methods.
	{"service", "auth", "ListPolicies"},
	{"service", "auth", "RevokeToken"},
	{"service", "auth", "RevokeUserSessions"},
	{"service", "auth", "AssignRole"},
	{"service", "user", "GetUser"},
	{"service", "cart", "GetCart"},
	{"service", "order", "GetOrder"},
	{"service", "order", "CancelOrder"},
	{"service", "payment", "GetPayment"},
	{"service", "payment", "CreatePaymentMethod"},
	{"service", "payment", "GetPaymentMethod"},
	{"service", "payment", "Refund"},
}

// DefaultInheritance is the starting role hierarchy: (role, inherits).
var DefaultInheritance = [][2]string{
	{"admin", "customer"},
}

// Roles are the built-in roles an account may be granted; a custom role
// may be granted once AddPolicy has given it a permission. The service
// role never may: it is only obtained with client credentials.
var Roles = []string{"customer", "admin"}
