//go:build unix

package e2e_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cloudwego/kitex/pkg/klog"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/tempomall/tempomall/app"
	"github.com/tempomall/tempomall/idl/kitex_gen/cart"
	"github.com/tempomall/tempomall/idl/kitex_gen/checkout"
	"github.com/tempomall/tempomall/idl/kitex_gen/common"
	"github.com/tempomall/tempomall/idl/kitex_gen/order"
	"github.com/tempomall/tempomall/idl/kitex_gen/product"
	"github.com/tempomall/tempomall/idl/kitex_gen/user"
	"github.com/tempomall/tempomall/internal/clients"
	"github.com/tempomall/tempomall/internal/config"
	"github.com/tempomall/tempomall/internal/dbx/dbtest"
	"github.com/tempomall/tempomall/internal/dbx/redistest"
	orderwf "github.com/tempomall/tempomall/workflows/order"
)

// The load of TestScaleOut: shoppers loop through journeys for
// scaleLoad; one replica of everything is killed scaleKillAt into it. A
// journey that has not reached PAID within scaleJourney has failed.
const (
	scaleShoppers = 12
	scaleLoad     = 45 * time.Second
	scaleKillAt   = 15 * time.Second
	scaleJourney  = 75 * time.Second
)

// TestScaleOut runs two replicas of every service and two workers, each
// an OS process of the tempomall binary, finding each other through a real
// etcd, on MariaDB and Redis and a Temporal dev server. Shoppers check out
// concurrently and wait for their orders to be PAID; a third of the way
// in, one replica of every service and one worker are SIGKILLed. No
// journey may fail (a call that fails may be repeated, with the same
// idempotency key for a checkout), and the metrics endpoints must show
// both replicas serving before the kill and the survivors after it.
func TestScaleOut(t *testing.T) {
	if os.Getenv(dbtest.MySQLEnv) == "" || os.Getenv(redistest.AddrEnv) == "" {
		t.Skipf("the scale-out test runs on MariaDB and Redis: set %s and %s (make test-integration does)",
			dbtest.MySQLEnv, redistest.AddrEnv)
	}
	bin, cli := tempomallPath(t), temporalCLI(t)
	if abs, err := filepath.Abs(bin); err == nil {
		bin = abs
	}
	began := time.Now()
	c := newScaleCluster(t, bin, cli)
	c.start()
	t.Logf("%d processes up in %s", len(c.procs), time.Since(began).Round(100*time.Millisecond))

	shop := newScaleShop(t, c)
	base := c.scrape()
	loadStart := time.Now()
	done := make(chan struct{})
	go func() { shop.run(loadStart.Add(scaleLoad)); close(done) }()

	time.Sleep(time.Until(loadStart.Add(scaleKillAt)))
	before := c.scrape()
	var victims []*scaleProc
	for _, p := range c.procs {
		if p.replica == "a" && p.role != scaleSandbox {
			victims = append(victims, p)
		}
	}
	for _, p := range victims {
		p.kill()
	}
	t.Logf("SIGKILLed %d processes at %s: %s", len(victims), time.Since(loadStart).Round(100*time.Millisecond), names(victims))
	<-done
	after := c.scrape()
	t.Logf("load ended after %s", time.Since(loadStart).Round(100*time.Millisecond))

	// The problems are reported last, after the processes' logs, so that
	// they are what a truncated CI log still shows.
	problems := append(shop.report(c.tc), c.report(base, before, after)...)
	if len(problems) > 0 || t.Failed() {
		c.dumpLogs()
	}
	t.Logf("TestScaleOut took %s", time.Since(began).Round(100*time.Millisecond))
	for _, p := range problems {
		t.Error(p)
	}
}

// Roles besides the services.
const (
	scaleWorker  = "worker"
	scaleSandbox = "sandbox"
)

// scaleCluster is the system of TestScaleOut.
type scaleCluster struct {
	t   *testing.T
	bin string
	dir string
	// cfg is how the test's own clients reach the system (through etcd).
	cfg config.Config
	env []string // of every process
	// webhook is where the gateway sends its webhooks: payment-a.
	webhook string
	procs   []*scaleProc
	tc      client.Client
}

