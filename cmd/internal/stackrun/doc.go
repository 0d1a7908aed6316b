// Package stackrun holds what the harnesses that run tempomall as separate
// OS processes share (cmd/chaos, the crash test, and cmd/benchload, the
// load benchmark): the TEMPOMALL_* environment of a configuration, the
// Temporal dev server's flags and a client of it, child processes in
// process groups of their own, waits for a listening port, one-shot
// tempomall commands, and fresh MySQL and Redis databases for a run.
package stackrun
