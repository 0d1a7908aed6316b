package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const (
	chartDir    = "helm/tempomall"
	releaseName = "tempomall"
	namespace   = "shop"
	// The cluster version rendered for. The CLI assumes its client-go's;
	// a test binary would assume v1.20, below the chart's kubeVersion.
	kubeVersion = "v1.33.0"
)

// kitexServices are the Kitex services and their RPC ports, as the product
// defines them (internal/config.DefaultAddrs).
var kitexServices = map[string]int32{
	"user": 8881, "auth": 8882, "product": 8883, "cart": 8884,
	"checkout": 8885, "order": 8886, "payment": 8887,
}

// secretKeys are the keys an existing Secret must (required) or may
// (optional) hold; values.yaml documents the same list.
var (
	requiredSecretKeys = []string{
		"TEMPOMALL_SERVICE_SECRET", "TEMPOMALL_GATEWAY_API_KEY", "TEMPOMALL_GATEWAY_WEBHOOK_SECRET",
		"TEMPOMALL_ADMIN_PASSWORD", "TEMPOMALL_MYSQL_DSN", "TEMPOMALL_CODEC_KEYS",
	}
	optionalSecretKeys = []string{"TEMPORAL_API_KEY", "TEMPOMALL_REDIS_PASSWORD"}
)

// object is one rendered manifest, decoded into its API type.
type object struct {
	source string // the template it came from
	kind   string
	name   string
	hook   bool
	obj    any
}

// rendered is a release's objects by kind.
type rendered struct {
	all          []object
	deployments  []*appsv1.Deployment
	services     []*corev1.Service
	configMaps   []*corev1.ConfigMap
	secrets      []*corev1.Secret
	jobs         []*batchv1.Job
	hpas         []*autoscalingv2.HorizontalPodAutoscaler
	pdbs         []*policyv1.PodDisruptionBudget
	serviceAccts []*corev1.ServiceAccount
}

// newObject returns an empty value of the API type for apiVersion and
// kind; an object of any other kind fails the test.
func newObject(apiVersion, kind string) (any, bool) {
	switch apiVersion + " " + kind {
	case "apps/v1 Deployment":
		return &appsv1.Deployment{}, true
	case "v1 Service":
		return &corev1.Service{}, true
	case "v1 ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1 Secret":
		return &corev1.Secret{}, true
	case "v1 ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "batch/v1 Job":
		return &batchv1.Job{}, true
	case "autoscaling/v2 HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "policy/v1 PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	}
	return nil, false
}

// render installs the chart in client-only dry-run mode (what `helm
// template` and `helm install --dry-run=client` do) with the values of
// valuesFile ("" for the chart's defaults), and decodes every manifest and
// hook strictly.
func render(t *testing.T, valuesFile string) rendered {
	t.Helper()
	chrt, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("load chart: %v", err)
	}
	vals := map[string]any{}
	if valuesFile != "" {
		f, err := os.Open(valuesFile)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if vals, err = loader.LoadValues(f); err != nil {
			t.Fatalf("%s: %v", valuesFile, err)
		}
	}
	install := action.NewInstall(action.NewConfiguration())
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = releaseName
	install.Namespace = namespace
	install.Replace = true
	if install.KubeVersion, err = common.ParseKubeVersion(kubeVersion); err != nil {
		t.Fatal(err)
	}
	r, err := install.Run(chrt, vals)
	if err != nil {
		t.Fatalf("render with %q: %v", valuesFile, err)
	}
	rel, ok := r.(*release.Release)
	if !ok {
		t.Fatalf("release is a %T", r)
	}

	var out rendered
	add := func(manifest string, hook bool) {
		for _, doc := range splitYAML(manifest) {
			o := decodeStrict(t, doc)
			o.hook = hook
			out.all = append(out.all, o)
			switch v := o.obj.(type) {
			case *appsv1.Deployment:
				out.deployments = append(out.deployments, v)
			case *corev1.Service:
				out.services = append(out.services, v)
			case *corev1.ConfigMap:
				out.configMaps = append(out.configMaps, v)
			case *corev1.Secret:
				out.secrets = append(out.secrets, v)
			case *batchv1.Job:
				out.jobs = append(out.jobs, v)
			case *autoscalingv2.HorizontalPodAutoscaler:
				out.hpas = append(out.hpas, v)
			case *policyv1.PodDisruptionBudget:
				out.pdbs = append(out.pdbs, v)
			case *corev1.ServiceAccount:
				out.serviceAccts = append(out.serviceAccts, v)
			}
		}
	}
	add(rel.Manifest, false)
	for _, h := range rel.Hooks {
		add(h.Manifest, true)
	}
	return out
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// splitYAML splits a YAML stream into its documents, leaving out the empty
// ones (only comments or blanks).
func splitYAML(stream string) []string {
	var docs []string
	for _, doc := range docSeparator.Split(stream, -1) {
		empty := true
		for _, line := range strings.Split(doc, "\n") {
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") {
				empty = false
				break
			}
		}
		if !empty {
			docs = append(docs, doc)
		}
	}
	return docs
}

