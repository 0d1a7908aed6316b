package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"gorm.io/gorm"
)

// Defaults of the Options left zero.
const (
	DefaultSettleDelay         = 300 * time.Millisecond
	DefaultWebhookRetryBase    = 500 * time.Millisecond
	DefaultWebhookMaxAttempts  = 8
	DefaultWebhookTimeout      = 10 * time.Second
	defaultMaxWebhookBackoff   = 10 * time.Minute
	defaultShutdownGracePeriod = 5 * time.Second
)

// Options configure a sandbox Server.
type Options struct {
	// APIKey is the bearer token every /v1 request must carry. Required.
	APIKey string
	// WebhookURL receives the events. Empty: events are recorded (GET
	// /v1/events) but never delivered.
	WebhookURL string
	// WebhookSecret signs the webhooks; required with WebhookURL.
	WebhookSecret string

	// StorePath is the SQLite file holding the sandbox's state, which
	// then survives a restart. Empty: an in-memory SQLite database.
	StorePath string
	// DB, when set, is used instead of StorePath (MySQL or SQLite opened
	// by the caller, who also closes it). The sandbox's tables are
	// prefixed "sandbox_".
	DB *gorm.DB

	// SettleDelay is how long a charge stays processing, and a refund
	// pending, before it settles (default DefaultSettleDelay).
	SettleDelay time.Duration

	// WebhookClient sends the webhooks (default: a client of its own).
	WebhookClient *http.Client
	// WebhookTimeout bounds one delivery attempt (default
	// DefaultWebhookTimeout).
	WebhookTimeout time.Duration
	// WebhookRetryBase is the wait after the first failed attempt; it
	// doubles after each further one (default DefaultWebhookRetryBase).
	WebhookRetryBase time.Duration
	// WebhookMaxAttempts is how many times an event is tried before the
	// delivery is given up (default DefaultWebhookMaxAttempts).
	WebhookMaxAttempts int

	// Now is the clock (default time.Now). It stamps objects and events,
	// checks card expiry and decides when work is due, so a frozen clock
	// also freezes settlement.
	Now func() time.Time
}

// withDefaults checks o and fills in the defaults.
func (o Options) withDefaults() (Options, error) {
	if o.APIKey == "" {
		return o, errors.New("sandbox: an API key is required")
	}
	if o.WebhookURL != "" {
		u, err := url.Parse(o.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, fmt.Errorf("sandbox: webhook URL %q is not an http(s) URL", o.WebhookURL)
		}
		if o.WebhookSecret == "" {
			return o, errors.New("sandbox: a webhook URL needs a webhook secret")
		}
	}
	if o.SettleDelay <= 0 {
		o.SettleDelay = DefaultSettleDelay
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{}
	}
	if o.WebhookTimeout <= 0 {
		o.WebhookTimeout = DefaultWebhookTimeout
	}
	if o.WebhookRetryBase <= 0 {
		o.WebhookRetryBase = DefaultWebhookRetryBase
	}
	if o.WebhookMaxAttempts <= 0 {
		o.WebhookMaxAttempts = DefaultWebhookMaxAttempts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// retryDelay is the wait after the n-th failed attempt (n >= 1): base,
// 2*base, 4*base, ... capped.
func (o Options) retryDelay(n int) time.Duration {
	d := o.WebhookRetryBase
	for i := 1; i < n && d < defaultMaxWebhookBackoff; i++ {
		d *= 2
	}
	return min(d, defaultMaxWebhookBackoff)
}