// scaleProc is one tempomall process.
type scaleProc struct {
	name    string // role-replica: "cart-a", "worker-b"
	role    string // a service, scaleWorker or scaleSandbox
	replica string // "a" (killed) or "b"
	addr    string // the service's listen address
	metrics string // its ops endpoint
	log     string
	cmd     *exec.Cmd
	done    chan struct{}
	killed  bool
}

func newScaleCluster(t *testing.T, bin, cli string) *scaleCluster {
	// The processes' logs outlive a failed run.
	dir, err := os.MkdirTemp("", "tempomall-scaleout-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the processes' logs are in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	c := &scaleCluster{t: t, bin: bin, dir: dir}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	etcdEndpoints := startEtcd(t) // or skips
	dev, err := startDevServer(ctx, cli)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Stop() })
	// The test's clients fail over from the killed replicas with a warning
	// each; the report counts what reached the shoppers.
	klog.SetLevel(klog.LevelError)
	t.Cleanup(func() { klog.SetLevel(klog.LevelInfo) })
	dsn := dbtest.FreshMySQL(t, os.Getenv(dbtest.MySQLEnv))
	redisAddr, redisDB := redistest.DB(t)

	cfg := config.Default(dir)
	cfg.Discovery, cfg.EtcdEndpoints = "etcd", etcdEndpoints
	cfg.TemporalHostPort = dev.FrontendHostPort()
	cfg.AdminPassword = "Admin-pass-123"
	c.cfg = cfg // the test's own clients: through etcd
	cfg.MySQLDSN, cfg.RedisAddr, cfg.RedisDB = dsn, redisAddr, redisDB
	cfg.ServiceSecret = "scale-service-secret"
	cfg.Ops.CodecKeys = "scale:" + base64.StdEncoding.EncodeToString(make([]byte, 32))
	gateway := freeAddr(t)
	cfg.GatewayListen, cfg.GatewayURL = gateway, "http://"+gateway
	cfg.GatewayAPIKey, cfg.GatewayWebhookSecret = "sk_test_scale", "whsec_scale"
	// The sandbox gateway sends its webhooks to the payment replica that
	// is killed: afterwards payments settle by reconciliation (asking the
	// gateway) alone.
	c.webhook = freeAddr(t)
	cfg.WebhookURL = "http://" + c.webhook + "/webhooks/gateway"
	cfg.PaymentReconcileAfter = 2 * time.Second
	cfg.Ops.LogLevel = "warn"
	c.env = config.ChildEnviron(cfg)
	return c
}