// decodeStrict decodes one manifest into its API type, failing on unknown
// kinds, unknown fields and trailing data.
func decodeStrict(t *testing.T, doc string) object {
	t.Helper()
	source := ""
	if m := regexp.MustCompile(`(?m)^# Source: (.+)$`).FindStringSubmatch(doc); m != nil {
		source = m[1]
	}
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatalf("%s: not YAML: %v\n%s", source, err, doc)
	}
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(j, &head); err != nil {
		t.Fatalf("%s: %v", source, err)
	}
	obj, ok := newObject(head.APIVersion, head.Kind)
	if !ok {
		t.Fatalf("%s: %s %s %q: a kind this test does not know; add its API type to newObject", source, head.APIVersion, head.Kind, head.Metadata.Name)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(obj); err != nil {
		t.Fatalf("%s: %s %q does not decode strictly into %T: %v", source, head.Kind, head.Metadata.Name, obj, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%s: trailing data after %s %q", source, head.Kind, head.Metadata.Name)
	}
	return object{source: source, kind: head.Kind, name: head.Metadata.Name, obj: obj}
}

// valuesFiles are the chart's defaults and every values file under ci/.
func valuesFiles(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(chartDir, "ci", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return append([]string{""}, files...)
}

func TestChartRendersStrictly(t *testing.T) {
	for _, vf := range valuesFiles(t) {
		name := cmpOr(filepath.Base(vf), "defaults")
		t.Run(name, func(t *testing.T) {
			r := render(t, vf)
			if len(r.deployments) == 0 {
				t.Fatal("no Deployment rendered")
			}
			checkDeployments(t, r)
			checkSecretReferences(t, r)
			checkConfigMap(t, r)
			checkServices(t, r)
			checkAutoscalers(t, r)
			checkDisruptionBudgets(t, r)
			checkSetupJob(t, r)
		})
	}
}

// TestChartDefaults pins what the default values deploy.
func TestChartDefaults(t *testing.T) {
	r := render(t, "")
	want := []string{"auth", "cart", "checkout", "codec", "order", "payment", "product", "sandbox", "user", "worker"}
	var got []string
	for _, d := range r.deployments {
		got = append(got, strings.TrimPrefix(d.Name, releaseName+"-"))
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("Deployments %v, want %v", got, want)
	}
	if len(r.secrets) != 1 || len(r.configMaps) != 1 || len(r.jobs) != 1 {
		t.Errorf("%d Secrets, %d ConfigMaps, %d Jobs; want 1 of each", len(r.secrets), len(r.configMaps), len(r.jobs))
	}
	// An autoscaler per Kitex service and for the worker; no disruption
	// budgets.
	var scaled []string
	for _, h := range r.hpas {
		scaled = append(scaled, strings.TrimPrefix(h.Spec.ScaleTargetRef.Name, releaseName+"-"))
	}
	sort.Strings(scaled)
	if want := []string{"auth", "cart", "checkout", "order", "payment", "product", "user", "worker"}; !slices.Equal(scaled, want) || len(r.pdbs) != 0 {
		t.Errorf("autoscaled %v and %d PDBs by default; want %v and none", scaled, len(r.pdbs), want)
	}
	// Services: seven Kitex services, payment's webhooks, sandbox, codec.
	if len(r.services) != 10 {
		t.Errorf("%d Services, want 10", len(r.services))
	}
	// Generated secrets are not empty.
	for k, v := range r.secrets[0].Data {
		if len(v) == 0 {
			t.Errorf("Secret key %s is empty", k)
		}
	}
}

// TestChartEverything pins what the everything-enabled values add.
func TestChartEverything(t *testing.T) {
	r := render(t, filepath.Join(chartDir, "ci", "everything-values.yaml"))
	// One autoscaler per Kitex service and one for the worker; none for
	// the sandbox or the codec server, which keep their replica count.
	var targets []string
	for _, h := range r.hpas {
		targets = append(targets, strings.TrimPrefix(h.Spec.ScaleTargetRef.Name, releaseName+"-"))
	}
	sort.Strings(targets)
	want := []string{"auth", "cart", "checkout", "order", "payment", "product", "user", "worker"}
	if !slices.Equal(targets, want) {
		t.Errorf("autoscaled %v, want %v", targets, want)
	}
	for _, h := range r.hpas {
		if h.Name == releaseName+"-product" && h.Spec.MaxReplicas != 20 {
			t.Errorf("product's maxReplicas %d, want its own 20", h.Spec.MaxReplicas)
		}
		if h.Name == releaseName+"-worker" && (h.Spec.MinReplicas == nil || *h.Spec.MinReplicas != 3) {
			t.Errorf("worker's minReplicas %v, want its own 3", h.Spec.MinReplicas)
		}
	}
	for _, d := range r.deployments {
		c := d.Spec.Template.Spec.Containers[0]
		if c.Image != "registry.example.com/tempomall:1.2.3" {
			t.Errorf("%s: image %q", d.Name, c.Image)
		}
		mounted := false
		for _, m := range c.VolumeMounts {
			mounted = mounted || m.Name == "temporal-tls"
		}
		if !mounted {
			t.Errorf("%s: the Temporal client certificate is not mounted", d.Name)
		}
	}
	cm := r.configMaps[0].Data
	for k, v := range map[string]string{
		"TEMPORAL_TLS_CLIENT_CERT_PATH":    "/etc/tempomall/temporal-tls/tls.crt",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "/etc/tempomall/temporal-tls/ca.crt",
		"OTEL_TRACES_EXPORTER":             "otlp",
		"TEMPOMALL_ORDER_PAYMENT_TIMEOUT":  "15m",
	} {
		if cm[k] != v {
			t.Errorf("ConfigMap %s=%q, want %q", k, cm[k], v)
		}
	}
	if got := string(r.secrets[0].Data["TEMPOMALL_MYSQL_DSN"]); got != "tempomall:test-mysql-password@tcp(mysql.databases.svc:3306)/tempomall?parseTime=true&loc=UTC&charset=utf8mb4" {
		t.Errorf("DSN %q", got)
	}
}

// TestChartExistingSecret: with secrets.existingSecret the chart creates
// no Secret and every reference names the existing one.
func TestChartExistingSecret(t *testing.T) {
	r := render(t, filepath.Join(chartDir, "ci", "existing-secret-values.yaml"))
	if len(r.secrets) != 0 {
		t.Errorf("created %d Secrets next to an existing one", len(r.secrets))
	}
	for _, ref := range secretRefs(r) {
		if ref.secret != "tempomall-managed" {
			t.Errorf("%s: env %s reads Secret %q", ref.where, ref.env, ref.secret)
		}
	}
	if len(r.jobs) != 0 {
		t.Error("setup Job rendered although disabled")
	}
}

func checkDeployments(t *testing.T, r rendered) {
	for _, d := range r.deployments {
		component := d.Spec.Template.Labels["app.kubernetes.io/component"]
		if !labelsMatch(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("%s: selector %v does not select its pods %v", d.Name, d.Spec.Selector.MatchLabels, d.Spec.Template.Labels)
		}
		pod := d.Spec.Template.Spec
		ann := d.Spec.Template.Annotations
		if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != "9090" || ann["prometheus.io/path"] != "/metrics" {
			t.Errorf("%s: prometheus.io annotations %v", d.Name, ann)
		}
		if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: pod may run as root", d.Name)
		}
		if len(pod.Containers) != 1 {
			t.Errorf("%s: %d containers, want 1", d.Name, len(pod.Containers))
			continue
		}
		c := pod.Containers[0]
		if c.LivenessProbe == nil || c.ReadinessProbe == nil {
			t.Errorf("%s: liveness %v, readiness %v: want both", d.Name, c.LivenessProbe != nil, c.ReadinessProbe != nil)
			continue
		}
		if len(c.Resources.Requests) == 0 || len(c.Resources.Limits) == 0 {
			t.Errorf("%s: resources %v: want requests and limits", d.Name, c.Resources)
		}
		if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
			t.Errorf("%s: root filesystem is writable", d.Name)
		}
		if len(c.Args) == 0 {
			t.Errorf("%s: no args: the image's default command prints help", d.Name)
		}
		ports := map[string]int32{}
		for _, p := range c.Ports {
			ports[p.Name] = p.ContainerPort
		}
		if ports["ops"] != 9090 {
			t.Errorf("%s: ops port %d, want 9090", d.Name, ports["ops"])
		}
		if want, ok := kitexServices[component]; ok {
			// A Kitex service: grpc.health.v1 probes on its RPC port and nothing else.
			if !slices.Equal(c.Args, []string{"serve", component}) {
				t.Errorf("%s: args %v", d.Name, c.Args)
			}
			if ports["rpc"] != want {
				t.Errorf("%s: rpc port %d, want %d", d.Name, ports["rpc"], want)
			}
			for kind, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
				if p.GRPC == nil || p.GRPC.Port != want || p.HTTPGet != nil || p.TCPSocket != nil || p.Exec != nil {
					t.Errorf("%s: %s probe %+v, want grpc on %d only", d.Name, kind, p.ProbeHandler, want)
				}
			}
		} else {
			// The worker, the sandbox, the codec server: HTTP on the ops port.
			for kind, want := range map[string]struct {
				p    *corev1.Probe
				path string
			}{"liveness": {c.LivenessProbe, "/healthz"}, "readiness": {c.ReadinessProbe, "/readyz"}} {
				g := want.p.HTTPGet
				if g == nil || g.Path != want.path || g.Port != intstr.FromString("ops") {
					t.Errorf("%s: %s probe %+v, want GET %s on ops", d.Name, kind, want.p.ProbeHandler, want.path)
				}
			}
		}
		// Every mount has a volume.
		volumes := map[string]bool{}
		for _, v := range pod.Volumes {
			volumes[v.Name] = true
		}
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				t.Errorf("%s: mount %s has no volume", d.Name, m.Name)
			}
		}
		if d.Spec.Replicas == nil && !hasHPA(r, d.Name) {
			t.Errorf("%s: no replica count and no autoscaler", d.Name)
		}
		if d.Spec.Replicas != nil && hasHPA(r, d.Name) {
			t.Errorf("%s: a fixed replica count fights its autoscaler", d.Name)
		}
	}
}

