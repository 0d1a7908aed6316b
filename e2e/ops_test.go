package e2e_test

// Tests of the operations surface: one trace per checkout, the metrics a
// checkout leaves, structured logs with trace ids and no secrets, the
// health endpoints.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/tempomall/tempomall/idl/kitex_gen/payment"
	"github.com/tempomall/tempomall/internal/config"
)

// TestOneTracePerCheckout checks that a checkout is one trace: the
// Checkout RPC, the workflow's update, each activity, and the RPCs and
// queries they make, down to the stock commit after the payment.
func TestOneTracePerCheckout(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "trace", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)

	var root *tracetest.SpanStub
	deadline := time.Now().Add(5 * time.Second)
	var inTrace []tracetest.SpanStub
	for time.Now().Before(deadline) {
		spans := full.spans.GetSpans()
		for i, sp := range spans {
			if sp.Name == "tempomall.checkout.v1.CheckoutService/Checkout" && sp.SpanKind == trace.SpanKindServer && containsOrder(spans, sp.SpanContext.TraceID(), co.GetOrderId()) {
				root = &spans[i]
			}
		}
		if root != nil {
			inTrace = inTrace[:0]
			for _, sp := range spans {
				if sp.SpanContext.TraceID() == root.SpanContext.TraceID() {
					inTrace = append(inTrace, sp)
				}
			}
			if hasSpan(inTrace, "RunActivity:CommitStock") {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if root == nil {
		t.Fatal("no Checkout server span for the order")
	}
	for _, want := range []string{
		"tempomall.checkout.v1.CheckoutService/Checkout",
		"UpdateWithStartWorkflow:place", "HandleUpdate:place",
		"RunActivity:PriceOrder", "tempomall.cart.v1.CartService/GetCart", "tempomall.product.v1.ProductService/BatchGetProducts",
		"RunActivity:HoldOrder", "tempomall.product.v1.ProductService/ReserveStock",
		"RunActivity:Charge", "RunActivity:RecordTransition", "insert orders",
		"RunActivity:TrimCart", "tempomall.cart.v1.CartService/RemoveOrderedItems",
		"RunActivity:CommitStock", "tempomall.product.v1.ProductService/CommitStock",
	} {
		if !hasSpan(inTrace, want) {
			t.Errorf("the checkout's trace has no span %q", want)
		}
	}
	t.Logf("one checkout, one trace: %d spans\n%s", len(inTrace), spanTree(inTrace, *root))
}

// spanTree draws the spans of a trace under root, children in start
// order, each with its duration.
func spanTree(spans []tracetest.SpanStub, root tracetest.SpanStub) string {
	children := map[trace.SpanID][]tracetest.SpanStub{}
	for _, sp := range spans {
		children[sp.Parent.SpanID()] = append(children[sp.Parent.SpanID()], sp)
	}
	var b strings.Builder
	var draw func(sp tracetest.SpanStub, depth int)
	draw = func(sp tracetest.SpanStub, depth int) {
		fmt.Fprintf(&b, "%s%s %.1fms\n", strings.Repeat("  ", depth), sp.Name, float64(sp.EndTime.Sub(sp.StartTime).Microseconds())/1000)
		kids := children[sp.SpanContext.SpanID()]
		slices.SortFunc(kids, func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) })
		for _, k := range kids {
			draw(k, depth+1)
		}
	}
	draw(root, 0)
	return b.String()
}

func hasSpan(spans []tracetest.SpanStub, name string) bool {
	return slices.ContainsFunc(spans, func(sp tracetest.SpanStub) bool { return sp.Name == name })
}

func spanAttr(sp tracetest.SpanStub, key string) string {
	for _, a := range sp.Attributes {
		if string(a.Key) == key {
			return a.Value.Emit()
		}
	}
	return ""
}

