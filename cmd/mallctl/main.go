// Command mallctl is the command-line client of tempomall: it registers
// and logs in accounts, browses the catalog, fills the cart, checks out,
// pays, follows and cancels orders, administers the catalog, coupons,
// refunds and roles, and walks the whole journey of an order (`mallctl
// demo`).
//
// It calls the services with the Kitex clients of internal/app, at the
// addresses of internal/config (TEMPOMALL_*_ADDR, default
// 127.0.0.1:8881-8887), with the token of the logged-in account. Sessions
// are kept in $TEMPOMALL_MALLCTL_STATE, or by default in
// $XDG_CONFIG_HOME/tempomall/mallctl.json (mode 0600).
//
// Exit status: 0 on success, 1 when a command fails, 2 on a usage error.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"

	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
)

const usage = `mallctl: the command-line client of tempomall

usage: mallctl COMMAND [ARGUMENTS] [FLAGS]
       mallctl COMMAND -h        the flags of a command (they may follow the arguments)

account
  register -email E -username U [-password P]   create a customer account and log in
  login LOGIN [-password P]          log in with an email or username (prompts for the password)
  logout                             end the session
  whoami                             the logged-in accounts
  token [-admin]                     print the access token (for grpcurl)
  refresh [-admin]                   rotate the session's tokens now

shopping
  products [list] [-category C] [-sort newest|price|price-desc] [-page N]
  products search QUERY             ranked keyword search
  product get ID
  cart [show] | add ID [QTY] | set ID QTY | remove ID | empty
  checkout [-key K] [-card NUMBER | -token T] [-coupon C] [-currency CNY] [-draft] [-watch]
  checkout get ID | update ID [-coupon C] [-currency X] [address flags] | delete ID
  orders [list] [-status S]
  order get ID | cancel ID [-reason R] [-cancel-payment] | address ID [address flags] | watch ID
  pay ORDER -card NUMBER [-key K] [-watch]
  payment get ORDER | logs ORDER
  cards [list] | tokenize NUMBER     the payment sandbox's test cards

administration (after mallctl admin login)
  admin login [-password P]          log in as the seeded admin (password from .data/secrets.json)
  admin logout
  admin product create -name N -price 12.50 -stock N [-category C]
  admin stock ID... [-adjust N [-reason R]]
  admin coupon create -code C (-percent N | -amount 5.00) | list [-all] | disable CODE
  admin refund ORDER [-amount 5.00] [-reason R]
  admin role assign|revoke USER_ID ROLE
  admin policies [-role R] [-assignments]

  demo [-skip-expiry]                walk an order's whole journey, step by step

Most reading commands take -json for machine-readable output.

environment
  TEMPOMALL_<SERVICE>_ADDR   where a service is (USER_ADDR=127.0.0.1:8881 ... PAYMENT_ADDR=127.0.0.1:8887)
  TEMPOMALL_DATA_DIR         the folder of secrets.json, for admin login (default .data)
  TEMPOMALL_MALLCTL_STATE    the state file (default $XDG_CONFIG_HOME/tempomall/mallctl.json)
`

// command is a top-level command.
type command struct {
	name string
	run  func(ctx context.Context, c *cli, args []string) error
}

// commands returns the top-level commands.
func commands() []command {
	return []command{
		{"register", runRegister},
		{"login", runLogin},
		{"logout", runLogout},
		{"whoami", runWhoami},
		{"token", runToken},
		{"refresh", runRefresh},
		{"products", runProducts},
		{"product", runProduct},
		{"cart", runCart},
		{"checkout", runCheckout},
		{"orders", runOrders},
		{"order", runOrder},
		{"pay", runPay},
		{"payment", runPayment},
		{"cards", runCards},
		{"admin", runAdmin},
		{"demo", runDemo},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs one mallctl command and returns the exit status.
func run(ctx context.Context, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cfg, err := config.FromEnv()
	if err != nil {
		fmt.Fprintln(stderr, "mallctl:", err)
		return 2
	}
	if !cfg.Debug {
		// Kitex logs connection failures itself; mallctl reports them.
		klog.SetOutput(io.Discard)
	}
	path, err := statePath(os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, "mallctl:", err)
		return 1
	}
	c := &cli{
		out: stdout, errOut: stderr, in: bufio.NewReader(stdin), term: terminal(stdin),
		cfg: cfg, statePath: path, dial: dialStatic, now: time.Now,
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return c.exitStatus(cmd.run(ctx, c, args[1:]))
		}
	}
	fmt.Fprintf(stderr, "mallctl: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// exitStatus prints a failure and returns the exit status for it.
func (c *cli) exitStatus(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(c.errOut, c.describe(err))
	return 1
}

// terminal returns f when it is a terminal, else nil.
func terminal(f *os.File) *os.File {
	if f == nil {
		return nil
	}
	if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return f
	}
	return nil
}

// dialStatic returns clients of the services at their configured
// addresses (TEMPOMALL_<SVC>_ADDR), or of the one documented entry point
// that proxies them.
func dialStatic(cfg config.Config) (*clients.Clients, error) {
	return clients.New(cfg, clients.Options{})
}
