package crashpoint

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	p, err := Parse(" charge-accepted=0.2, stock-commit ,refund-accepted=0,")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.String(), "charge-accepted=0.2,refund-accepted=0,stock-commit=1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, bad := range []string{"x=2", "x=-0.1", "x=often", "=0.5"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted it", bad)
		}
	}
	empty, err := Parse("")
	if err != nil || empty.String() != "" {
		t.Errorf("Parse(\"\") = %q, %v", empty.String(), err)
	}
}

// armed returns points that record their exits instead of exiting, with
// a fixed roll.
func armed(t *testing.T, spec string, roll float64) (*Points, *[]int, *bytes.Buffer) {
	t.Helper()
	p, err := Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	var exits []int
	var out bytes.Buffer
	p.roll = func() float64 { return roll }
	p.exit = func(code int) { exits = append(exits, code) }
	p.out = &out
	return p, &exits, &out
}

func TestHitFiresWithItsProbability(t *testing.T) {
	p, exits, out := armed(t, "charge-accepted=0.5,refund-accepted=0", 0.3)
	p.Hit(StockCommit) // not armed
	p.Hit(RefundAccepted)
	if len(*exits) != 0 {
		t.Fatalf("exits %v before an armed point fired", *exits)
	}
	p.Hit(ChargeAccepted) // 0.3 < 0.5: fires
	if len(*exits) != 1 || (*exits)[0] != ExitCode {
		t.Fatalf("exits %v, want [%d]", *exits, ExitCode)
	}
	if got := out.String(); got != Notice+"charge-accepted: exiting\n" {
		t.Errorf("notice %q", got)
	}

	p, exits, _ = armed(t, "charge-accepted=0.5", 0.7) // 0.7 >= 0.5: passes
	p.Hit(ChargeAccepted)
	if len(*exits) != 0 {
		t.Errorf("exits %v, want none", *exits)
	}
}

func TestUnarmedPointsCostNothing(t *testing.T) {
	var p *Points
	p.Hit(ChargeAccepted) // a nil Points is unarmed
	if testing.AllocsPerRun(100, func() { Hit(ChargeAccepted); HitOnSuccess(StockCommitted, nil) }) != 0 {
		t.Error("an unarmed point allocates")
	}
}

// TestProcessExits runs this test binary again with a point armed and
// checks that the process dies at once with ExitCode and the notice.
func TestProcessExits(t *testing.T) {
	if os.Getenv("CRASHPOINT_CHILD") == "1" {
		HitOnSuccess(RefundAccepted, errors.New("failed: not a success"))
		Hit(RefundAccepted)
		os.Exit(0) // not reached
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcessExits$")
	cmd.Env = append(os.Environ(), "CRASHPOINT_CHILD=1", Env+"=refund-accepted=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != ExitCode {
		t.Fatalf("child: %v, want exit status %d", err, ExitCode)
	}
	if !strings.Contains(stderr.String(), Notice+RefundAccepted+": exiting") {
		t.Errorf("child stderr %q", stderr.String())
	}
}