// containsOrder reports whether the trace holds the workflow of an order.
func containsOrder(spans []tracetest.SpanStub, id trace.TraceID, orderID string) bool {
	return slices.ContainsFunc(spans, func(sp tracetest.SpanStub) bool {
		return sp.SpanContext.TraceID() == id && spanAttr(sp, "temporalWorkflowID") == "order/"+orderID
	})
}

// TestMetricsAfterACheckout scrapes /metrics after a checkout: the RPC
// series, the Temporal SDK's, and the business counters.
func TestMetricsAfterACheckout(t *testing.T) {
	s := fullStack(t)
	_, tok := s.buy(t, 1)
	co := s.checkout(t, tok, "metrics", cardSucceeds)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	// A refund runs the gateway call as a (regular) activity.
	if _, err := s.clients.Payment.Refund(as(s.admin(t)), &payment.RefundRequest{OrderId: co.GetOrderId(), IdempotencyKey: "metrics"}); err != nil {
		t.Fatal(err)
	}
	s.waitOrder(t, tok, co.GetOrderId(), refunded, 15*time.Second)
	body := httpGet(t, "http://"+full.ops+"/metrics", http.StatusOK)
	for _, want := range []string{
		`tempomall_rpc_server_requests_total{code="OK",method="Checkout"`,
		`tempomall_rpc_server_duration_seconds_bucket{code="OK",method="Checkout"`,
		`rpc_server_duration_bucket{`, // Kitex's own (kitex-contrib/obs-opentelemetry)
		`tempomall_checkout_answer_seconds_bucket{`,
		`outcome="placed"`,
		`tempomall_order_transitions_total{`,
		`from="NEW"`,
		`to="PAID"`,
		`tempomall_payments_total{`,
		`outcome="SUCCEEDED"`,
		`tempomall_refunds_total{`,
		`tempomall_webhook_deliveries_total{`,
		`result="accepted"`,
		`tempomall_orders{`,
		`status="REFUNDED"`,
		`temporal_workflow_task_execution_latency_seconds_bucket{`,
		`temporal_workflow_task_schedule_to_start_latency_seconds_bucket{`,
		`temporal_local_activity_execution_latency_seconds_bucket{`,
		`temporal_activity_execution_latency_seconds_bucket{`,
		`temporal_activity_schedule_to_start_latency_seconds_bucket{`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %s", want)
		}
	}
	var business []string
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "tempomall_") && !strings.Contains(line, "_bucket{") {
			business = append(business, line)
		}
	}
	t.Logf("tempomall series after the checkout and its refund:\n%s", strings.Join(business, "\n"))
	// Every series the provisioned Grafana dashboard queries is one the
	// processes export (a counter appears once it first counts: no
	// reservation was refused here).
	for _, name := range dashboardSeries(t) {
		if name != "tempomall_stock_reservations_refused_total" && !strings.Contains(body, "\n"+name+"{") {
			t.Errorf("the dashboard queries %s, which /metrics does not have", name)
		}
	}
}

