package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// State is what mallctl remembers between runs: the session of the
// logged-in customer and the admin's. It is kept in a JSON file readable by
// its owner only (mode 0600), because it holds bearer tokens.
type State struct {
	// User is the session of `mallctl login` (or register, or demo).
	User *Session `json:"user,omitempty"`
	// Admin is the session of `mallctl admin login`.
	Admin *Session `json:"admin,omitempty"`
}

// Session is a logged-in account and its token pair.
type Session struct {
	UserID           int64     `json:"userId"`
	Email            string    `json:"email,omitempty"`
	Username         string    `json:"username,omitempty"`
	Roles            []string  `json:"roles,omitempty"`
	AccessToken      string    `json:"accessToken"`
	AccessExpiresAt  time.Time `json:"accessExpiresAt"`
	RefreshToken     string    `json:"refreshToken,omitempty"`
	RefreshExpiresAt time.Time `json:"refreshExpiresAt,omitempty"`
}

// Name returns how the session's account is shown: its username, or its
// email, or its id.
func (s *Session) Name() string {
	switch {
	case s.Username != "":
		return s.Username
	case s.Email != "":
		return s.Email
	}
	return fmt.Sprintf("user %d", s.UserID)
}

// statePath returns where the state lives: $TEMPOMALL_MALLCTL_STATE, or
// mallctl.json under $XDG_CONFIG_HOME/tempomall (default ~/.config).
func statePath(getenv func(string) string) (string, error) {
	if p := getenv("TEMPOMALL_MALLCTL_STATE"); p != "" {
		return p, nil
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("cannot place the state file: set HOME, XDG_CONFIG_HOME or TEMPOMALL_MALLCTL_STATE")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "tempomall", "mallctl.json"), nil
}

// loadState reads the state file; a missing file is an empty state.
func loadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("state file %s is damaged (delete it and log in again): %w", path, err)
	}
	return &s, nil
}

// saveState writes the state file atomically with mode 0600 (its folder
// 0700), so that a crash never leaves half a file and other accounts on
// the machine cannot read the tokens.
func saveState(path string, s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".mallctl-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