// start runs the migrations, the sandbox, two replicas of every service
// (auth first: the others fetch its keys) and two workers, waits until
// each is ready, registered in etcd and polling, then seeds.
func (c *scaleCluster) start() {
	t := c.t
	c.runOnce("migrate")
	c.wait(c.spawn(scaleSandbox, "", "sandbox"))
	for _, group := range [][]string{{config.Auth}, config.Services[1:]} {
		var started []*scaleProc
		for _, s := range group {
			for _, r := range []string{"a", "b"} {
				started = append(started, c.spawn(s, r, "serve", s))
			}
		}
		c.wait(started...)
	}
	c.wait(c.spawn(scaleWorker, "a", "worker"), c.spawn(scaleWorker, "b", "worker"))

	res, err := app.Resolver(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range config.Services {
		var addrs []string
		for _, p := range c.procs {
			if p.role == s {
				addrs = append(addrs, p.addr)
			}
		}
		waitRegistered(t, res, s, addrs...)
	}
	c.tc, err = client.Dial(client.Options{HostPort: c.cfg.TemporalHostPort, Namespace: c.cfg.TemporalNamespace, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.tc.Close)
	eventually(t, 30*time.Second, "two workers polling "+orderwf.TaskQueue, func() error {
		resp, err := c.tc.DescribeTaskQueue(context.Background(), orderwf.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		if err != nil {
			return err
		}
		if n := len(resp.GetPollers()); n < 2 {
			return fmt.Errorf("%d pollers", n)
		}
		return nil
	})
	c.runOnce("seed")
}

// spawn starts a process of role (its replica "" for the only one).
func (c *scaleCluster) spawn(role, replica string, args ...string) *scaleProc {
	t := c.t
	name := role
	if replica != "" {
		name += "-" + replica
	}
	p := &scaleProc{name: name, role: role, replica: replica, metrics: freeAddr(t),
		log: filepath.Join(c.dir, name+".log"), done: make(chan struct{})}
	env := append(slices.Clone(c.env),
		"TEMPOMALL_DATA_DIR="+filepath.Join(c.dir, name),
		"TEMPOMALL_METRICS_LISTEN="+p.metrics)
	if slices.Contains(config.Services, role) {
		p.addr = freeAddr(t)
		env = append(env, "TEMPOMALL_"+strings.ToUpper(role)+"_LISTEN="+p.addr)
	}
	if role == config.Payment {
		webhook := c.webhook
		if replica != "a" {
			webhook = freeAddr(t)
		}
		env = append(env, "TEMPOMALL_WEBHOOK_LISTEN="+webhook)
	}
	f, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(c.bin, args...)
	p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = env, f, f
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = p.cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	})
	c.procs = append(c.procs, p)
	return p
}

// runOnce runs a one-shot command (migrate, seed) to its end.
func (c *scaleCluster) runOnce(command string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, command)
	cmd.Env = append(slices.Clone(c.env), "TEMPOMALL_DATA_DIR="+filepath.Join(c.dir, command))
	if out, err := cmd.CombinedOutput(); err != nil {
		c.t.Fatalf("tempomall %s: %v\n%s", command, err, out)
	}
}

