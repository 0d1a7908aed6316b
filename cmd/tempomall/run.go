package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tempomall/tempomall/internal/app"
	"github.com/tempomall/tempomall/internal/config"
)

// partsOf says what a process runs.
type partsOf struct {
	identity string
	services []string
	worker   bool
	gateway  bool
}

// runParts runs parts until ctx ends or one fails.
func runParts(ctx context.Context, cfg config.Config, parts partsOf) error {
	if err := cfg.EnsureSecrets(); err != nil {
		return err
	}
	run, err := app.Start(ctx, cfg, app.Options{
		Identity: parts.identity, Services: parts.services, Worker: parts.worker, Gateway: parts.gateway,
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
	p, err := app.NewPlatform(ctx, cfg, "", nil)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := app.MigrateAll(ctx, p); err != nil {
		return err
	}
	fmt.Println("migrations applied")
	return nil
}

func runRotateKeys(ctx context.Context, cfg config.Config) error {
	p, err := app.NewPlatform(ctx, cfg, "", nil)
	if err != nil {
		return err
	}
	defer p.Close()
	kid, err := app.RotateSigningKey(ctx, p)
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
	p, err := app.NewPlatform(ctx, cfg, "tempomall", nil)
	if err != nil {
		return err
	}
	defer p.Close()
	clients, err := p.Clients()
	if err != nil {
		return err
	}
	return seedWith(ctx, clients, cfg)
}

func runSetupTemporal(ctx context.Context, cfg config.Config) error {
	p, err := app.NewPlatform(ctx, cfg, "", nil)
	if err != nil {
		return err
	}
	defer p.Close()
	added, err := app.RegisterSearchAttributes(ctx, p)
	if err != nil {
		return err
	}
	fmt.Printf("search attributes in namespace %s: added %v, the others were there\n", cfg.TemporalNamespace, added)
	return nil
}
