// This file holds one build's measurement and the report of many.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// sample is what one go build cost.
type sample struct {
	wall, cpu time.Duration
	peakRSS   int64 // bytes: the largest resident set of the go command or any process it waited for
	binary    int64 // bytes of the program built (cold builds only)
}

// samples are the cold builds and warm rebuilds of one program.
type samples struct{ cold, warm []sample }

// builder runs go build for one program with its own cache.
type builder struct{ dir, cache, pkg, out string }

// build runs go build (with the overlay file when not empty) and measures it.
func (b builder) build(ctx context.Context, overlay string) (sample, error) {
	args := []string{"build", "-o", b.out}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, b.pkg)...)
	cmd.Dir = b.dir
	// GOPROXY=off: the modules were downloaded before; a build that would
	// need the network fails instead of timing a download.
	cmd.Env = append(os.Environ(), "GOCACHE="+b.cache, "GOPROXY=off", "GOFLAGS=-mod=readonly -buildvcs=false", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return sample{}, err
	}
	s := sample{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.peakRSS = maxRSSBytes(int64(ru.Maxrss))
	}
	return s, nil
}

// maxRSSBytes converts ru_maxrss to bytes: Linux and the BSDs count
// kilobytes, Darwin bytes.
func maxRSSBytes(v int64) int64 {
	if runtime.GOOS == "darwin" {
		return v
	}
	return v * 1024
}

// edit returns src with one more line, different for every tag, that
// changes the program built (so the compiler and the linker both run
// again, as after a real edit).
func edit(src []byte, tag string) []byte {
	return fmt.Appendf(slices.Clone(src), "\nfunc init() { log.SetPrefix(%q) }\n", "edit "+tag+": ")
}

// writeOverlay writes content to a file in dir and an overlay file for go
// build -overlay that puts it in place of path; it returns the overlay's
// path.
func writeOverlay(dir, path string, content []byte) (string, error) {
	repl := filepath.Join(dir, "main.go")
	if err := os.WriteFile(repl, content, 0o600); err != nil {
		return "", err
	}
	o, err := json.Marshal(map[string]map[string]string{"Replace": {path: repl}})
	if err != nil {
		return "", err
	}
	name := filepath.Join(dir, "overlay.json")
	return name, os.WriteFile(name, o, 0o600)
}

// median returns the median of the values f picks from ss (the mean of
// the two middle ones for an even count).
func median[T int64 | time.Duration](ss []sample, f func(sample) T) T {
	if len(ss) == 0 {
		return 0
	}
	v := make([]T, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func wallOf(s sample) time.Duration { return s.wall }
func cpuOf(s sample) time.Duration  { return s.cpu }
func rssOf(s sample) int64          { return s.peakRSS }
func binOf(s sample) int64          { return s.binary }

// writeTable prints the medians of every program.
func writeTable(w io.Writer, res map[string]*samples) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "program\tcold CPU\tcold peak RSS\tcold wall\tbinary\twarm wall\twarm CPU\twarm peak RSS\t")
	for _, p := range programs {
		s := res[p]
		if s == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p,
			secs(median(s.cold, cpuOf)), mb(median(s.cold, rssOf)), secs(median(s.cold, wallOf)),
			mb(median(s.cold, binOf)), secs(median(s.warm, wallOf)), secs(median(s.warm, cpuOf)),
			mb(median(s.warm, rssOf)))
	}
	tw.Flush()
}

// budget is one ratio of ours to the reference and its limit.
type budget struct {
	name  string
	pick  func(*samples) float64
	limit float64 // 0: shown, not judged
}

// budgets are the build budgets of DESIGN.md, ours/go-auth0 v2. The warm
// rebuild is judged on wall time and on CPU time: on a loaded machine the
// wall time is mostly waiting, the CPU time still the work done.
var budgets = []budget{
	{"cold build CPU", func(s *samples) float64 { return float64(median(s.cold, cpuOf)) }, 0.8},
	{"cold build peak RSS", func(s *samples) float64 { return float64(median(s.cold, rssOf)) }, 0.6},
	{"warm rebuild wall", func(s *samples) float64 { return float64(median(s.warm, wallOf)) }, 1.0},
	{"warm rebuild CPU", func(s *samples) float64 { return float64(median(s.warm, cpuOf)) }, 1.0},
	{"warm rebuild peak RSS", func(s *samples) float64 { return float64(median(s.warm, rssOf)) }, 0},
}

// writeRatios prints ours/goauth0v2 against the budgets, and ours/goauth0v1
// for reference, and returns how many budgets were missed.
func writeRatios(w io.Writer, res map[string]*samples) (missed int) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ratio\tours/goauth0v2\tbudget\t\tours/goauth0v1")
	for _, b := range budgets {
		r2 := ratio(b.pick, res[ours], res[reference])
		r1 := ratio(b.pick, res[ours], res["goauth0v1"])
		limit, verdict := "-", ""
		if b.limit > 0 {
			limit = fmt.Sprintf("<= %.2fx", b.limit)
			verdict = "met"
			if r2 > b.limit {
				verdict = fmt.Sprintf("MISSED by %.0f%%", (r2/b.limit-1)*100)
				missed++
			}
		}
		fmt.Fprintf(tw, "%s\t%.2fx\t%s\t%s\t%.2fx\n", b.name, r2, limit, verdict, r1)
	}
	tw.Flush()
	return missed
}

// ratio is pick(a)/pick(b), 0 when either is missing.
func ratio(pick func(*samples) float64, a, b *samples) float64 {
	if a == nil || b == nil || pick(b) == 0 {
		return 0
	}
	return pick(a) / pick(b)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func mb(n int64) string           { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }

// envInt reads a positive integer from the environment variable name,
// def when it is unset.
func envInt(name string, def int) (int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a positive integer", name, v)
	}
	return n, nil
}
