// Package config holds tempomall's configuration: one struct, read once in
// main from the environment (TEMPOMALL_*), with defaults that run the whole
// system on one machine with nothing but Go (SQLite under .data/, in-process
// caches, static addresses). It is passed down; nothing reads it globally.
package config

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Service names, as used in addresses, policies and logs.
const (
	User     = "user"
	Auth     = "auth"
	Product  = "product"
	Cart     = "cart"
	Checkout = "checkout"
	Order    = "order"
	Payment  = "payment"
)

// Services lists the Kitex services in start order (auth first: the others
// fetch its keys and policies).
var Services = []string{Auth, User, Product, Cart, Order, Payment, Checkout}

// DefaultTemporalAddr is the Temporal frontend of the embedded setup.
const DefaultTemporalAddr = "127.0.0.1:7233"

// DefaultAddrs are the listen addresses of the embedded setup.
var DefaultAddrs = map[string]string{
	User:     "127.0.0.1:8881",
	Auth:     "127.0.0.1:8882",
	Product:  "127.0.0.1:8883",
	Cart:     "127.0.0.1:8884",
	Checkout: "127.0.0.1:8885",
	Order:    "127.0.0.1:8886",
	Payment:  "127.0.0.1:8887",
}

// Config is the whole configuration of a tempomall process.
type Config struct {
	// DataDir holds SQLite files, Temporal's state and generated secrets.
	DataDir string
	// MySQLDSN, when set, replaces SQLite: a go-sql-driver DSN such as
	// "root:@tcp(127.0.0.1:3306)/tempomall?parseTime=true&loc=UTC".
	MySQLDSN string
	// RedisAddr, when set, enables Redis for caches, revocation and
	// throttling; otherwise in-process fallbacks are used.
	RedisAddr     string
	RedisPassword string
	RedisDB       int

	// Listen addresses of the services (host:port), by service name.
	Listen map[string]string
	// Dial addresses of the services, by service name (default: Listen).
	Dial map[string]string
	// Discovery is "static" (Dial addresses), "etcd" (EtcdEndpoints) or
	// "consul" (ConsulAddr, the HTTP address of a Consul agent such as
	// "consul:8500").
	Discovery     string
	EtcdEndpoints []string
	ConsulAddr    string

	TemporalHostPort  string
	TemporalNamespace string

	// WebhookListen is the payment service's HTTP address for gateway
	// webhooks; WebhookURL is what the gateway calls.
	WebhookListen string
	WebhookURL    string
	// GatewayListen is the sandbox gateway's address; GatewayURL is its
	// base URL for clients.
	GatewayListen string
	GatewayURL    string
	// GatewayAPIKey authenticates calls to the gateway;
	// GatewayWebhookSecret signs its webhooks.
	GatewayAPIKey        string
	GatewayWebhookSecret string

	// ServiceSecret is the client secret services and the worker exchange
	// for service tokens (AuthService.IssueServiceToken).
	ServiceSecret string

	// AccessTokenTTL and RefreshTokenTTL bound token lifetimes.
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration

	// CatalogCurrency is the currency products are priced in by default.
	CatalogCurrency string
	// ExchangeRates maps a currency to units of it per unit of
	// CatalogCurrency, as exact decimal strings: {"CNY": "7.1"}.
	ExchangeRates map[string]string

	// OrderPaymentTimeout is how long an order waits for payment before it
	// expires.
	OrderPaymentTimeout time.Duration
	// RefundWindow is how long a paid order accepts refunds.
	RefundWindow time.Duration
	// PaymentReconcileAfter is how long a payment waits for the gateway's
	// callback before asking the gateway; PaymentTimeout is when it gives up.
	PaymentReconcileAfter time.Duration
	PaymentTimeout        time.Duration
	// CheckoutTTL is how long an open (draft) checkout stays open, and how
	// long finished checkout records are kept before the purge.
	CheckoutTTL       time.Duration
	CheckoutRetention time.Duration
	// PlacementBudget bounds placing an order inside its workflow; the
	// deadlines of the callers that wait for it derive from it (Budgets).
	PlacementBudget time.Duration

	// AdminEmail and AdminPassword are the account `make dev` seeds.
	AdminEmail    string
	AdminPassword string

	// Debug turns on debug logging.
	Debug bool

	// Ops are the operations settings: logs, metrics and health, limits,
	// shutdown, payload encryption.
	Ops Ops
}

