package stackrun

// With returns env with the variables kvs ("TEMPOMALL_X=v") added; later
// ones win.
func With(env []string, kvs ...string) []string {
	return append(append([]string{}, env...), kvs...)
}
