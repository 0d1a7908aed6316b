package auth

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tempomall/tempomall/internal/apperr"
)

// TestKeyRotation checks that rotating the signing key logs nobody out:
// tokens of the previous key keep verifying, new tokens name the new key,
// and another auth instance over the same store follows.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	oldKid, _ := f.keys.Signer()
	before := f.login(7)

	if err := f.keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	newKid, _ := f.keys.Signer()
	if newKid == oldKid {
		t.Fatal("rotation kept the key id")
	}
	after := f.login(7)
	if got := tokenHeader(t, after.AccessToken)["kid"]; got != newKid {
		t.Errorf("new tokens name %v, want %s", got, newKid)
	}
	got := map[string]string{
		"old access": f.access(before.AccessToken),
		"new access": f.access(after.AccessToken),
	}
	if diff := cmp.Diff(map[string]string{"old access": "ok", "new access": "ok"}, got); diff != "" {
		t.Errorf("after rotation (-want +got):\n%s", diff)
	}
	// The old session still refreshes, now under the new key.
	if p := f.refresh(before.RefreshToken); tokenHeader(t, p.AccessToken)["kid"] != newKid {
		t.Errorf("refreshed token not signed with the new key")
	}

	var ids []string
	var active []bool
	for _, k := range f.keys.PublicKeys() {
		ids, active = append(ids, k.KeyID), append(active, k.Active)
		if k.PrivateKey != nil {
			t.Errorf("PublicKeys leaks the private key of %s", k.KeyID)
		}
	}
	if diff := cmp.Diff([]string{newKid, oldKid}, ids); diff != "" || !cmp.Equal(active, []bool{true, false}) {
		t.Errorf("public keys newest first (-want +got):\n%s active %v", diff, active)
	}

	// Another instance loads the same keys and signs with the new one.
	other := NewKeyRing(f.store, testAccessTTL+testRefreshTTL)
	if err := other.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if kid, _ := other.Signer(); kid != newKid {
		t.Errorf("another instance signs with %s, want %s", kid, newKid)
	}
	for _, kid := range []string{oldKid, newKid} {
		if _, err := other.PublicKey(ctx, kid); err != nil {
			t.Errorf("another instance lacks %s: %v", kid, err)
		}
	}
	// An instance that loaded before the rotation verifies the new key's
	// tokens at once (it reads the keys again) and signs with it.
	if err := f.keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	third, _ := f.keys.Signer()
	if _, err := other.PublicKey(ctx, third); err != nil {
		t.Errorf("a key made by another instance: %v", err)
	}
	if kid, _ := other.Signer(); kid != third {
		t.Errorf("after reload signs with %s, want %s", kid, third)
	}
	// An id that is in no store is refused, and read again at most every
	// minMissReload.
	if _, err := other.PublicKey(ctx, "k_nosuchkey"); apperr.KindOf(err) != apperr.Unauthenticated {
		t.Errorf("unknown key: %v", err)
	}
}

// TestTwoInstancesStartTogether: two auth instances start on an empty
// store at once and each makes a first key; each verifies the other's
// tokens at once, and lists the other's key to the services
// (GetSigningKeys). Seen by e2e's TestScaleOut, where the seed's tokens
// were refused for up to a minute (the periodic reload).
func TestTwoInstancesStartTogether(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	a, _ := f.keys.Signer()
	// The other instance read the empty store before a's key was stored,
	// and made its own.
	other := NewKeyRing(f.store, testAccessTTL+testRefreshTTL)
	if err := other.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	b, _ := other.Signer()
	if _, err := f.keys.PublicKey(ctx, b); err != nil {
		t.Errorf("a's instance refuses b's key: %v", err)
	}
	if _, err := other.PublicKey(ctx, a); err != nil {
		t.Errorf("b's instance refuses a's key: %v", err)
	}
	late := NewKeyRing(f.store, testAccessTTL+testRefreshTTL)
	if err := late.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.keys.Rotate(ctx); err != nil { // after late's last read
		t.Fatal(err)
	}
	newest, _ := f.keys.Signer()
	svc := &Service{keys: late}
	var listed []string
	for _, k := range svc.SigningKeys(ctx) {
		listed = append(listed, k.KeyID)
	}
	if !slices.Contains(listed, newest) {
		t.Errorf("GetSigningKeys lists %v, not the newest key %s", listed, newest)
	}
}

// TestRetiredKeysExpire checks that a retired key verifies for as long as
// the tokens it signed may live, and no longer.
func TestRetiredKeysExpire(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	oldKid, _ := f.keys.Signer()
	if err := f.keys.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	// Pretend the rotation happened longer ago than the longest lifetime.
	past := time.Now().Add(-testRefreshTTL - testAccessTTL - time.Minute).UTC()
	if err := f.store.db.Model(&signingKeyRow{}).Where("key_id = ?", oldKid).Update("retired_at", past).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.keys.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.keys.PublicKey(ctx, oldKid); apperr.KindOf(err) != apperr.Unauthenticated {
		t.Errorf("expired key still verifies: %v", err)
	}
}

// TestLoadCreatesFirstKey checks that a new deployment gets a key, and a
// second load keeps it.
func TestLoadCreatesFirstKey(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	kid, key := f.keys.Signer()
	if kid == "" || len(key) == 0 {
		t.Fatal("no signing key after Load")
	}
	again := NewKeyRing(f.store, time.Hour)
	if err := again.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := again.Signer(); got != kid {
		t.Errorf("second load signs with %s, want %s", got, kid)
	}
	if n := len(again.PublicKeys()); n != 1 {
		t.Errorf("%d keys after two loads, want 1", n)
	}
}

// TestInstancesAddKeysAtOnce: instances that start together on an empty
// store add their first keys at once; on MySQL one may be taken for a
// deadlock victim, which must add its key again rather than fail to
// start (seen by e2e's TestScaleOut).
func TestInstancesAddKeysAtOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for range 10 {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			ring := NewKeyRing(f.store, testAccessTTL+testRefreshTTL)
			wg.Go(func() { errs[i] = ring.Rotate(ctx) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("rotate at once: %v", err)
			}
		}
	}
}
