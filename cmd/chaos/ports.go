package main

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// The harness's ports: a block of portBlock consecutive ports in
// [portLow, portHigh], so that runs stay away from the default ports
// other runs of tempomall use (7233, 8233, 8881-8890).
const (
	portLow   = 19000
	portHigh  = 19999
	portBlock = 16
)

// portPlan assigns the block's ports.
type portPlan struct{ base int }

func (p portPlan) addr(offset int) string { return "127.0.0.1:" + strconv.Itoa(p.base+offset) }

// Offsets in the block.
const (
	offTemporal = iota
	offTemporalHTTP
	offTemporalMetrics
	offServices // 7 services, in config.Services order
	offWebhook  = offServices + 7
	offGateway  = offWebhook + 1
)

// findPorts returns base when it is set, or else a block in which every
// port is free now, starting the search at a random block so that two
// harnesses started together rarely pick the same one.
func findPorts(base int, rng *rand.Rand) (portPlan, error) {
	if base != 0 {
		if base < portLow || base+portBlock-1 > portHigh {
			return portPlan{}, fmt.Errorf("-port-base %d: the block must lie in %d-%d", base, portLow, portHigh)
		}
		if !blockFree(base) {
			return portPlan{}, fmt.Errorf("-port-base %d: a port of %d-%d is taken", base, base, base+portBlock-1)
		}
		return portPlan{base: base}, nil
	}
	blocks := (portHigh - portLow + 1) / portBlock
	first := rng.IntN(blocks)
	for i := range blocks {
		b := portLow + ((first+i)%blocks)*portBlock
		if blockFree(b) {
			return portPlan{base: b}, nil
		}
	}
	return portPlan{}, fmt.Errorf("no block of %d free ports in %d-%d", portBlock, portLow, portHigh)
}

func blockFree(base int) bool {
	var open []net.Listener
	defer func() {
		for _, l := range open {
			_ = l.Close()
		}
	}()
	for p := base; p < base+portBlock; p++ {
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			return false
		}
		open = append(open, l)
	}
	return true
}
