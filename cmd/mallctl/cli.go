package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
)

// cli is one run of mallctl: its streams, its configuration, the state
// file, and the service clients, dialled on first use. It lives for one
// command; nothing of it is global.
type cli struct {
	out    io.Writer
	errOut io.Writer
	in     *bufio.Reader
	// term is the terminal standard input is, or nil: passwords typed on
	// it are not echoed.
	term *os.File

	cfg       config.Config
	statePath string
	dial      func(config.Config) (*clients.Clients, error)
	now       func() time.Time

	clients *clients.Clients
	state   *State
}

// rpc returns the service clients, dialling them on first use.
func (c *cli) rpc() (*clients.Clients, error) {
	if c.clients == nil {
		cl, err := c.dial(c.cfg)
		if err != nil {
			return nil, fmt.Errorf("set up the service clients: %w", err)
		}
		c.clients = cl
	}
	return c.clients, nil
}

// flagSet returns the flag set of one command; synopsis is its usage line
// after "mallctl", such as "order cancel ID [-reason R]".
func (c *cli) flagSet(synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(commandName(synopsis), flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	fs.Usage = func() {
		fmt.Fprintf(c.errOut, "usage: mallctl %s\n", synopsis)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(c.errOut, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// commandName returns the command words that start a synopsis: "order
// cancel" of "order cancel ID [-reason R]".
func commandName(synopsis string) string {
	var words []string
	for _, w := range strings.Fields(synopsis) {
		if w == "" || !('a' <= w[0] && w[0] <= 'z') {
			break
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// parse parses args with fs, flags before, between or after the
// arguments, and checks that there are between min and max arguments
// (max < 0: no upper bound). It returns the arguments.
func (c *cli) parse(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, err
	}
	if err != nil {
		return nil, errUsage // the flag package printed the error and the usage
	}
	if len(pos) < min || (max >= 0 && len(pos) > max) {
		want := fmt.Sprintf("%d to %d arguments", min, max)
		switch {
		case min == max:
			want = fmt.Sprintf("%d argument%s", min, plural(min))
		case max < 0:
			want = fmt.Sprintf("at least %d argument%s", min, plural(min))
		}
		return nil, c.usageErr(fs, "want %s, got %d", want, len(pos))
	}
	return pos, nil
}

// usageErr prints a usage problem and the command's usage, and returns
// errUsage.
func (c *cli) usageErr(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(c.errOut, "mallctl %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.Usage()
	return errUsage
}

// parseArgs parses flags wherever they stand among the arguments (the flag
// package alone stops at the first argument) and returns the arguments.
// Everything after "--" is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// subcommand is one verb of a command group such as "cart add".
type subcommand struct {
	name string
	run  func(ctx context.Context, c *cli, args []string) error
}

// dispatch runs the subcommand args[0] of group. When args is empty or
// starts with a flag, it runs the fallback subcommand (if any) with all of
// args: `mallctl cart` shows the cart, `mallctl products -sort price` lists.
func (c *cli) dispatch(ctx context.Context, group string, args []string, subs []subcommand, fallback string) error {
	if len(args) > 0 {
		for _, s := range subs {
			if s.name == args[0] {
				return s.run(ctx, c, args[1:])
			}
		}
	}
	if fallback != "" && (len(args) == 0 || strings.HasPrefix(args[0], "-")) {
		for _, s := range subs {
			if s.name == fallback {
				return s.run(ctx, c, args)
			}
		}
	}
	names := make([]string, len(subs))
	for i, s := range subs {
		names[i] = s.name
	}
	if len(args) == 0 {
		fmt.Fprintf(c.errOut, "mallctl %s: want one of: %s\n", group, strings.Join(names, ", "))
	} else {
		fmt.Fprintf(c.errOut, "mallctl %s: unknown command %q; want one of: %s\n", group, args[0], strings.Join(names, ", "))
	}
	fmt.Fprintln(c.errOut, "run `mallctl help` for the list of commands")
	return errUsage
}

// runGet runs a reading command over one argument, such as "order get
// ID [-json]": it reads the thing with get, as role r, and prints it as
// JSON (-json) or with show.
func runGet[T any](ctx context.Context, c *cli, args []string, synopsis string, r role,
	get func(ctx context.Context, cl *clients.Clients, arg string) (T, error), show func(T),
) error {
	fs := c.flagSet(synopsis)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := c.parse(fs, args, 1, 1)
	if err != nil {
		return err
	}
	actx, cl, err := c.as(ctx, r)
	if err != nil {
		return err
	}
	v, err := get(actx, cl, pos[0])
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(c.out, v)
	}
	show(v)
	return nil
}

// readPassword reads a password from standard input: when it is a
// terminal, after a prompt and without echo.
func (c *cli) readPassword(ctx context.Context, prompt string) (string, error) {
	if c.term != nil {
		fmt.Fprint(c.errOut, prompt)
		if err := c.stty(ctx, "-echo"); err == nil {
			defer func() {
				_ = c.stty(context.WithoutCancel(ctx), "echo")
				fmt.Fprintln(c.errOut)
			}()
		}
	}
	line, err := c.in.ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password: type it, pipe it on standard input, or pass -password")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// stty changes the terminal's mode (echo on or off).
func (c *cli) stty(ctx context.Context, mode string) error {
	cmd := exec.CommandContext(ctx, "stty", mode)
	cmd.Stdin = c.term
	return cmd.Run()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
