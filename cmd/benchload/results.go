package main

import "time"

// The kinds of phase: tempomall's shopper journey, and the two bare
// baselines on the same Temporal server.
const (
	kindShop    = "tempomall"
	kindUWS     = "bare-uws"
	kindJourney = "bare-journey"
)

// phaseResult is what one closed-loop phase measured in its window.
type phaseResult struct {
	Kind  string `json:"kind"`
	Level int    `json:"shoppers"`
	Round int    `json:"round"`
	// Seconds is the measured window; Journeys the journeys (calls, for
	// bare-uws) that started and ended in it; Errors those that failed.
	Seconds  float64 `json:"seconds"`
	Journeys int     `json:"journeys"`
	Errors   int     `json:"errors"`
	// Answer are the answer times (ms): the Checkout RPC, or the
	// Update-With-Start. Done are the times (ms) from that call to PAID
	// (tempomall, seen by polling) or to the workflow's completion
	// (bare-journey).
	Answer []float64 `json:"answer_ms"`
	Done   []float64 `json:"done_ms,omitempty"`
	// CPU is the CPU time (ms, user+system) each process used in the
	// window.
	CPU map[string]float64 `json:"cpu_ms"`
	// IDs are the workflow ids of the journeys (not in the JSON).
	IDs []string `json:"-"`
	// Starts are when each journey's first call was sent, by workflow id.
	Starts map[string]time.Time `json:"-"`
}

// throughput is journeys per second in the window.
func (p phaseResult) throughput() float64 {
	if p.Seconds <= 0 {
		return 0
	}
	return float64(p.Journeys) / p.Seconds
}

// memSample is a process's memory from /proc/PID/status (MB).
type memSample struct {
	RSS  float64 `json:"rss_mb"`
	Anon float64 `json:"anon_mb"`
	Peak float64 `json:"peak_mb"`
}

// memRow is a process's memory idle and after the load.
type memRow struct {
	Process string     `json:"process"`
	Idle    *memSample `json:"idle"`
	After   *memSample `json:"after_load,omitempty"`
}

// histCounts are the counts of one journey's workflow history.
type histCounts struct {
	WorkflowID    string `json:"workflow_id"`
	Events        int    `json:"events"`
	Tasks         int    `json:"workflow_tasks"`
	Executions    int    `json:"executions"`
	Updates       int    `json:"updates_accepted"`
	Signals       int    `json:"signals"`
	Timers        int    `json:"timers_started"`
	TimersPending int    `json:"timers_pending"`
	Activities    int    `json:"activities_scheduled"`
	LocalMarkers  int    `json:"local_activity_markers"`
	Children      int    `json:"children_started"`
	Upserts       int    `json:"search_attribute_upserts"`
}

// machine describes where the run ran.
type machine struct {
	CPUs      int    `json:"cpus"`
	Model     string `json:"cpu_model"`
	Platform  string `json:"platform"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	LoadStart string `json:"load_start"`
	LoadEnd   string `json:"load_end"`
}

// results are everything a run measured: the JSON file's content and
// the report's input.
type results struct {
	Began    time.Time     `json:"began"`
	Machine  machine       `json:"machine"`
	Settings settings      `json:"settings"`
	Phases   []phaseResult `json:"phases"`
	Memory   []memRow      `json:"memory"`
	// Dev is `tempomall dev` idle (nil: not measured).
	Dev       *memSample   `json:"tempomall_dev,omitempty"`
	Histories []histCounts `json:"histories"`
	Bare      []histCounts `json:"bare_histories"`
}

// settings are the run's parameters the report states.
type settings struct {
	Levels     []int  `json:"levels"`
	Rounds     int    `json:"rounds"`
	Duration   string `json:"duration"`
	Warmup     string `json:"warmup"`
	BareBefore int    `json:"bare_before"`
	BareAfter  int    `json:"bare_after"`
	BareSettle string `json:"bare_settle"`
	Poll       string `json:"poll"`
	Stack      string `json:"stack"`
	Commit     string `json:"commit,omitempty"`
}

// phases returns the phases of a kind at a level, in round order.
func (r *results) phases(kind string, level int) []phaseResult {
	var out []phaseResult
	for _, p := range r.Phases {
		if p.Kind == kind && p.Level == level {
			out = append(out, p)
		}
	}
	return out
}
