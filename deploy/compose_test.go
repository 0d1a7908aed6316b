package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	// The TcpProxy filter's config type, so that the bootstrap's typed_config resolves.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	"github.com/prometheus/prometheus/promql/parser"
	"google.golang.org/protobuf/encoding/protojson"
	"sigs.k8s.io/yaml"
)

const composeFile = "../docker-compose.yaml"

// The part of a compose file these checks read.
type composeProject struct {
	Services map[string]composeService `json:"services"`
}

type composeService struct {
	Image         string            `json:"image"`
	ContainerName string            `json:"container_name"`
	Command       []string          `json:"command"`
	Ports         []string          `json:"ports"`
	Environment   map[string]string `json:"environment"`
	Restart       string            `json:"restart"`
	Volumes       []string          `json:"volumes"`
	DependsOn     map[string]struct {
		Condition string `json:"condition"`
	} `json:"depends_on"`
	Healthcheck *struct {
		Test []string `json:"test"`
	} `json:"healthcheck"`
}

// noHealthcheck are the long-running containers Docker cannot probe, with
// the reason (the compose file says the same next to them).
var noHealthcheck = map[string]string{
	"otel-collector": "image FROM scratch: nothing to run a probe with",
}

func loadCompose(t *testing.T) composeProject {
	t.Helper()
	raw, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	// YAMLToJSON resolves the anchors and merge keys (<<) the file uses.
	j, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatalf("%s: %v", composeFile, err)
	}
	var p composeProject
	if err := json.Unmarshal(j, &p); err != nil {
		t.Fatalf("%s: %v", composeFile, err)
	}
	if len(p.Services) == 0 {
		t.Fatalf("%s: no services", composeFile)
	}
	return p
}

func (s composeService) oneShot() bool { return s.Restart == "no" }