// Ops are the operations settings of a process.
type Ops struct {
	// MetricsListen is the address of the ops endpoint (/metrics,
	// /healthz, /readyz); "" serves none.
	MetricsListen string
	// LogFormat is "json" or "text"; LogLevel "debug", "info", "warn" or
	// "error".
	LogFormat string
	LogLevel  string
	// MaxConnections, MaxQPS and PublicQPS bound each Kitex server (0: no
	// limit); PublicQPS applies to the methods callable without an account.
	MaxConnections int
	MaxQPS         int
	PublicQPS      int
	// ShutdownGrace bounds how long a stopping process waits for the
	// calls and activities in flight.
	ShutdownGrace time.Duration
	// WorkflowCache is how many workflows a worker process keeps in memory
	// between their tasks (Temporal's sticky cache); one evicted is
	// replayed from its history at its next task.
	WorkflowCache int
	// CodecKeys are the payload encryption keys ("id:base64,..."; the
	// first encrypts); CodecListen is the codec server's address and
	// CodecOrigins the Web UI origins it answers (CORS).
	CodecKeys    string
	CodecListen  string
	CodecOrigins []string
}

// Default returns the embedded configuration rooted at dataDir.
func Default(dataDir string) Config {
	listen := make(map[string]string, len(DefaultAddrs))
	for k, v := range DefaultAddrs {
		listen[k] = v
	}
	return Config{
		DataDir:               dataDir,
		Listen:                listen,
		Dial:                  map[string]string{},
		Discovery:             "static",
		TemporalHostPort:      DefaultTemporalAddr,
		TemporalNamespace:     "default",
		WebhookListen:         "127.0.0.1:8888",
		WebhookURL:            "http://127.0.0.1:8888/webhooks/gateway",
		GatewayListen:         "127.0.0.1:8890",
		GatewayURL:            "http://127.0.0.1:8890",
		AccessTokenTTL:        15 * time.Minute,
		RefreshTokenTTL:       7 * 24 * time.Hour,
		CatalogCurrency:       "USD",
		ExchangeRates:         map[string]string{"USD": "1", "CNY": "7.1", "EUR": "0.92", "JPY": "150"},
		OrderPaymentTimeout:   15 * time.Minute,
		RefundWindow:          30 * 24 * time.Hour,
		PaymentReconcileAfter: 30 * time.Second,
		PaymentTimeout:        10 * time.Minute,
		CheckoutTTL:           30 * time.Minute,
		CheckoutRetention:     7 * 24 * time.Hour,
		PlacementBudget:       20 * time.Second,
		AdminEmail:            "admin@tempomall.local",
		Ops: Ops{
			LogFormat: "json", LogLevel: "info",
			MaxConnections: 10000, MaxQPS: 20000, PublicQPS: 5000,
			ShutdownGrace: 10 * time.Second,
			WorkflowCache: 2000,
			CodecListen:   "127.0.0.1:8891",
			CodecOrigins:  []string{"http://127.0.0.1:8233", "http://localhost:8233"},
		},
	}
}

// DialAddr returns the address to call a service at.
func (c Config) DialAddr(service string) string {
	if a := c.Dial[service]; a != "" {
		return a
	}
	return c.Listen[service]
}

// SQLitePath returns the SQLite file of a service's store.
func (c Config) SQLitePath(service string) string {
	return filepath.Join(c.DataDir, service+".db")
}