type secretRef struct {
	where, env, secret, key string
	optional                bool
}

// secretRefs lists every env secretKeyRef of every pod template.
func secretRefs(r rendered) []secretRef {
	var refs []secretRef
	collect := func(where string, pod corev1.PodSpec) {
		for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
			for _, e := range c.Env {
				if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
					continue
				}
				s := e.ValueFrom.SecretKeyRef
				refs = append(refs, secretRef{
					where: where + "/" + c.Name, env: e.Name, secret: s.Name, key: s.Key,
					optional: s.Optional != nil && *s.Optional,
				})
			}
		}
	}
	for _, d := range r.deployments {
		collect(d.Name, d.Spec.Template.Spec)
	}
	for _, j := range r.jobs {
		collect(j.Name, j.Spec.Template.Spec)
	}
	return refs
}

// checkSecretReferences: every env secret reference names a key that the
// chart's Secret holds (or, for an existing Secret, one of the documented
// keys), and every process reads every required key.
func checkSecretReferences(t *testing.T, r rendered) {
	refs := secretRefs(r)
	if len(refs) == 0 {
		t.Fatal("no secret references")
	}
	byWhere := map[string][]string{}
	for _, ref := range refs {
		byWhere[ref.where] = append(byWhere[ref.where], ref.key)
		if ref.env != ref.key {
			t.Errorf("%s: env %s reads key %s; the keys are named after the variables", ref.where, ref.env, ref.key)
		}
		if len(r.secrets) == 0 {
			if !slices.Contains(requiredSecretKeys, ref.key) && !(ref.optional && slices.Contains(optionalSecretKeys, ref.key)) {
				t.Errorf("%s: key %s is not one the existing Secret is documented to hold", ref.where, ref.key)
			}
			continue
		}
		var found *corev1.Secret
		for _, s := range r.secrets {
			if s.Name == ref.secret {
				found = s
			}
		}
		if found == nil {
			t.Errorf("%s: env %s reads Secret %q, which the chart does not create", ref.where, ref.env, ref.secret)
			continue
		}
		_, inData := found.Data[ref.key]
		_, inString := found.StringData[ref.key]
		if !inData && !inString {
			t.Errorf("%s: env %s reads key %s, which Secret %s lacks", ref.where, ref.env, ref.key, found.Name)
		}
	}
	for where, keys := range byWhere {
		for _, k := range requiredSecretKeys {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: does not read %s", where, k)
			}
		}
	}
}