// tempomallProcesses are the long-running containers of the tempomall
// image: the ones that may scale.
func (p composeProject) tempomallProcesses() []string {
	var names []string
	for name, s := range p.Services {
		if strings.HasPrefix(s.Image, "tempomall:") && !s.oneShot() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// listenPort returns the port of a ":PORT" listen address.
func listenPort(t *testing.T, addr string) int {
	t.Helper()
	_, p, ok := strings.Cut(addr, ":")
	n, err := strconv.Atoi(p)
	if !ok || err != nil {
		t.Fatalf("listen address %q is not :PORT", addr)
	}
	return n
}

func TestComposeScalableAndHealthy(t *testing.T) {
	p := loadCompose(t)
	procs := p.tempomallProcesses()
	want := []string{"auth", "cart", "checkout", "codec", "order", "payment", "product", "sandbox", "user", "worker"}
	if !slices.Equal(procs, want) {
		t.Errorf("tempomall processes %v, want %v", procs, want)
	}
	for _, name := range procs {
		s := p.Services[name]
		// --scale needs neither a fixed name nor a fixed host port.
		if s.ContainerName != "" || len(s.Ports) > 0 {
			t.Errorf("%s: container_name %q, ports %v: it could not be scaled", name, s.ContainerName, s.Ports)
		}
		if s.Healthcheck == nil || !strings.Contains(strings.Join(s.Healthcheck.Test, " "), "127.0.0.1:9090/readyz") {
			t.Errorf("%s: healthcheck should ask the ops server's /readyz", name)
		}
		if s.Environment["OTEL_SERVICE_NAME"] != "tempomall-"+name {
			t.Errorf("%s: OTEL_SERVICE_NAME=%q", name, s.Environment["OTEL_SERVICE_NAME"])
		}
		if listenPort(t, s.Environment["TEMPOMALL_METRICS_LISTEN"]) != 9090 {
			t.Errorf("%s: the ops server is not on 9090", name)
		}
	}
	for name, s := range p.Services {
		if s.Image == "" {
			t.Errorf("%s: no image", name)
		}
		if tag := s.Image[strings.LastIndex(s.Image, ":")+1:]; !strings.Contains(s.Image, ":") || tag == "latest" {
			t.Errorf("%s: image %q is not pinned", name, s.Image)
		}
		if strings.Contains(s.Image, "auto-setup") {
			t.Errorf("%s: temporalio/auto-setup is deprecated", name)
		}
		if !s.oneShot() && s.Healthcheck == nil && noHealthcheck[name] == "" {
			t.Errorf("%s: no healthcheck", name)
		}
		if s.oneShot() && len(s.Ports) > 0 {
			t.Errorf("%s: a one-shot job publishes ports", name)
		}
		for _, v := range s.Volumes {
			if src, _, _ := strings.Cut(v, ":"); strings.HasPrefix(src, "./") {
				if _, err := os.Stat(filepath.Join("..", src)); err != nil {
					t.Errorf("%s: mounts %s: %v", name, src, err)
				}
			}
		}
	}
}

// TestComposeDependencies: a dependency on a one-shot job waits for it to
// complete, on a probed service for it to be healthy, and only on an
// unprobed one for it to start.
func TestComposeDependencies(t *testing.T) {
	p := loadCompose(t)
	for name, s := range p.Services {
		for dep, d := range s.DependsOn {
			target, ok := p.Services[dep]
			if !ok {
				t.Errorf("%s depends on unknown %s", name, dep)
				continue
			}
			want := "service_started"
			switch {
			case target.oneShot():
				want = "service_completed_successfully"
			case target.Healthcheck != nil:
				want = "service_healthy"
			}
			if d.Condition != want {
				t.Errorf("%s -> %s: condition %q, want %q", name, dep, d.Condition, want)
			}
		}
	}
	// The Temporal chain: schema, server, namespace, search attributes.
	for _, link := range [][2]string{
		{"temporal", "temporal-schema"}, {"temporal-namespace", "temporal"},
		{"temporal-setup", "temporal-namespace"}, {"worker", "temporal-setup"},
		{"checkout", "temporal-setup"}, {"order", "temporal-setup"}, {"payment", "temporal-setup"},
	} {
		if _, ok := p.Services[link[0]].DependsOn[link[1]]; !ok {
			t.Errorf("%s does not wait for %s", link[0], link[1])
		}
	}
	for _, job := range []string{"temporal-schema", "temporal-namespace"} {
		s := p.Services[job]
		if !strings.HasPrefix(s.Image, "temporalio/admin-tools:") || !s.oneShot() {
			t.Errorf("%s: want a one-shot temporalio/admin-tools container", job)
		}
	}
}

// TestEnvoyBootstrap decodes deploy/compose/envoy/envoy.yaml into Envoy's v3
// Bootstrap message (unknown fields and unknown typed_config types fail),
// runs its generated validation rules, and checks that it proxies each
// published host port to the compose service listening on it.
func TestEnvoyBootstrap(t *testing.T) {
	raw, err := os.ReadFile("compose/envoy/envoy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var b bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(j, &b); err != nil {
		t.Fatalf("not an Envoy v3 bootstrap: %v", err)
	}
	if err := b.ValidateAll(); err != nil {
		t.Fatalf("invalid bootstrap: %v", err)
	}

	p := loadCompose(t)
	// What each compose service listens on, from its environment.
	listens := map[string]int{
		"sandbox": listenPort(t, p.Services["sandbox"].Environment["TEMPOMALL_GATEWAY_LISTEN"]),
		"codec":   listenPort(t, p.Services["codec"].Environment["TEMPOMALL_CODEC_LISTEN"]),
	}
	for svc := range kitexServices {
		listens[svc] = listenPort(t, p.Services[svc].Environment["TEMPOMALL_"+strings.ToUpper(svc)+"_LISTEN"])
	}

	clusters := map[string]string{} // cluster -> "service:port"
	for _, c := range b.GetStaticResources().GetClusters() {
		if c.GetType().String() != "STRICT_DNS" {
			t.Errorf("cluster %s: %s, want STRICT_DNS (every replica)", c.GetName(), c.GetType())
		}
		if len(c.GetHealthChecks()) == 0 {
			t.Errorf("cluster %s: no health check", c.GetName())
		}
		for _, e := range c.GetLoadAssignment().GetEndpoints() {
			for _, lb := range e.GetLbEndpoints() {
				sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
				clusters[c.GetName()] = fmt.Sprintf("%s:%d", sa.GetAddress(), sa.GetPortValue())
			}
		}
	}
	published := map[int]bool{}
	for _, l := range b.GetStaticResources().GetListeners() {
		port := int(l.GetAddress().GetSocketAddress().GetPortValue())
		published[port] = true
		var cluster string
		for _, fc := range l.GetFilterChains() {
			for _, f := range fc.GetFilters() {
				if f.GetName() != "envoy.filters.network.tcp_proxy" {
					t.Errorf("listener %s: filter %s, want only tcp_proxy (L4)", l.GetName(), f.GetName())
				}
				var cfg struct {
					Cluster string `json:"cluster"`
				}
				// The Any resolved to TcpProxy above; read its cluster back.
				tc, err := protojson.Marshal(f.GetTypedConfig())
				if err != nil {
					t.Fatal(err)
				}
				json.Unmarshal(tc, &cfg)
				cluster = cfg.Cluster
			}
		}
		want, ok := listens[l.GetName()]
		if !ok {
			t.Errorf("listener %s: not a compose service", l.GetName())
			continue
		}
		if port != want || clusters[cluster] != fmt.Sprintf("%s:%d", l.GetName(), want) {
			t.Errorf("listener %s on %d -> cluster %q (%s); want port %d to %s:%d", l.GetName(), port, cluster, clusters[cluster], want, l.GetName(), want)
		}
	}
	for svc := range listens {
		if !published[listens[svc]] {
			t.Errorf("%s (port %d) has no listener", svc, listens[svc])
		}
	}
	// Compose publishes exactly the listeners' ports, host = container.
	var hostPorts []int
	for _, spec := range p.Services["envoy"].Ports {
		hostRange, _, _ := strings.Cut(spec, ":")
		lo, hi, isRange := strings.Cut(hostRange, "-")
		a, _ := strconv.Atoi(lo)
		z := a
		if isRange {
			z, _ = strconv.Atoi(hi)
		}
		for n := a; n <= z; n++ {
			hostPorts = append(hostPorts, n)
		}
	}
	var listenerPorts []int
	for n := range published {
		listenerPorts = append(listenerPorts, n)
	}
	sort.Ints(hostPorts)
	sort.Ints(listenerPorts)
	if !slices.Equal(hostPorts, listenerPorts) {
		t.Errorf("envoy publishes %v, listens on %v", hostPorts, listenerPorts)
	}
}

// TestPrometheusTargets: Prometheus discovers every tempomall process by
// its compose service name, on the ops port.
func TestPrometheusTargets(t *testing.T) {
	raw, err := os.ReadFile("compose/prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		ScrapeConfigs []struct {
			JobName      string `json:"job_name"`
			DNSSDConfigs []struct {
				Names []string `json:"names"`
				Type  string   `json:"type"`
				Port  int      `json:"port"`
			} `json:"dns_sd_configs"`
		} `json:"scrape_configs"`
	}
	if err := yaml.UnmarshalStrict(raw, &cfg); err != nil {
		// Strict only about what this struct knows; other keys are Prometheus's.
		if err := yaml.Unmarshal(raw, &cfg); err != nil {
			t.Fatal(err)
		}
	}
	p := loadCompose(t)
	var names []string
	for _, sc := range cfg.ScrapeConfigs {
		for _, d := range sc.DNSSDConfigs {
			if d.Type != "A" || d.Port != 9090 {
				t.Errorf("job %s: dns_sd %s port %d, want A records on 9090", sc.JobName, d.Type, d.Port)
			}
			names = append(names, d.Names...)
		}
	}
	sort.Strings(names)
	if want := p.tempomallProcesses(); !slices.Equal(names, want) {
		t.Errorf("Prometheus discovers %v, want every tempomall process %v", names, want)
	}
}

// TestGrafanaDashboard: every query of the provisioned dashboard parses as
// PromQL (with the dashboard's constants substituted), uses the
// provisioned datasource, and the panels the team asked for are there.
func TestGrafanaDashboard(t *testing.T) {
	var ds struct {
		Datasources []struct {
			UID  string `json:"uid"`
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"datasources"`
	}
	raw, err := os.ReadFile("compose/grafana/provisioning/datasources/prometheus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, &ds); err != nil || len(ds.Datasources) != 1 {
		t.Fatalf("datasources: %v %+v", err, ds)
	}
	uid := ds.Datasources[0].UID

	files, _ := filepath.Glob("compose/grafana/dashboards/*.json")
	if len(files) == 0 {
		t.Fatal("no dashboards")
	}
	type target struct {
		Expr       string            `json:"expr"`
		Datasource map[string]string `json:"datasource"`
	}
	type panel struct {
		Title      string            `json:"title"`
		Type       string            `json:"type"`
		Datasource map[string]string `json:"datasource"`
		Targets    []target          `json:"targets"`
	}
	metrics := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			UID        string  `json:"uid"`
			Panels     []panel `json:"panels"`
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Type  string `json:"type"`
					Query string `json:"query"`
				} `json:"list"`
			} `json:"templating"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if d.UID == "" {
			t.Errorf("%s: no uid", f)
		}
		subst := []string{"$__rate_interval", "1m"}
		for _, v := range d.Templating.List {
			if v.Type != "constant" {
				t.Errorf("%s: variable %s is %s; the queries assume constants only", f, v.Name, v.Type)
			}
			subst = append(subst, "${"+v.Name+"}", v.Query)
		}
		expand := strings.NewReplacer(subst...)
		promql := parser.NewParser(parser.Options{})
		for _, p := range d.Panels {
			if p.Type == "row" {
				continue
			}
			if p.Datasource["uid"] != uid || len(p.Targets) == 0 {
				t.Errorf("%s: panel %q: datasource %v, %d queries", f, p.Title, p.Datasource, len(p.Targets))
			}
			for _, q := range p.Targets {
				if q.Datasource["uid"] != uid {
					t.Errorf("%s: panel %q: query datasource %v", f, p.Title, q.Datasource)
				}
				expr := expand.Replace(q.Expr)
				if strings.Contains(expr, "$") {
					t.Errorf("%s: panel %q: unknown variable in %s", f, p.Title, q.Expr)
				}
				e, err := promql.ParseExpr(expr)
				if err != nil {
					t.Errorf("%s: panel %q: %s: %v", f, p.Title, expr, err)
					continue
				}
				parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
					if vs, ok := n.(*parser.VectorSelector); ok {
						metrics[vs.Name] = true
					}
					return nil
				})
			}
		}
	}
	for _, m := range []string{
		"tempomall_orders", "tempomall_order_transitions_total", "tempomall_payments_total",
		"tempomall_refunds_total", "tempomall_webhook_deliveries_total",
		"tempomall_stock_reservations_refused_total", "tempomall_checkout_answer_seconds_bucket",
		"tempomall_rpc_server_duration_seconds_bucket", "tempomall_rpc_server_duration_seconds_count",
		"temporal_local_activity_execution_latency_seconds_bucket",
		"temporal_workflow_task_execution_latency_seconds_bucket",
		"temporal_activity_execution_latency_seconds_bucket",
		"temporal_activity_schedule_to_start_latency_seconds_bucket",
		"temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
	} {
		if !metrics[m] {
			t.Errorf("no panel queries %s", m)
		}
	}
}
