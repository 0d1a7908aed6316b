package config

import (
	"strings"
	"testing"
	"time"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestFromEnv(t *testing.T) {
	c, err := fromLookup(lookup(map[string]string{
		"TEMPOMALL_DATA_DIR":              "/var/lib/tm",
		"TEMPOMALL_PRODUCT_LISTEN":        ":8883",
		"TEMPOMALL_PRODUCT_ADDR":          "product:8883",
		"TEMPOMALL_ORDER_PAYMENT_TIMEOUT": "2m",
		"TEMPOMALL_EXCHANGE_RATES":        "usd=1, CNY=7.25",
		"TEMPOMALL_DISCOVERY":             "etcd",
		"TEMPOMALL_ETCD_ENDPOINTS":        "etcd1:2379,etcd2:2379",
		"TEMPOMALL_DEBUG":                 "true",
		"TEMPOMALL_WORKFLOW_CACHE":        "500",
		"TEMPOMALL_SHUTDOWN_GRACE":        "3s",
		"TEMPOMALL_LOG_FORMAT":            "text",
	}))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.DataDir != "/var/lib/tm" || c.SQLitePath("user") != "/var/lib/tm/user.db":
		t.Errorf("data dir %s", c.DataDir)
	case c.Listen["product"] != ":8883" || c.DialAddr("product") != "product:8883" || c.DialAddr("user") != DefaultAddrs["user"]:
		t.Errorf("addresses %v %v", c.Listen, c.Dial)
	case c.OrderPaymentTimeout != 2*time.Minute || !c.Debug:
		t.Errorf("timeout %s debug %v", c.OrderPaymentTimeout, c.Debug)
	case c.ExchangeRates["USD"] != "1" || c.ExchangeRates["CNY"] != "7.25" || len(c.ExchangeRates) != 2:
		t.Errorf("rates %v", c.ExchangeRates)
	case len(c.EtcdEndpoints) != 2:
		t.Errorf("etcd %v", c.EtcdEndpoints)
	case c.Ops.WorkflowCache != 500 || c.Ops.ShutdownGrace != 3*time.Second || c.Ops.LogFormat != "text":
		t.Errorf("ops %+v", c.Ops)
	}
}

func TestFromEnvRefusals(t *testing.T) {
	tests := map[string]map[string]string{
		"bad duration":              {"TEMPOMALL_PAYMENT_TIMEOUT": "ten minutes"},
		"bad integer":               {"TEMPOMALL_REDIS_DB": "one"},
		"bad boolean":               {"TEMPOMALL_DEBUG": "maybe"},
		"bad rate":                  {"TEMPOMALL_EXCHANGE_RATES": "USD=one"},
		"rates without the catalog": {"TEMPOMALL_EXCHANGE_RATES": "CNY=7.1"},
		"unknown discovery":         {"TEMPOMALL_DISCOVERY": "zookeeper"},
		"etcd without endpoints":    {"TEMPOMALL_DISCOVERY": "etcd"},
		"consul without address":    {"TEMPOMALL_DISCOVERY": "consul"},
		"non-positive timeout":      {"TEMPOMALL_ORDER_PAYMENT_TIMEOUT": "0s"},
		"negative workflow cache":   {"TEMPOMALL_WORKFLOW_CACHE": "-1"},
		"unknown log format":        {"TEMPOMALL_LOG_FORMAT": "xml"},
	}
	for name, env := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := fromLookup(lookup(env))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), "TEMPOMALL_") {
				t.Errorf("error %q does not name the variable", err)
			}
		})
	}
}

func TestEnsureSecretsKeepsThem(t *testing.T) {
	c := Default(t.TempDir())
	c.GatewayAPIKey = "from-env"
	if err := c.EnsureSecrets(); err != nil {
		t.Fatal(err)
	}
	if c.ServiceSecret == "" || c.AdminPassword == "" || c.GatewayAPIKey != "from-env" {
		t.Fatalf("secrets %+v", c)
	}
	again := Default(c.DataDir)
	if err := again.EnsureSecrets(); err != nil {
		t.Fatal(err)
	}
	if again.ServiceSecret != c.ServiceSecret || again.AdminPassword != c.AdminPassword {
		t.Error("a restart generated new secrets")
	}
}

// TestBudgetsNest checks that every waiter outlives what it waits for,
// for the default and for a short and a long placement budget.
func TestBudgetsNest(t *testing.T) {
	for _, placement := range []time.Duration{Default(t.TempDir()).PlacementBudget, time.Second, 5 * time.Minute} {
		c := Default(t.TempDir())
		c.PlacementBudget = placement
		b := c.Budgets()
		if !(b.Placement > 0 && b.Placement < b.Wait && b.Wait < b.Call) {
			t.Errorf("budgets of %s do not nest: %+v", placement, b)
		}
	}
}