// checkConfigMap: every pod reads the rendered ConfigMap, and each
// service's dial address is a rendered Service and port.
func checkConfigMap(t *testing.T, r rendered) {
	if len(r.configMaps) != 1 {
		t.Fatalf("%d ConfigMaps, want 1", len(r.configMaps))
	}
	cm := r.configMaps[0]
	check := func(where string, pod corev1.PodSpec) {
		for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
			ok := false
			for _, ef := range c.EnvFrom {
				ok = ok || (ef.ConfigMapRef != nil && ef.ConfigMapRef.Name == cm.Name)
			}
			if !ok {
				t.Errorf("%s/%s: does not read ConfigMap %s", where, c.Name, cm.Name)
			}
		}
	}
	for _, d := range r.deployments {
		check(d.Name, d.Spec.Template.Spec)
	}
	for _, j := range r.jobs {
		check(j.Name, j.Spec.Template.Spec)
	}
	if cm.Data["TEMPOMALL_DISCOVERY"] != "static" {
		t.Errorf("TEMPOMALL_DISCOVERY=%q, want static", cm.Data["TEMPOMALL_DISCOVERY"])
	}
	for svc, port := range kitexServices {
		up := strings.ToUpper(svc)
		if got := cm.Data["TEMPOMALL_"+up+"_LISTEN"]; got != fmt.Sprintf(":%d", port) {
			t.Errorf("TEMPOMALL_%s_LISTEN=%q", up, got)
		}
		addr := cm.Data["TEMPOMALL_"+up+"_ADDR"]
		host, p, _ := strings.Cut(addr, ":")
		s := findService(r, host)
		if s == nil || len(s.Spec.Ports) == 0 || fmt.Sprint(s.Spec.Ports[0].Port) != p {
			t.Errorf("TEMPOMALL_%s_ADDR=%q is not a rendered Service and port", up, addr)
		}
	}
	for _, k := range []string{"TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "TEMPOMALL_METRICS_LISTEN", "TEMPOMALL_REDIS_ADDR", "TEMPOMALL_LOG_FORMAT", "OTEL_TRACES_EXPORTER"} {
		if cm.Data[k] == "" {
			t.Errorf("ConfigMap lacks %s", k)
		}
	}
	for k := range cm.Data {
		if slices.Contains(requiredSecretKeys, k) || slices.Contains(optionalSecretKeys, k) {
			t.Errorf("secret %s is in the ConfigMap", k)
		}
	}
}