// FromEnv returns Default(TEMPOMALL_DATA_DIR or ".data") overridden by the
// environment. Secrets that are not set are left empty; see EnsureSecrets.
func FromEnv() (Config, error) {
	return fromLookup(os.LookupEnv)
}

func fromLookup(lookup func(string) (string, bool)) (Config, error) {
	dataDir := ".data"
	if v, ok := lookup("TEMPOMALL_DATA_DIR"); ok && v != "" {
		dataDir = v
	}
	c := Default(dataDir)
	r := &envReader{lookup: lookup}
	bind(r, &c)
	if r.err != nil {
		return Config{}, r.err
	}
	return c, c.Validate()
}

// Environ is the inverse of FromEnv: the TEMPOMALL_ variables
// ("KEY=value") from which FromEnv reads c back, for a process started
// with c's configuration. Unset (empty) settings are left out.
func Environ(c Config) []string {
	w := &envWriter{}
	w.str("TEMPOMALL_DATA_DIR", &c.DataDir)
	c.Listen, c.Dial = maps.Clone(c.Listen), maps.Clone(c.Dial) // bind writes through them
	bind(w, &c)
	return w.env
}

// ChildEnviron is the environment of a tempomall process started with c's
// configuration: this process's environment without its TEMPOMALL_
// variables, plus Environ(c).
func ChildEnviron(c Config) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "TEMPOMALL_") })
	return append(env, Environ(c)...)
}

// binder is one direction of the mapping between the environment and a
// Config: envReader sets the fields from variables, envWriter the
// variables from the fields.
type binder interface {
	str(key string, v *string)
	list(key string, v *[]string)
	integer(key string, v *int)
	boolean(key string, v *bool)
	duration(key string, v *time.Duration)
	rates(key string, v *map[string]string)
}

