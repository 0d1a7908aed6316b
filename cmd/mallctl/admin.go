package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/idl/kitex_gen/auth"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/commerce"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/protoconv"
)

// runAdmin runs the administration commands, with the admin session.
func runAdmin(ctx context.Context, c *cli, args []string) error {
	return c.dispatch(ctx, "admin", args, []subcommand{
		{"login", runAdminLogin},
		{"logout", runAdminLogout},
		{"product", runAdminProduct},
		{"stock", runAdminStock},
		{"coupon", runAdminCoupon},
		{"refund", runAdminRefund},
		{"role", runAdminRole},
		{"policies", runAdminPolicies},
	}, "")
}

func runAdminLogin(ctx context.Context, c *cli, args []string) error {
	set := c.flagSet("admin login [-email E] [-password P]")
	email := set.String("email", c.cfg.AdminEmail, "the admin account's `email`")
	password := set.String("password", "", "the `password` (default: TEMPOMALL_ADMIN_PASSWORD, or adminPassword in the data folder's secrets.json)")
	if _, err := c.parse(set, args, 0, 0); err != nil {
		return err
	}
	if *password == "" {
		var err error
		if *password, err = c.adminPassword("-password"); err != nil {
			return err
		}
	}
	s, err := c.login(ctx, asAdmin, *email, *password)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "logged in as admin %s (id %d, roles %s)\n", s.Email, s.UserID, strings.Join(s.Roles, ", "))
	if !slices.Contains(s.Roles, roleAdmin) {
		fmt.Fprintf(c.errOut, "warning: %s has no admin role; admin commands will be refused\n", s.Email)
	}
	return nil
}

// adminPassword returns the seeded admin's password: from the
// environment, or from the secrets file `tempomall dev` wrote. flagName
// is the flag that gives it instead, for the error messages.
func (c *cli) adminPassword(flagName string) (string, error) {
	if c.cfg.AdminPassword != "" {
		return c.cfg.AdminPassword, nil
	}
	path := c.cfg.SecretsPath()
	s, err := config.ReadSecrets(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no admin password: %s does not exist (run mallctl in the folder of `make dev`, set TEMPOMALL_DATA_DIR, or pass %s)", path, flagName)
	}
	if err != nil {
		return "", err
	}
	if s.AdminPassword == "" {
		return "", fmt.Errorf("no adminPassword in %s: pass %s", path, flagName)
	}
	return s.AdminPassword, nil
}

func runAdminLogout(ctx context.Context, c *cli, args []string) error {
	set := c.flagSet("admin logout")
	if _, err := c.parse(set, args, 0, 0); err != nil {
		return err
	}
	return c.logout(ctx, asAdmin)
}

// roleAdmin is the role of administrators.
const roleAdmin = "admin"