// checkServices: each Service selects the pods of one Deployment, on a
// named port that its container declares.
func checkServices(t *testing.T, r rendered) {
	for _, s := range r.services {
		if s.Spec.Type != corev1.ServiceTypeClusterIP {
			t.Errorf("Service %s is %s, want ClusterIP", s.Name, s.Spec.Type)
		}
		var matched []*appsv1.Deployment
		for _, d := range r.deployments {
			if labelsMatch(s.Spec.Selector, d.Spec.Template.Labels) {
				matched = append(matched, d)
			}
		}
		if len(matched) != 1 {
			t.Errorf("Service %s selects %d Deployments, want 1", s.Name, len(matched))
			continue
		}
		c := matched[0].Spec.Template.Spec.Containers[0]
		for _, sp := range s.Spec.Ports {
			ok := false
			for _, cp := range c.Ports {
				ok = ok || (sp.TargetPort == intstr.FromString(cp.Name) && sp.Port == cp.ContainerPort)
			}
			if !ok {
				t.Errorf("Service %s port %d -> %s: no such container port on %s", s.Name, sp.Port, sp.TargetPort.String(), matched[0].Name)
			}
		}
	}
	for svc := range kitexServices {
		if findService(r, releaseName+"-"+svc) == nil {
			t.Errorf("no Service for %s", svc)
		}
	}
	if s := findService(r, releaseName+"-payment-webhook"); s == nil || s.Spec.Ports[0].Port != 8888 {
		t.Error("no Service for payment's webhooks on 8888")
	}
}

