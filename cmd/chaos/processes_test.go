package main

import (
	"bytes"
	"testing"

	"github.com/tempomall/tempomall/internal/crashpoint"
)

func TestCrashWatcherFindsTheNoticeAcrossWrites(t *testing.T) {
	var log bytes.Buffer
	w := &crashWatcher{out: &log}
	for _, chunk := range []string{"some warning\n" + crashpoint.Notice + "charge-ac", "cepted: exiting\n"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.point(); got != crashpoint.ChargeAccepted {
		t.Errorf("point() = %q, want %q", got, crashpoint.ChargeAccepted)
	}
	if got, want := log.String(), "some warning\n"+crashpoint.Notice+"charge-accepted: exiting\n"; got != want {
		t.Errorf("log %q, want %q", got, want)
	}
}
