package stackrun

import (
	"os"
	"strconv"
	"strings"

	"github.com/tempomall/tempomall/internal/config"
)

// Env is the harness's environment without its TEMPOMALL_* variables,
// plus cfg as TEMPOMALL_* variables: everything a tempomall process is
// configured with.
func Env(cfg config.Config) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TEMPOMALL_") {
			env = append(env, kv)
		}
	}
	set := func(k, v string) { env = append(env, "TEMPOMALL_"+k+"="+v) }
	set("DATA_DIR", cfg.DataDir)
	for _, s := range config.Services {
		set(strings.ToUpper(s)+"_LISTEN", cfg.Listen[s])
	}
	set("TEMPORAL_ADDR", cfg.TemporalHostPort)
	set("TEMPORAL_NAMESPACE", cfg.TemporalNamespace)
	set("WEBHOOK_LISTEN", cfg.WebhookListen)
	set("WEBHOOK_URL", cfg.WebhookURL)
	set("GATEWAY_LISTEN", cfg.GatewayListen)
	set("GATEWAY_URL", cfg.GatewayURL)
	set("SERVICE_SECRET", cfg.ServiceSecret)
	set("GATEWAY_API_KEY", cfg.GatewayAPIKey)
	set("GATEWAY_WEBHOOK_SECRET", cfg.GatewayWebhookSecret)
	set("ADMIN_EMAIL", cfg.AdminEmail)
	set("ADMIN_PASSWORD", cfg.AdminPassword)
	set("ACCESS_TOKEN_TTL", cfg.AccessTokenTTL.String())
	set("ORDER_PAYMENT_TIMEOUT", cfg.OrderPaymentTimeout.String())
	set("PAYMENT_TIMEOUT", cfg.PaymentTimeout.String())
	set("PAYMENT_RECONCILE_AFTER", cfg.PaymentReconcileAfter.String())
	set("CHECKOUT_TTL", cfg.CheckoutTTL.String())
	set("CODEC_LISTEN", cfg.Ops.CodecListen)
	if cfg.Ops.MetricsListen != "" {
		set("METRICS_LISTEN", cfg.Ops.MetricsListen)
	}
	if cfg.Ops.LogLevel != "" {
		set("LOG_LEVEL", cfg.Ops.LogLevel)
	}
	if cfg.MySQLDSN != "" {
		set("MYSQL_DSN", cfg.MySQLDSN)
	}
	if cfg.RedisAddr != "" {
		set("REDIS_ADDR", cfg.RedisAddr)
		set("REDIS_DB", strconv.Itoa(cfg.RedisDB))
	}
	return env
}

// With returns env with the variables kvs ("TEMPOMALL_X=v") added; later
// ones win.
func With(env []string, kvs ...string) []string {
	return append(append([]string{}, env...), kvs...)
}