func runAdminRefund(ctx context.Context, c *cli, args []string) error {
	set := c.flagSet("admin refund ORDER [-amount 5.00] [-reason R] [-key K] [-watch]")
	amount := set.String("amount", "", "`amount` to refund in the order's currency (default: all that remains)")
	reason := set.String("reason", "", "why, for the record")
	key := set.String("key", "", "idempotency `key`: the same key again returns the same refund (default: a new one)")
	watch := set.Bool("watch", false, "then watch the order until the refund shows")
	pos, err := c.parse(set, args, 1, 1)
	if err != nil {
		return err
	}
	if *key == "" {
		*key = newKey("refund")
	}
	if err := commerce.CheckKey("key", *key); err != nil {
		return c.usageErr(set, "-%v", err)
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	req := &payment.RefundRequest{OrderId: pos[0], Reason: *reason, IdempotencyKey: *key}
	if *amount != "" {
		o, err := cl.Order.GetOrder(actx, &order.GetOrderRequest{OrderId: pos[0]})
		if err != nil {
			return err
		}
		m, err := parseAmount(*amount, o.GetOrder().GetTotal().GetCurrency())
		if err != nil {
			return c.usageErr(set, "-amount: %v", err)
		}
		req.Amount = protoconv.Money(m)
	}
	resp, err := cl.Payment.Refund(actx, req)
	if err != nil {
		return retryHint(err, "refund", *key)
	}
	r, p := resp.GetRefund(), resp.GetPayment()
	fmt.Fprintf(c.out, "refund %s of %s for order %s: %s (key %s)\npayment %s: %s, %s refunded of %s\n",
		r.GetId(), fmtMoney(r.GetAmount()), r.GetOrderId(), enumName(r.GetStatus(), "REFUND_STATUS_"), *key,
		p.GetId(), paymentStatusName(p.GetStatus()), fmtMoney(p.GetRefunded()), fmtMoney(p.GetAmount()))
	if *watch {
		_, err = c.watchOrder(ctx, pos[0], watchOptions{as: asAdmin, until: refunded})
	}
	return err
}

// refunded reports whether an order shows a refund.
func refunded(o *order.Order) bool {
	return o.GetStatus() == order.OrderStatus_ORDER_STATUS_REFUNDED || o.GetStatus() == order.OrderStatus_ORDER_STATUS_PARTIALLY_REFUNDED
}

func runAdminRole(ctx context.Context, c *cli, args []string) error {
	set := c.flagSet("admin role assign|revoke USER_ID ROLE")
	pos, err := c.parse(set, args, 3, 3)
	if err != nil {
		return err
	}
	id, err := parseID(pos[1], "user id")
	if err != nil {
		return c.usageErr(set, "%v", err)
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	switch pos[0] {
	case "assign":
		_, err = cl.Auth.AssignRole(actx, &auth.AssignRoleRequest{UserId: id, Role: pos[2]})
		if err == nil {
			fmt.Fprintf(c.out, "user %d has the role %s from its next login or token refresh\n", id, pos[2])
		}
	case "revoke":
		_, err = cl.Auth.RevokeRole(actx, &auth.RevokeRoleRequest{UserId: id, Role: pos[2]})
		if err == nil {
			fmt.Fprintf(c.out, "user %d no longer has the role %s; its sessions were ended\n", id, pos[2])
		}
	default:
		return c.usageErr(set, "want assign or revoke, not %q", pos[0])
	}
	return err
}

func runAdminPolicies(ctx context.Context, c *cli, args []string) error {
	set := c.flagSet("admin policies [-role R] [-assignments] [-user ID] [-json]")
	roleName := set.String("role", "", "only the policies of this `role`")
	assignments := set.Bool("assignments", false, "also list role assignments")
	userID := set.Int64("user", 0, "with -assignments, only this account's (`id`)")
	asJSON := set.Bool("json", false, "print JSON")
	if _, err := c.parse(set, args, 0, 0); err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, asAdmin)
	if err != nil {
		return err
	}
	resp, err := cl.Auth.ListPolicies(actx, &auth.ListPoliciesRequest{Role: *roleName, IncludeAssignments: *assignments || *userID != 0, UserId: *userID})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, resp)
	}
	byRole := map[string]map[string][]string{}
	var roles []string
	for _, p := range resp.GetPolicies() {
		if byRole[p.GetRole()] == nil {
			byRole[p.GetRole()] = map[string][]string{}
			roles = append(roles, p.GetRole())
		}
		byRole[p.GetRole()][p.GetService()] = append(byRole[p.GetRole()][p.GetService()], p.GetMethod())
	}
	slices.Sort(roles)
	t := newTable(c.out)
	fmt.Fprintln(t, "ROLE\tSERVICE\tMETHODS")
	for _, r := range roles {
		services := make([]string, 0, len(byRole[r]))
		for s := range byRole[r] {
			services = append(services, s)
		}
		slices.Sort(services)
		for _, s := range services {
			methods := byRole[r][s]
			slices.Sort(methods)
			fmt.Fprintf(t, "%s\t%s\t%s\n", r, s, strings.Join(methods, " "))
		}
	}
	_ = t.Flush()
	for _, g := range resp.GetInheritance() {
		fmt.Fprintf(c.out, "%s inherits every permission of %s\n", g.GetRole(), g.GetInherits())
	}
	if len(resp.GetAssignments()) > 0 {
		fmt.Fprintln(c.out, "\nassignments:")
		for _, a := range resp.GetAssignments() {
			fmt.Fprintf(c.out, "  user %s: %s\n", strconv.FormatInt(a.GetUserId(), 10), a.GetRole())
		}
	}
	return nil
}