// dashboardSeries returns the tempomall and Temporal SDK series that the
// provisioned Grafana dashboard queries, its constants substituted.
func dashboardSeries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("../deploy/compose/grafana/dashboards/tempomall.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Query string `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	var subst []string
	for _, v := range d.Templating.List {
		subst = append(subst, "${"+v.Name+"}", v.Query)
	}
	expand := strings.NewReplacer(subst...)
	series := regexp.MustCompile(`\b(tempomall|temporal)_[a-z_]+\b`)
	var names []string
	for _, p := range d.Panels {
		for _, q := range p.Targets {
			for _, name := range series.FindAllString(expand.Replace(q.Expr), -1) {
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
		}
	}
	if len(names) < 10 {
		t.Fatalf("the dashboard queries only %v", names)
	}
	return names
}

// TestLogsOfAJourney reads the log of a whole journey (checkout, payment,
// refund, a second card): every line is JSON, the RPCs' lines carry a
// trace id, and no token, password, card number or CVV appears.
func TestLogsOfAJourney(t *testing.T) {
	s := fullStack(t)
	adminTok := s.admin(t)
	_, tok := s.buy(t, 1)
	const cvv = "9137"
	card := &payment.PaymentMethodInput{Method: &payment.PaymentMethodInput_Card{Card: &payment.Card{
		Number: "5555555555554444", ExpMonth: 12, ExpYear: int32(time.Now().Year() + 3), Cvv: cvv, HolderName: "Ada Lovelace",
	}}}
	co := s.checkoutWith(t, tok, "logs", card)
	s.waitOrder(t, tok, co.GetOrderId(), paid, 15*time.Second)
	if _, err := s.clients.Payment.Refund(as(adminTok), &payment.RefundRequest{OrderId: co.GetOrderId(), IdempotencyKey: "logs"}); err != nil {
		t.Fatal(err)
	}
	pm, err := s.clients.Payment.CreatePaymentMethod(as(tok), &payment.CreatePaymentMethodRequest{Card: cardInput(cardSucceeds).GetCard()})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{tok, adminTok, "5555555555554444", cardSucceeds, pm.GetMethod().GetToken(), s.cfg.AdminPassword, "pass-word-1"}
	out := full.logs.String()
	traced, rpcs := 0, 0
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %.200s", line)
		}
		// The CVV is short: it must not be a word of any text of the line
		// (inside a hex trace id or a port it is a coincidence).
		if slices.Contains(wordsOf(rec), cvv) {
			t.Errorf("the log contains the CVV: %.200s", line)
		}
		if rec["msg"] == "rpc" {
			rpcs++
			if rec["trace_id"] != nil && rec["span_id"] != nil {
				traced++
			}
		}
	}
	if rpcs == 0 || traced < rpcs*9/10 {
		t.Errorf("%d of %d RPC lines carry a trace id", traced, rpcs)
	}
	for _, secret := range secrets {
		probes := []string{secret}
		if parts := strings.Split(secret, "."); len(parts) == 3 {
			probes = append(probes, parts[2]) // a token's signature alone would leak it
		}
		for _, p := range probes {
			if len(p) >= 4 && strings.Contains(out, p) {
				t.Errorf("the log contains a secret (%.6s...)", p)
			}
		}
	}
}

// wordsOf returns the words (runs of letters and digits) of every text
// value of a decoded JSON log record, nested ones included.
func wordsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	case map[string]any:
		var words []string
		for _, e := range v {
			words = append(words, wordsOf(e)...)
		}
		return words
	case []any:
		var words []string
		for _, e := range v {
			words = append(words, wordsOf(e)...)
		}
		return words
	}
	return nil
}

// TestHealth asks every service port with grpcurl (any gRPC client), and
// the ops endpoint over HTTP.
func TestHealth(t *testing.T) {
	s := fullStack(t)
	grpcurl := grpcurlPath(t)
	for _, svc := range config.Services {
		out, err := exec.Command(grpcurl, "-plaintext", "-import-path", "../idl", "-proto", "health.proto",
			s.cfg.Listen[svc], "grpc.health.v1.Health/Check").CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"SERVING"`) {
			t.Errorf("%s: health check: %v\n%s", svc, err, out)
		}
	}
	out, err := exec.Command(grpcurl, "-plaintext", "-import-path", "../idl", "-proto", "health.proto",
		"-d", `{"service":"tempomall.nothing.v1.Nothing"}`, s.cfg.Listen[config.Product], "grpc.health.v1.Health/Check").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "NotFound") {
		t.Errorf("health of an unknown service: %v\n%s", err, out)
	}
	httpGet(t, "http://"+full.ops+"/healthz", http.StatusOK)
	if body := httpGet(t, "http://"+full.ops+"/readyz", http.StatusOK); !strings.Contains(body, "ready") {
		t.Errorf("/readyz: %s", body)
	}
}

func httpGet(t *testing.T, url string, want int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}
