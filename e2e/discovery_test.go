package e2e_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/kitex/pkg/discovery"
	etcd "github.com/kitex-contrib/registry-etcd"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/config"
)

// etcdEnv names the etcd binary of the discovery test (default
// /usr/bin/etcd, from Debian's etcd-server package).
const etcdEnv = "TEMPOMALL_ETCD"

// TestEtcdDiscovery runs auth and user in one process and product in
// another, registered in a real etcd. Every call finds its server through
// etcd alone: the static dial addresses all point at a closed port, for
// the test's clients and for the services' own (product loads the auth
// service's keys and policy through etcd).
func TestEtcdDiscovery(t *testing.T) {
	cfg := config.Default(t.TempDir())
	cfg.ServiceSecret = "test-service-secret"
	cfg.AdminPassword = "Admin-pass-123"
	cfg.Discovery = "etcd"
	cfg.EtcdEndpoints = startEtcd(t)
	nowhere := freeAddr(t)
	for _, s := range config.Services {
		cfg.Dial[s] = nowhere
	}
	reg, err := etcd.NewEtcdResolver(cfg.EtcdEndpoints)
	if err != nil {
		t.Fatal(err)
	}

	// Each server registers the real address of its listener.
	identity := startProcess(t, cfg, "127.0.0.1:0", config.Auth, config.User)
	waitRegistered(t, reg, config.Auth, identity.addrs[config.Auth])
	waitRegistered(t, reg, config.User, identity.addrs[config.User])
	catalog := startProcess(t, cfg, "127.0.0.1:0", config.Product)
	waitRegistered(t, reg, config.Product, catalog.addrs[config.Product])

	// Calls succeed through etcd.
	ctx := context.Background()
	c, err := dialClients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := identity.run.Clients
	if _, err := app.EnsureAdmin(ctx, svc, cfg.AdminEmail, cfg.AdminPassword); err != nil {
		t.Fatalf("seed admin: %v", err)
	}
	login, err := c.User.Login(ctx, &user.LoginRequest{Login: cfg.AdminEmail, Password: cfg.AdminPassword})
	if err != nil {
		t.Fatalf("admin login through etcd: %v", err)
	}
	created, err := c.Product.CreateProduct(as(login.GetTokens().GetAccessToken()), &product.CreateProductRequest{
		Name: "Discovered teapot", Price: &common.Money{Amount: 4200, Currency: cfg.CatalogCurrency}, InitialStock: 2,
	})
	if err != nil {
		t.Fatalf("create product through etcd: %v", err)
	}
	id := created.GetProduct().GetId()
	getProduct := func() error {
		_, err := c.Product.GetProduct(ctx, &product.GetProductRequest{Id: id})
		return err
	}
	if err := getProduct(); err != nil {
		t.Fatalf("get product through etcd: %v", err)
	}

	// A stopped instance leaves the registry, and calls to it fail.
	catalog.stop()
	waitRegistered(t, reg, config.Product)
	if err := getProduct(); err == nil {
		t.Fatal("get product succeeded with no product instance running")
	}

	// A new instance elsewhere is found without any configuration change.
	// It listens on every interface: it must register a routable address,
	// not 0.0.0.0.
	listen, host := "0.0.0.0:0", hostIPv4()
	if host == "" {
		t.Log("no non-loopback IPv4 address: the new instance listens on 127.0.0.1")
		listen, host = "127.0.0.1:0", "127.0.0.1"
	}
	moved := startProcess(t, cfg, listen, config.Product)
	_, port, _ := net.SplitHostPort(moved.addrs[config.Product])
	waitRegistered(t, reg, config.Product, net.JoinHostPort(host, port))
	eventually(t, 20*time.Second, "get product from the new instance", getProduct)
	if _, err := c.User.Login(ctx, &user.LoginRequest{Login: cfg.AdminEmail, Password: cfg.AdminPassword}); err != nil {
		t.Fatalf("user service after the product move: %v", err)
	}
}

// process is one tempomall process of the test.
type process struct {
	run   *app.System
	addrs map[string]string // listener addresses, by service
	once  sync.Once
}

// startProcess starts services in a process of their own, each on a
// random port of listen (host:0); the test's end stops it. It listens on
// IPv4 only, as in containers without IPv6, where a wildcard listener's
// address is 0.0.0.0 rather than [::].
func startProcess(t *testing.T, cfg config.Config, listen string, services ...string) *process {
	t.Helper()
	p := &process{addrs: map[string]string{}}
	listeners := map[string]net.Listener{}
	for _, s := range services {
		ln, err := net.Listen("tcp4", listen)
		if err != nil {
			t.Fatal(err)
		}
		listeners[s], p.addrs[s] = ln, ln.Addr().String()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var err error
	p.run, err = app.Start(ctx, cfg, app.Options{
		Identity: "tempomall", Services: services, Listeners: listeners, FastPasswordHashing: true,
	})
	if err != nil {
		t.Fatalf("start %v: %v", services, err)
	}
	t.Cleanup(p.stop)
	return p
}

func (p *process) stop() { p.once.Do(p.run.Stop) }

// waitRegistered waits until etcd lists exactly want for a service.
func waitRegistered(t *testing.T, reg discovery.Resolver, service string, want ...string) {
	t.Helper()
	slices.Sort(want)
	eventually(t, 10*time.Second, "registry entries of "+service, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var got []string
		res, err := reg.Resolve(ctx, "tempomall."+service)
		if err == nil {
			for _, in := range res.Instances {
				got = append(got, in.Address().String())
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("etcd lists %v (resolve error: %v), want %v", got, err, want)
		}
		return nil
	})
}

// eventually retries f until it succeeds or within has passed.
func eventually(t *testing.T, within time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s after %s: %v", what, within, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startEtcd runs a single-member etcd on random loopback ports with its
// data in the test's temporary directory and returns its client endpoint.
// It skips the test when there is no etcd binary.
func startEtcd(t *testing.T) []string {
	t.Helper()
	bin := os.Getenv(etcdEnv)
	if bin == "" {
		bin = "/usr/bin/etcd"
		if _, err := os.Stat(bin); err != nil {
			t.Skipf("no etcd at %s: apt-get install etcd-server, or set %s", bin, etcdEnv)
		}
	}
	client, peer := "http://"+freeAddr(t), "http://"+freeAddr(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "etcd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "--name", "e2e", "--data-dir", filepath.Join(dir, "data"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
		"--initial-cluster", "e2e="+peer)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start etcd: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(client + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return []string{client}
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logPath)
			t.Fatalf("etcd did not become healthy: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// hostIPv4 returns the first non-loopback IPv4 address of this host, the
// one the registry substitutes for a wildcard listen address; "" if none.
func hostIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
			return ip.IP.To4().String()
		}
	}
	return ""
}