// bind maps every setting but TEMPOMALL_DATA_DIR (Default's argument) to
// its variable, in the order FromEnv reads them: of two variables for one
// setting, the later wins.
func bind(b binder, c *Config) {
	b.str("TEMPOMALL_MYSQL_DSN", &c.MySQLDSN)
	b.str("TEMPOMALL_REDIS_ADDR", &c.RedisAddr)
	b.str("TEMPOMALL_REDIS_PASSWORD", &c.RedisPassword)
	b.integer("TEMPOMALL_REDIS_DB", &c.RedisDB)
	entry := func(key string, m map[string]string, s string) {
		v := m[s]
		b.str(key, &v)
		if v != "" {
			m[s] = v
		}
	}
	for _, s := range Services {
		up := strings.ToUpper(s)
		entry("TEMPOMALL_"+up+"_LISTEN", c.Listen, s)
		entry("TEMPOMALL_"+up+"_ADDR", c.Dial, s)
	}
	b.str("TEMPOMALL_DISCOVERY", &c.Discovery)
	b.list("TEMPOMALL_ETCD_ENDPOINTS", &c.EtcdEndpoints)
	b.str("TEMPOMALL_CONSUL_ADDR", &c.ConsulAddr)
	// Temporal's own variables (as the temporal CLI reads them), then
	// tempomall's, which win when both are set.
	b.str("TEMPORAL_ADDRESS", &c.TemporalHostPort)
	b.str("TEMPORAL_NAMESPACE", &c.TemporalNamespace)
	b.str("TEMPOMALL_TEMPORAL_ADDR", &c.TemporalHostPort)
	b.str("TEMPOMALL_TEMPORAL_NAMESPACE", &c.TemporalNamespace)
	b.str("TEMPOMALL_WEBHOOK_LISTEN", &c.WebhookListen)
	b.str("TEMPOMALL_WEBHOOK_URL", &c.WebhookURL)
	b.str("TEMPOMALL_GATEWAY_LISTEN", &c.GatewayListen)
	b.str("TEMPOMALL_GATEWAY_URL", &c.GatewayURL)
	b.str("TEMPOMALL_GATEWAY_API_KEY", &c.GatewayAPIKey)
	b.str("TEMPOMALL_GATEWAY_WEBHOOK_SECRET", &c.GatewayWebhookSecret)
	b.str("TEMPOMALL_SERVICE_SECRET", &c.ServiceSecret)
	b.duration("TEMPOMALL_ACCESS_TOKEN_TTL", &c.AccessTokenTTL)
	b.duration("TEMPOMALL_REFRESH_TOKEN_TTL", &c.RefreshTokenTTL)
	b.str("TEMPOMALL_CATALOG_CURRENCY", &c.CatalogCurrency)
	b.rates("TEMPOMALL_EXCHANGE_RATES", &c.ExchangeRates)
	b.duration("TEMPOMALL_ORDER_PAYMENT_TIMEOUT", &c.OrderPaymentTimeout)
	b.duration("TEMPOMALL_REFUND_WINDOW", &c.RefundWindow)
	b.duration("TEMPOMALL_PLACEMENT_BUDGET", &c.PlacementBudget)
	b.duration("TEMPOMALL_PAYMENT_RECONCILE_AFTER", &c.PaymentReconcileAfter)
	b.duration("TEMPOMALL_PAYMENT_TIMEOUT", &c.PaymentTimeout)
	b.duration("TEMPOMALL_CHECKOUT_TTL", &c.CheckoutTTL)
	b.duration("TEMPOMALL_CHECKOUT_RETENTION", &c.CheckoutRetention)
	b.str("TEMPOMALL_ADMIN_EMAIL", &c.AdminEmail)
	b.str("TEMPOMALL_METRICS_LISTEN", &c.Ops.MetricsListen)
	b.str("TEMPOMALL_LOG_FORMAT", &c.Ops.LogFormat)
	b.str("TEMPOMALL_LOG_LEVEL", &c.Ops.LogLevel)
	b.integer("TEMPOMALL_RPC_MAX_CONNECTIONS", &c.Ops.MaxConnections)
	b.integer("TEMPOMALL_RPC_QPS_LIMIT", &c.Ops.MaxQPS)
	b.integer("TEMPOMALL_RPC_PUBLIC_QPS_LIMIT", &c.Ops.PublicQPS)
	b.duration("TEMPOMALL_SHUTDOWN_GRACE", &c.Ops.ShutdownGrace)
	b.integer("TEMPOMALL_WORKFLOW_CACHE", &c.Ops.WorkflowCache)
	b.str("TEMPOMALL_CODEC_KEYS", &c.Ops.CodecKeys)
	b.str("TEMPOMALL_CODEC_LISTEN", &c.Ops.CodecListen)
	b.list("TEMPOMALL_CODEC_CORS_ORIGINS", &c.Ops.CodecOrigins)
	b.str("TEMPOMALL_ADMIN_PASSWORD", &c.AdminPassword)
	b.boolean("TEMPOMALL_DEBUG", &c.Debug)
}

// Validate checks the settings that have a closed set of values.
func (c Config) Validate() error {
	switch c.Discovery {
	case "static":
	case "etcd":
		if len(c.EtcdEndpoints) == 0 {
			return fmt.Errorf("TEMPOMALL_DISCOVERY=etcd needs TEMPOMALL_ETCD_ENDPOINTS")
		}
	case "consul":
		if c.ConsulAddr == "" {
			return fmt.Errorf("TEMPOMALL_DISCOVERY=consul needs TEMPOMALL_CONSUL_ADDR")
		}
	default:
		return fmt.Errorf("TEMPOMALL_DISCOVERY must be static, etcd or consul, not %q", c.Discovery)
	}
	if c.Ops.LogFormat != "json" && c.Ops.LogFormat != "text" {
		return fmt.Errorf("TEMPOMALL_LOG_FORMAT must be json or text, not %q", c.Ops.LogFormat)
	}
	if c.Ops.WorkflowCache < 0 {
		return fmt.Errorf("TEMPOMALL_WORKFLOW_CACHE must be 0 (the SDK's default) or more, not %d", c.Ops.WorkflowCache)
	}
	if _, ok := c.ExchangeRates[c.CatalogCurrency]; !ok {
		return fmt.Errorf("TEMPOMALL_EXCHANGE_RATES must include the catalog currency %s", c.CatalogCurrency)
	}
	for name, d := range map[string]time.Duration{
		"TEMPOMALL_ORDER_PAYMENT_TIMEOUT": c.OrderPaymentTimeout,
		"TEMPOMALL_PAYMENT_TIMEOUT":       c.PaymentTimeout,
		"TEMPOMALL_ACCESS_TOKEN_TTL":      c.AccessTokenTTL,
		"TEMPOMALL_PLACEMENT_BUDGET":      c.PlacementBudget,
	} {
		if d <= 0 {
			return fmt.Errorf("%s must be positive", name)
		}
	}
	return nil
}

