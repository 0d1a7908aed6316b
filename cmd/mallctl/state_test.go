package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func sampleState() *State {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	return &State{
		User: &Session{
			UserID: 7, Email: "ada@example.com", Username: "ada", Roles: []string{"customer"},
			AccessToken: "access-token", AccessExpiresAt: at.Add(15 * time.Minute),
			RefreshToken: "refresh-token", RefreshExpiresAt: at.Add(7 * 24 * time.Hour),
		},
		Admin: &Session{UserID: 1, Email: "admin@tempomall.local", AccessToken: "admin-token", AccessExpiresAt: at},
	}
}

func TestStateRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "tempomall", "mallctl.json")
	want := sampleState()
	if err := saveState(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := loadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state after a round trip (-want +got):\n%s", diff)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %o, want 600", mode)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if mode := di.Mode().Perm(); mode != 0o700 {
		t.Errorf("state folder mode %o, want 700", mode)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".mallctl-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestSaveStateTightensMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mallctl.json")
	if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := saveState(path, &State{}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %o after a save over a 644 file, want 600", mode)
	}
}

func TestLoadStateMissingAndDamaged(t *testing.T) {
	dir := t.TempDir()
	got, err := loadState(filepath.Join(dir, "none.json"))
	if err != nil || got.User != nil || got.Admin != nil {
		t.Errorf("loadState(missing) = %+v, %v; want an empty state", got, err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadState(bad); err == nil {
		t.Error("loadState(damaged) succeeded")
	}
}

func TestStatePath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TEMPOMALL_MALLCTL_STATE": "/tmp/s.json", "XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/tmp/s.json"},
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/tempomall/mallctl.json"},
		{map[string]string{"HOME": "/h"}, "/h/.config/tempomall/mallctl.json"},
	}
	for _, tt := range tests {
		got, err := statePath(func(k string) string { return tt.env[k] })
		if err != nil || got != tt.want {
			t.Errorf("statePath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
	if _, err := statePath(func(string) string { return "" }); err == nil {
		t.Error("statePath without HOME succeeded")
	}
}
