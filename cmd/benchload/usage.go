package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is the kernel's USER_HZ: /proc/PID/stat counts CPU time in
// these (100 on every Linux this runs on).
const clockTicks = 100

// cpuMs returns the CPU time (user+system, ms) process pid has used.
func cpuMs(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15) of a
// /proc/PID/stat line; the command name, in parentheses, may hold spaces.
func parseStatCPU(stat string) (float64, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat %q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat %q", stat)
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("malformed stat %q", stat)
	}
	return (u + s) * 1000 / clockTicks, nil
}

// memory reads VmRSS, RssAnon and VmHWM of process pid.
func memory(pid int) (*memSample, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseStatus(bufio.NewScanner(f))
}

// parseStatus reads the memory lines of /proc/PID/status (kB) into MB.
func parseStatus(sc *bufio.Scanner) (*memSample, error) {
	m := &memSample{}
	found := 0
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *float64
		switch key {
		case "VmRSS":
			dst = &m.RSS
		case "RssAnon":
			dst = &m.Anon
		case "VmHWM":
			dst = &m.Peak
		default:
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		*dst = kb / 1024
		found++
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if found < 3 {
		return nil, fmt.Errorf("no VmRSS, RssAnon and VmHWM")
	}
	return m, nil
}
