package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/internal/config"
)

// partsOf says what a process runs.
type partsOf struct {
	identity string
	services []string
	worker   bool
	gateway  bool
	codec    bool
}

// runParts runs parts until ctx ends or one fails.
func runParts(ctx context.Context, cfg config.Config, parts partsOf) error {
	if err := cfg.EnsureSecrets(); err != nil {
		return err
	}
	run, err := app.Start(ctx, cfg, app.Options{
		Identity: parts.identity, Services: parts.services, Worker: parts.worker, Gateway: parts.gateway,
		Codec: parts.codec,
	})
	if err != nil {
		return err
	}
	return run.Wait(ctx)
}

func runServe(ctx context.Context, cfg config.Config, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("name the services to run (%s) or all", strings.Join(config.Services, " "))
	}
	services := args
	if len(args) == 1 && args[0] == "all" {
		services = config.Services
	}
	for _, s := range services {
		if !slices.Contains(config.Services, s) {
			return fmt.Errorf("unknown service %q: services are %s", s, strings.Join(config.Services, " "))
		}
	}
	identity := "tempomall"
	if len(services) == 1 {
		identity = services[0]
	}
	return runParts(ctx, cfg, partsOf{identity: identity, services: services})
}

func runMigrate(ctx context.Context, cfg config.Config) error {
	if err := app.MigrateAll(ctx, cfg); err != nil {
		return err
	}
	fmt.Println("migrations applied")
	return nil
}

func runRotateKeys(ctx context.Context, cfg config.Config) error {
	kid, err := app.RotateSigningKey(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("new signing key %s; tokens signed by the previous keys verify until they expire\n", kid)
	return nil
}

// runSeed creates the admin account and the demo catalog against running
// services.
func runSeed(ctx context.Context, cfg config.Config) error {
	if err := cfg.EnsureSecrets(); err != nil {
		return err
	}
	sys, err := app.Build(ctx, cfg, app.Options{Identity: "tempomall"})
	if err != nil {
		return err
	}
	defer sys.Stop()
	return seedWith(ctx, sys.Clients, cfg)
}

func runSetupTemporal(ctx context.Context, cfg config.Config) error {
	added, err := app.RegisterSearchAttributes(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Printf("search attributes in namespace %s: added %v, the others were there\n", cfg.TemporalNamespace, added)
	return nil
}
