package config

import (
	"net"
	"strconv"
)

// TemporalUIPort is the port of the dev server's Web UI as `tempomall
// dev` starts it: the Temporal port plus 1000 (8233 for the default 7233).
func (c Config) TemporalUIPort() string {
	_, port, _ := net.SplitHostPort(c.TemporalHostPort)
	n, err := strconv.Atoi(port)
	if err != nil {
		return "8233"
	}
	return strconv.Itoa(n + 1000)
}

// TemporalUIURL is the address of the dev server's Web UI.
func (c Config) TemporalUIURL() string {
	host, _, err := net.SplitHostPort(c.TemporalHostPort)
	if err != nil || host == "" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, c.TemporalUIPort())
}

// CodecPath is where the codec server answers (POST /codec/encode and
// /codec/decode): the codec endpoint is its URL plus this path.
const CodecPath = "/codec"

// CodecEndpoint is the URL of the codec server, for the Web UI and
// `temporal --codec-endpoint`.
func (c Config) CodecEndpoint() string { return "http://" + c.Ops.CodecListen + CodecPath }

// TemporalCLIFlags are the `temporal` CLI flags that reach the configured
// server and namespace; empty when both are the CLI's defaults.
func (c Config) TemporalCLIFlags() string {
	var flags string
	if c.TemporalHostPort != "127.0.0.1:7233" && c.TemporalHostPort != "localhost:7233" {
		flags += " --address " + c.TemporalHostPort
	}
	if c.TemporalNamespace != "default" {
		flags += " --namespace " + c.TemporalNamespace
	}
	return flags
}