func checkAutoscalers(t *testing.T, r rendered) {
	for _, h := range r.hpas {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || findDeployment(r, ref.Name) == nil {
			t.Errorf("HPA %s targets %s %s %s, not a rendered Deployment", h.Name, ref.APIVersion, ref.Kind, ref.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: min %v max %d", h.Name, h.Spec.MinReplicas, h.Spec.MaxReplicas)
		}
		if len(h.Spec.Metrics) == 0 || h.Spec.Metrics[0].Resource == nil || h.Spec.Metrics[0].Resource.Name != corev1.ResourceCPU {
			t.Errorf("HPA %s: want a CPU metric", h.Name)
		}
		// CPU utilization needs a CPU request to be measured against.
		if d := findDeployment(r, ref.Name); d != nil {
			if _, ok := d.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU]; !ok {
				t.Errorf("HPA %s: %s has no CPU request", h.Name, d.Name)
			}
		}
	}
}

func checkDisruptionBudgets(t *testing.T, r rendered) {
	for _, p := range r.pdbs {
		matched := 0
		for _, d := range r.deployments {
			if labelsMatch(p.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
				matched++
			}
		}
		if matched != 1 {
			t.Errorf("PDB %s selects %d Deployments, want 1", p.Name, matched)
		}
	}
}

// checkSetupJob: the Job is a pre-install/pre-upgrade hook running migrate
// then setup-temporal, and what it reads (ConfigMap, chart Secret) is a
// hook of lower weight, so it exists first.
func checkSetupJob(t *testing.T, r rendered) {
	if len(r.jobs) == 0 {
		return
	}
	if len(r.jobs) != 1 {
		t.Fatalf("%d Jobs, want 1", len(r.jobs))
	}
	j := r.jobs[0]
	if j.Annotations["helm.sh/hook"] != "pre-install,pre-upgrade" {
		t.Errorf("Job hook %q", j.Annotations["helm.sh/hook"])
	}
	pod := j.Spec.Template.Spec
	var steps []string
	for _, c := range append(slices.Clone(pod.InitContainers), pod.Containers...) {
		steps = append(steps, strings.Join(c.Args, " "))
		if len(c.Resources.Limits) == 0 {
			t.Errorf("Job container %s has no limits", c.Name)
		}
	}
	if !slices.Equal(steps, []string{"migrate", "setup-temporal"}) {
		t.Errorf("Job steps %v, want migrate then setup-temporal", steps)
	}
	if pod.RestartPolicy != corev1.RestartPolicyNever && pod.RestartPolicy != corev1.RestartPolicyOnFailure {
		t.Errorf("Job restartPolicy %q", pod.RestartPolicy)
	}
	jobWeight := j.Annotations["helm.sh/hook-weight"]
	for _, o := range r.all {
		if o.kind != "ConfigMap" && o.kind != "Secret" {
			continue
		}
		ann := map[string]string{}
		switch v := o.obj.(type) {
		case *corev1.ConfigMap:
			ann = v.Annotations
		case *corev1.Secret:
			ann = v.Annotations
		}
		if !o.hook || !strings.Contains(ann["helm.sh/hook"], "pre-install") || !(weight(ann["helm.sh/hook-weight"]) < weight(jobWeight)) {
			t.Errorf("%s %s is not a pre-install hook before the Job (annotations %v)", o.kind, o.name, ann)
		}
	}
}

func weight(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

func hasHPA(r rendered, deployment string) bool {
	for _, h := range r.hpas {
		if h.Spec.ScaleTargetRef.Name == deployment {
			return true
		}
	}
	return false
}

func findService(r rendered, name string) *corev1.Service {
	for _, s := range r.services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func findDeployment(r rendered, name string) *appsv1.Deployment {
	for _, d := range r.deployments {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// labelsMatch reports whether selector (non-empty) selects labels.
func labelsMatch(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func cmpOr(a, b string) string {
	if a != "" && a != "." {
		return a
	}
	return b
}