type envReader struct {
	lookup func(string) (string, bool)
	err    error
}

func (r *envReader) get(key string) (string, bool) {
	v, ok := r.lookup(key)
	return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
}

func (r *envReader) fail(key, v, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s=%q: want %s", key, v, want)
	}
}

func (r *envReader) str(key string, dst *string) {
	if v, ok := r.get(key); ok {
		*dst = v
	}
}

func (r *envReader) list(key string, dst *[]string) {
	if v, ok := r.get(key); ok {
		*dst = strings.Split(v, ",")
	}
}

func (r *envReader) integer(key string, dst *int) {
	if v, ok := r.get(key); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			r.fail(key, v, "an integer")
			return
		}
		*dst = n
	}
}

func (r *envReader) boolean(key string, dst *bool) {
	if v, ok := r.get(key); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			r.fail(key, v, "true or false")
			return
		}
		*dst = b
	}
}

func (r *envReader) duration(key string, dst *time.Duration) {
	if v, ok := r.get(key); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			r.fail(key, v, "a duration such as 15m or 30s")
			return
		}
		*dst = d
	}
}

// rates parses "USD=1,CNY=7.1" into a rate table.
func (r *envReader) rates(key string, dst *map[string]string) {
	v, ok := r.get(key)
	if !ok {
		return
	}
	m := map[string]string{}
	for _, pair := range strings.Split(v, ",") {
		code, rate, cut := strings.Cut(strings.TrimSpace(pair), "=")
		if !cut || len(code) != 3 {
			r.fail(key, v, "comma-separated CODE=rate pairs such as USD=1,CNY=7.1")
			return
		}
		if _, err := strconv.ParseFloat(rate, 64); err != nil {
			r.fail(key, v, "decimal rates")
			return
		}
		m[strings.ToUpper(code)] = rate
	}
	*dst = m
}

// envWriter collects the variables of a Config (see Environ): only
// tempomall's own, and none for an empty setting.
type envWriter struct{ env []string }

func (w *envWriter) set(key, v string) {
	if strings.HasPrefix(key, "TEMPOMALL_") && v != "" {
		w.env = append(w.env, key+"="+v)
	}
}

func (w *envWriter) str(key string, v *string)             { w.set(key, *v) }
func (w *envWriter) list(key string, v *[]string)          { w.set(key, strings.Join(*v, ",")) }
func (w *envWriter) integer(key string, v *int)            { w.set(key, strconv.Itoa(*v)) }
func (w *envWriter) boolean(key string, v *bool)           { w.set(key, strconv.FormatBool(*v)) }
func (w *envWriter) duration(key string, v *time.Duration) { w.set(key, v.String()) }

func (w *envWriter) rates(key string, v *map[string]string) {
	pairs := make([]string, 0, len(*v))
	for code, rate := range *v {
		pairs = append(pairs, code+"="+rate)
	}
	slices.Sort(pairs)
	w.set(key, strings.Join(pairs, ","))
}
