// Command tempomall runs tempomall's processes.
//
//	tempomall dev                 everything on this machine: Temporal dev server, services, worker, sandbox
//	tempomall serve SERVICE...    Kitex services (user auth product cart checkout order payment, or all)
//	tempomall worker              the Temporal worker
//	tempomall sandbox             the payment sandbox gateway
//	tempomall codec               the codec server of encrypted workflow payloads
//	tempomall migrate             apply every store's migrations
//	tempomall seed                the admin account and a demo catalog (idempotent)
//	tempomall setup-temporal      register the workflows' search attributes (idempotent)
//	tempomall rotate-keys         start signing tokens with a new key
//
// Configuration comes from TEMPOMALL_* environment variables (see
// internal/config); without any, everything runs on this machine with
// SQLite under .data/.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/tempomall/tempomall/internal/config"
)

const usage = `usage: tempomall COMMAND

commands:
  dev                start everything on this machine (Ctrl-C stops it)
  serve SERVICE...   run Kitex services: user auth product cart checkout order payment, or all
  worker             run the Temporal worker
  sandbox            run the payment sandbox gateway
  codec              run the codec server (decodes encrypted workflow payloads for the Web UI and CLI)
  migrate            apply every store's migrations and exit
  seed               create the admin account and a demo catalog, then exit
  setup-temporal     register the workflows' search attributes in the namespace, then exit
  rotate-keys        make the auth service sign with a new key, then exit

configuration: TEMPOMALL_* environment variables (README.md lists them)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.FromEnv()
	if err != nil {
		fail(err)
	}
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "dev":
		err = runDev(ctx, cfg)
	case "serve":
		err = runServe(ctx, cfg, args)
	case "worker":
		err = runParts(ctx, cfg, partsOf{identity: "worker", worker: true})
	case "sandbox":
		err = runParts(ctx, cfg, partsOf{identity: "sandbox", gateway: true})
	case "codec":
		err = runParts(ctx, cfg, partsOf{identity: "codec", codec: true})
	case "migrate":
		err = runMigrate(ctx, cfg)
	case "seed":
		err = runSeed(ctx, cfg)
	case "setup-temporal":
		err = runSetupTemporal(ctx, cfg)
	case "rotate-keys":
		err = runRotateKeys(ctx, cfg)
	case "-h", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tempomall:", err)
	os.Exit(1)
}
