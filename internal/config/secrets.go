package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Secrets are the generated credentials of the embedded setup, kept in
// DataDir/secrets.json (mode 0600) so that restarts keep them.
type Secrets struct {
	ServiceSecret        string `json:"serviceSecret"`
	GatewayAPIKey        string `json:"gatewayApiKey"`
	GatewayWebhookSecret string `json:"gatewayWebhookSecret"`
	AdminPassword        string `json:"adminPassword"`
	// CodecKeys encrypt workflow payloads ("id:base64-32-bytes").
	CodecKeys string `json:"codecKeys"`
}

// SecretsPath returns where EnsureSecrets keeps generated secrets.
func (c Config) SecretsPath() string { return filepath.Join(c.DataDir, "secrets.json") }

// EnsureSecrets fills the secrets the environment did not set from
// DataDir/secrets.json, generating and saving the missing ones.
func (c *Config) EnsureSecrets() error {
	s, err := ReadSecrets(c.SecretsPath())
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	changed := false
	fill := func(dst *string, saved *string, prefix string) {
		if *dst != "" {
			return
		}
		if *saved == "" {
			*saved = prefix + randomToken()
			changed = true
		}
		*dst = *saved
	}
	fill(&c.ServiceSecret, &s.ServiceSecret, "svc_")
	fill(&c.GatewayAPIKey, &s.GatewayAPIKey, "sk_test_")
	fill(&c.GatewayWebhookSecret, &s.GatewayWebhookSecret, "whsec_")
	fill(&c.AdminPassword, &s.AdminPassword, "Adm1n-")
	if c.Ops.CodecKeys == "" {
		if s.CodecKeys == "" {
			s.CodecKeys, changed = "k1:"+randomKey(), true
		}
		c.Ops.CodecKeys = s.CodecKeys
	}
	if !changed {
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.SecretsPath(), b, 0o600); err != nil {
		return fmt.Errorf("save secrets: %w", err)
	}
	return nil
}

// ReadSecrets reads a secrets file written by EnsureSecrets.
func ReadSecrets(path string) (Secrets, error) {
	var s Secrets
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func randomToken() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// randomKey is a new 32-byte key, base64 (a payload encryption key).
func randomKey() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.StdEncoding.EncodeToString(b)
}