// wait waits until every process answers ready on its ops endpoint.
func (c *scaleCluster) wait(procs ...*scaleProc) {
	deadline := time.Now().Add(90 * time.Second)
	// A process that hangs must not hold the wait past its deadline.
	probe := &http.Client{Timeout: 2 * time.Second}
	for _, p := range procs {
		for {
			select {
			case <-p.done:
				c.t.Fatalf("%s exited while starting:\n%s", p.name, logTail(p.log, 30))
			default:
			}
			resp, err := probe.Get("http://" + p.metrics + "/readyz")
			if err == nil {
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("%s is not ready (%v):\n%s", p.name, err, logTail(p.log, 30))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// kill SIGKILLs the process and its group.
func (p *scaleProc) kill() {
	p.killed = true
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// scaleCounts is what a process's metrics say it did: requests served (a
// service), workflow tasks and activities executed (a worker).
type scaleCounts struct{ requests, workflowTasks, activities float64 }

func (s scaleCounts) minus(o scaleCounts) scaleCounts {
	return scaleCounts{s.requests - o.requests, s.workflowTasks - o.workflowTasks, s.activities - o.activities}
}

// scrape reads the counters of every live process, by name.
func (c *scaleCluster) scrape() map[string]scaleCounts {
	out := map[string]scaleCounts{}
	for _, p := range c.procs {
		if p.killed || p.role == scaleSandbox {
			continue
		}
		resp, err := http.Get("http://" + p.metrics + "/metrics")
		if err != nil {
			c.t.Errorf("metrics of %s: %v", p.name, err)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			c.t.Errorf("metrics of %s: %v", p.name, err)
			continue
		}
		out[p.name] = countsOf(body, p.role)
	}
	return out
}

// countsOf sums the counters of a Prometheus text exposition: RPC
// requests served by service role (but housekeeping), and the Temporal SDK's executions of
// workflow tasks and of activities (eager and local ones included).
func countsOf(body []byte, role string) scaleCounts {
	var n scaleCounts
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		name, labels, _ := strings.Cut(line[:i], "{")
		switch {
		case name == "tempomall_rpc_server_requests_total" && strings.Contains(labels, `service="`+role+`"`) &&
			!housekeeping[labelValue(labels, "method")]:
			n.requests += v
		case strings.HasPrefix(name, "temporal_workflow_task_execution_latency") && strings.HasSuffix(name, "_count"):
			n.workflowTasks += v
		case strings.Contains(name, "activity_execution_latency") && strings.HasSuffix(name, "_count"):
			n.activities += v
		}
	}
	return n
}

// housekeeping are the methods every process calls on its own, at start
// and then periodically (keys, policies, revocations, its service
// token): requests that show nothing of the shoppers' load.
var housekeeping = map[string]bool{
	"GetSigningKeys": true, "ListPolicies": true, "ListRevocations": true, "IssueServiceToken": true,
}

// labelValue returns a label's value in a Prometheus label set.
func labelValue(labels, name string) string {
	_, rest, ok := strings.Cut(labels, name+`="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return v
}

// report logs requests per replica and tasks per worker before and after
// the kill, and checks that both replicas shared the work before it and
// that the survivors worked after it: it returns what went wrong.
func (c *scaleCluster) report(base, before, after map[string]scaleCounts) (problems []string) {
	t := c.t
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %14s %14s\n", "process", "before kill", "after kill")
	cell := func(p *scaleProc, n scaleCounts) string {
		if p.role == scaleWorker {
			return fmt.Sprintf("%.0f wft/%.0f act", n.workflowTasks, n.activities)
		}
		return fmt.Sprintf("%.0f req", n.requests)
	}
	served := func(p *scaleProc, n scaleCounts) bool {
		if p.role == scaleWorker {
			return n.workflowTasks > 0 && n.activities > 0
		}
		return n.requests > 0
	}
	work := func(p *scaleProc, n scaleCounts) float64 {
		if p.role == scaleWorker {
			return n.workflowTasks + n.activities
		}
		return n.requests
	}
	byRole := map[string][]float64{}
	for _, p := range c.procs {
		if p.role == scaleSandbox {
			continue
		}
		pre := before[p.name].minus(base[p.name])
		post := "killed"
		if !p.killed {
			post = cell(p, after[p.name].minus(before[p.name]))
			if !served(p, after[p.name].minus(before[p.name])) {
				problems = append(problems, fmt.Sprintf("%s, a survivor, did no work after the kill", p.name))
			}
		}
		if !served(p, pre) {
			problems = append(problems, fmt.Sprintf("%s did no work before the kill", p.name))
		}
		fmt.Fprintf(&b, "%-10s %14s %14s\n", p.name, cell(p, pre), post)
		byRole[p.role] = append(byRole[p.role], work(p, pre))
	}
	// Before the kill the replicas share the load: the balancers spread
	// calls (round robin) and the workers poll the same task queues.
	for role, shares := range byRole {
		total, least := 0.0, shares[0]
		for _, n := range shares {
			total += n
			least = min(least, n)
		}
		floor := 0.2
		if role == scaleWorker {
			floor = 0.1
		}
		if total >= 20 && least < floor*total {
			problems = append(problems, fmt.Sprintf("%s: the replicas did %v before the kill: one did less than %.0f%%", role, shares, 100*floor))
		}
	}
	t.Logf("work per process (from its /metrics; wft: workflow tasks, act: activities):\n%s", b.String())
	return problems
}

// dumpLogs logs the end of every process's log, without the clients'
// retries of calls to the killed replicas, which are expected.
func (c *scaleCluster) dumpLogs() {
	for _, p := range c.procs {
		c.t.Logf("--- %s (%s):\n%s", p.name, p.log, logTail(p.log, 10, "auto retry"))
	}
}

// logTail returns the last n lines of a file, leaving out the lines that
// contain one of skip.
func logTail(path string, n int, skip ...string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var lines []string
	for line := range strings.Lines(string(b)) {
		if !slices.ContainsFunc(skip, func(s string) bool { return strings.Contains(line, s) }) {
			lines = append(lines, strings.TrimRight(line, "\n"))
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func names(procs []*scaleProc) string {
	var out []string
	for _, p := range procs {
		out = append(out, p.name)
	}
	return strings.Join(out, " ")
}

// scaleShop is the shoppers of TestScaleOut and what befell their
// journeys.
type scaleShop struct {
	t        *testing.T
	c        *clients.Clients
	products []int64
	shoppers []string // usernames; every password is scalePassword

	mu       sync.Mutex
	journeys int
	failed   []scaleFailure
	retried  map[string]int // failed calls that were repeated, by method and error
	slowest  time.Duration
}

const scalePassword = "pass-word-1"

// newScaleShop creates the products (as the seeded admin) and registers
// the shoppers, through etcd like every call of the test.
func newScaleShop(t *testing.T, c *scaleCluster) *scaleShop {
	cl, err := dialClients(c.cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := &scaleShop{t: t, c: cl, retried: map[string]int{}}
	ctx := context.Background()
	login, err := cl.User.Login(ctx, &user.LoginRequest{Login: c.cfg.AdminEmail, Password: c.cfg.AdminPassword})
	if err != nil {
		t.Fatalf("admin login: %v", err)
	}
	admin := login.GetTokens().GetAccessToken()
	for i := range 4 {
		resp, err := cl.Product.CreateProduct(as(admin), &product.CreateProductRequest{
			Name: fmt.Sprintf("Scale-out teapot %d", i), Description: "made for the scale-out test",
			Price: &common.Money{Amount: int64(1000 + 250*i), Currency: c.cfg.CatalogCurrency}, InitialStock: 1_000_000,
		})
		if err != nil {
			t.Fatalf("create product: %v", err)
		}
		s.products = append(s.products, resp.GetProduct().GetId())
	}
	for range scaleShoppers {
		name := unique("scale")
		if _, err := cl.User.Register(ctx, &user.RegisterRequest{Email: name + "@example.com", Username: name, Password: scalePassword}); err != nil {
			t.Fatalf("register: %v", err)
		}
		s.shoppers = append(s.shoppers, name)
	}
	return s
}

// run has every shopper start journeys until until; it returns when the
// last journey has ended.
func (s *scaleShop) run(until time.Time) {
	var wg sync.WaitGroup
	for _, name := range s.shoppers {
		wg.Go(func() {
			for n := 1; time.Now().Before(until); n++ {
				began := time.Now()
				wf, err := s.journey(name, n)
				s.mu.Lock()
				s.journeys++
				s.slowest = max(s.slowest, time.Since(began))
				if err != nil {
					s.failed = append(s.failed, scaleFailure{
						what:     fmt.Sprintf("%s journey %d (began %s): %v", name, n, began.Format("15:04:05.000"), err),
						workflow: wf,
					})
				}
				s.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// journey logs in, looks at a product, adds it to the cart, checks out
// with a card and waits for the order to be PAID. A call that fails is
// repeated (the checkout with its idempotency key) until the journey's
// time is up.
func (s *scaleShop) journey(name string, n int) (workflowID string, err error) {
	deadline := time.Now().Add(scaleJourney)
	persist := func(what string, call func() error) error {
		for {
			err := call()
			if err == nil {
				return nil
			}
			s.retry(what, err)
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: %w", what, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	ctx := context.Background()
	var tok string
	if err := persist("User.Login", func() error {
		resp, err := s.c.User.Login(ctx, &user.LoginRequest{Login: name, Password: scalePassword})
		tok, workflowID = resp.GetTokens().GetAccessToken(), orderwf.WorkflowID(orderwf.OrderID(resp.GetUser().GetId(), fmt.Sprintf("%s-%d", name, n)))
		return err
	}); err != nil {
		return "", err
	}
	id := s.products[rand.IntN(len(s.products))]
	if err := persist("Product.GetProduct", func() error {
		_, err := s.c.Product.GetProduct(ctx, &product.GetProductRequest{Id: id})
		return err
	}); err != nil {
		return workflowID, err
	}
	key := fmt.Sprintf("%s-%d", name, n)
	if err := persist("Cart.AddItem", func() error {
		_, err := s.c.Cart.AddItem(as(tok), &cart.AddItemRequest{ProductId: id, Quantity: 1, IdempotencyKey: key})
		return err
	}); err != nil {
		return workflowID, err
	}
	var co *checkout.Checkout
	req := &checkout.CheckoutRequest{IdempotencyKey: key, Address: homeAddress, PaymentMethod: cardInput(cardSucceeds)}
	if err := persist("Checkout.Checkout", func() error {
		resp, err := s.c.Checkout.Checkout(as(tok), req)
		co = resp.GetCheckout()
		return err
	}); err != nil {
		return workflowID, err
	}
	if co.GetOrderId() == "" {
		return workflowID, fmt.Errorf("checkout %s answered %v without an order", co.GetId(), co.GetStatus())
	}
	for {
		var o *order.Order
		if err := persist("Order.GetOrder", func() error {
			resp, err := s.c.Order.GetOrder(as(tok), &order.GetOrderRequest{OrderId: co.GetOrderId()})
			o = resp.GetOrder()
			return err
		}); err != nil {
			return workflowID, err
		}
		switch o.GetStatus() {
		case order.OrderStatus_ORDER_STATUS_PAID:
			return workflowID, nil
		case order.OrderStatus_ORDER_STATUS_PENDING_PAYMENT:
		default:
			return workflowID, fmt.Errorf("order %s is %v (payment %v)", o.GetId(), o.GetStatus(), o.GetPaymentStatus())
		}
		if time.Now().After(deadline) {
			return workflowID, fmt.Errorf("order %s still %v (payment %v) after %s", o.GetId(), o.GetStatus(), o.GetPaymentStatus(), scaleJourney)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// retry counts a failed call that is about to be repeated.
func (s *scaleShop) retry(what string, err error) {
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "..."
	}
	s.mu.Lock()
	s.retried[what+": "+msg]++
	s.mu.Unlock()
}

// report logs the journeys and the repeated calls, and returns a problem
// for every failed journey.
func (s *scaleShop) report(tc client.Client) (problems []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t.Logf("%d journeys by %d shoppers: %d PAID, %d failed; the slowest took %s",
		s.journeys, len(s.shoppers), s.journeys-len(s.failed), len(s.failed), s.slowest.Round(time.Millisecond))
	keys := make([]string, 0, len(s.retried))
	for k := range s.retried {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s.t.Logf("repeated %3d× %s", s.retried[k], k)
	}
	if s.journeys == 0 {
		problems = append(problems, "no journey ran")
	}
	for i, f := range s.failed {
		problems = append(problems, "failed journey: "+f.what)
		if i < 3 && f.workflow != "" {
			s.t.Logf("history of %s:\n%s", f.workflow, history(tc, f.workflow))
		}
	}
	return problems
}

// scaleFailure is a failed journey and its order's workflow.
type scaleFailure struct{ what, workflow string }

// history lists a workflow's events, one a line, for a failure's report.
func history(tc client.Client, workflowID string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var b strings.Builder
	it := tc.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			fmt.Fprintf(&b, "(%v)\n", err)
			break
		}
		fmt.Fprintf(&b, "%3d %s %s", e.GetEventId(), e.GetEventTime().AsTime().Format("15:04:05.000"), e.GetEventType())
		if a := e.GetMarkerRecordedEventAttributes(); a != nil {
			if p := a.GetDetails()["type"].GetPayloads(); len(p) > 0 {
				fmt.Fprintf(&b, " %s", p[0].GetData())
			}
		}
		if a := e.GetWorkflowTaskCompletedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " by %s", a.GetIdentity())
		}
		if a := e.GetWorkflowTaskStartedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " by %s", a.GetIdentity())
		}
		if a := e.GetTimerStartedEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s %s", a.GetStartToFireTimeout().AsDuration(), e.GetUserMetadata().GetSummary().GetData())
		}
		if a := e.GetActivityTaskScheduledEventAttributes(); a != nil {
			fmt.Fprintf(&b, " %s", a.GetActivityType().GetName())
		}
		b.WriteByte('\n')
	}
	return b.String()
}
