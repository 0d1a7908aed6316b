package stackrun

import (
	"os"
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
	return append(env, config.Environ(cfg)...)
}

// With returns env with the variables kvs ("TEMPOMALL_X=v") added; later
// ones win.
func With(env []string, kvs ...string) []string {
	return append(append([]string{}, env...), kvs...)
}
