package config_test

import (
	"testing"

	"github.com/tempomall/tempomall/internal/config"
)

func TestTemporalAddresses(t *testing.T) {
	for _, tt := range []struct {
		addr, ns, ui, flags string
	}{
		{"127.0.0.1:7233", "default", "http://127.0.0.1:8233", ""},
		{"127.0.0.1:7300", "default", "http://127.0.0.1:8300", " --address 127.0.0.1:7300"},
		{"temporal:7233", "shop", "http://temporal:8233", " --address temporal:7233 --namespace shop"},
	} {
		c := config.Default(t.TempDir())
		c.TemporalHostPort, c.TemporalNamespace = tt.addr, tt.ns
		if got := c.TemporalUIURL(); got != tt.ui {
			t.Errorf("%s: Web UI %q, want %q", tt.addr, got, tt.ui)
		}
		if got := c.TemporalCLIFlags(); got != tt.flags {
			t.Errorf("%s %s: CLI flags %q, want %q", tt.addr, tt.ns, got, tt.flags)
		}
	}
}
