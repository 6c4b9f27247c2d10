// Command build measures the build budget of idsdk-go: it builds three
// programs that list the users of an Auth0 tenant, one with gen/auth0mgmt
// (ours), one with go-auth0 v2.0.0 (goauth0v2) and one with go-auth0
// v1.45.0 (goauth0v1), side by side in one run, interleaved over several
// rounds, and prints the medians and the ratios ours/go-auth0 v2 against
// the budgets.
//
// Each round builds every program cold (a fresh GOCACHE, the module cache
// warm, no network) and then rebuilds it warm after an edit of its
// main.go (given to go build as an -overlay, so the tree is never
// changed). CPU time is user+system of the go command and every process
// it waited for (the compiler and the linker); peak memory is the largest
// resident set of any of them (getrusage's RUSAGE_CHILDREN semantics).
//
// Run it from the repository root:
//
//	bench/build/run.sh                 # ROUNDS=3 WARM=3 by default
//	ROUNDS=5 bench/build/run.sh
//	BUDGET_STRICT=1 bench/build/run.sh # exit status 1 when a budget is missed
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
)

// programs are the packages built, ours first; their directories are
// under bench/build.
var programs = []string{"ours", "goauth0v2", "goauth0v1"}

// Names of the programs whose ratios are judged against the budgets.
const (
	ours      = "ours"
	reference = "goauth0v2"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("build: ")
	rounds, err := envInt("ROUNDS", 3)
	if err != nil {
		log.Fatal(err)
	}
	warm, err := envInt("WARM", 3)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, ".", rounds, warm, os.Stderr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("build budget: %d rounds (%d warm rebuilds each), medians; %s %s/%s, %d CPUs\n\n",
		rounds, warm, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	writeTable(os.Stdout, res)
	fmt.Println()
	missed := writeRatios(os.Stdout, res)
	if missed > 0 && os.Getenv("BUDGET_STRICT") == "1" {
		os.Exit(1)
	}
}

// run measures every program rounds times in the bench module at dir,
// rotating the order each round, and returns the samples by program.
func run(ctx context.Context, dir string, rounds, warm int, progress io.Writer) (map[string]*samples, error) {
	if rounds < 1 || warm < 1 {
		return nil, errors.New("ROUNDS and WARM must be at least 1")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	pkgs := make([]string, len(programs))
	for i, p := range programs {
		pkgs[i] = "./build/" + p
	}
	// The one step that may use the network (the module proxy): make the
	// module cache hold everything the programs need.
	list := exec.CommandContext(ctx, "go", append([]string{"list", "-deps"}, pkgs...)...)
	list.Dir, list.Stdout, list.Stderr = dir, io.Discard, os.Stderr
	if err := list.Run(); err != nil {
		return nil, fmt.Errorf("go list (downloading the modules): %w", err)
	}
	tmp, err := os.MkdirTemp("", "idsdk-buildbudget-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	res := map[string]*samples{}
	for _, p := range programs {
		res[p] = &samples{}
	}
	for r := range rounds {
		for i := range programs {
			p := programs[(i+r)%len(programs)]
			fmt.Fprintf(progress, "round %d/%d: %s\n", r+1, rounds, p)
			s := res[p]
			if err := measure(ctx, dir, tmp, p, fmt.Sprintf("%d.%d", r, i), warm, s); err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			c := s.cold[len(s.cold)-1]
			fmt.Fprintf(progress, "  cold: %s CPU, %s peak RSS, %s wall; warm: %s wall, %s CPU\n",
				secs(c.cpu), mb(c.peakRSS), secs(c.wall), secs(median(s.warm[len(s.warm)-warm:], wallOf)),
				secs(median(s.warm[len(s.warm)-warm:], cpuOf)))
		}
	}
	return res, nil
}

// measure builds program p cold in a fresh cache, then rebuilds it warm
// times after an edit, adding the samples to s. The cache is removed
// afterwards.
func measure(ctx context.Context, dir, tmp, p, tag string, warm int, s *samples) error {
	cache := filepath.Join(tmp, "gocache-"+p+"-"+tag)
	defer os.RemoveAll(cache)
	out := filepath.Join(tmp, p+".bin")
	defer os.Remove(out)
	b := builder{dir: dir, cache: cache, pkg: "./build/" + p, out: out}
	cold, err := b.build(ctx, "")
	if err != nil {
		return fmt.Errorf("cold build: %w", err)
	}
	if fi, err := os.Stat(out); err == nil {
		cold.binary = fi.Size()
	}
	s.cold = append(s.cold, cold)
	src, err := os.ReadFile(filepath.Join(dir, "build", p, "main.go"))
	if err != nil {
		return err
	}
	for w := range warm {
		overlay, err := writeOverlay(tmp, filepath.Join(dir, "build", p, "main.go"), edit(src, tag+"."+strconv.Itoa(w)))
		if err != nil {
			return err
		}
		m, err := b.build(ctx, overlay)
		if err != nil {
			return fmt.Errorf("warm rebuild: %w", err)
		}
		s.warm = append(s.warm, m)
	}
	return nil
}
