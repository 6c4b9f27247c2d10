package main

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	s := func(ds ...time.Duration) []sample {
		out := make([]sample, len(ds))
		for i, d := range ds {
			out[i] = sample{cpu: d}
		}
		return out
	}
	for _, c := range []struct {
		in   []sample
		want time.Duration
	}{
		{nil, 0},
		{s(5), 5},
		{s(9, 1, 5), 5},
		{s(9, 1, 5, 3), 4},
	} {
		if got := median(c.in, cpuOf); got != c.want {
			t.Errorf("median of %v = %v, want %v", c.in, got, c.want)
		}
	}
}

// Every program's main.go, edited as a warm rebuild edits it, still
// parses, and two edits differ (so both rebuild).
func TestEditKeepsAProgram(t *testing.T) {
	for _, p := range programs {
		src, err := os.ReadFile(filepath.Join(p, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		a, b := edit(src, "0.0.1"), edit(src, "0.0.2")
		if bytes.Equal(a, b) || !bytes.HasPrefix(a, src) {
			t.Errorf("%s: edits do not differ or do not keep the source", p)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", a, 0); err != nil {
			t.Errorf("%s: the edited source does not parse: %v", p, err)
		}
	}
}

func TestWriteOverlay(t *testing.T) {
	dir := t.TempDir()
	name, err := writeOverlay(dir, "/src/main.go", []byte("package main\n"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatal(err)
	}
	repl := o.Replace["/src/main.go"]
	if got, err := os.ReadFile(repl); err != nil || string(got) != "package main\n" {
		t.Errorf("overlay %s puts %q (%v) in place of main.go", raw, got, err)
	}
}

func TestRatiosAgainstBudgets(t *testing.T) {
	res := map[string]*samples{
		"ours": {
			cold: []sample{{cpu: 8 * time.Second, peakRSS: 500 << 20}},
			warm: []sample{{wall: 2 * time.Second, cpu: time.Second / 2}},
		},
		"goauth0v2": {
			cold: []sample{{cpu: 10 * time.Second, peakRSS: 1000 << 20}},
			warm: []sample{{wall: time.Second, cpu: time.Second}},
		},
		"goauth0v1": {
			cold: []sample{{cpu: 4 * time.Second, peakRSS: 250 << 20}},
			warm: []sample{{wall: time.Second, cpu: time.Second}},
		},
	}
	var out strings.Builder
	missed := writeRatios(&out, res)
	// CPU 0.80x (met), peak RSS 0.50x (met), warm wall 2.00x (missed),
	// warm CPU 0.50x (met).
	if missed != 1 {
		t.Errorf("missed %d budgets, want 1:\n%s", missed, out.String())
	}
	for _, want := range []string{"0.80x", "0.50x", "2.00x", "MISSED by 100%"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	var table strings.Builder
	writeTable(&table, res)
	if !strings.Contains(table.String(), "500 MB") || !strings.Contains(table.String(), "8.00 s") {
		t.Errorf("table:\n%s", table.String())
	}
}

func TestEnvInt(t *testing.T) {
	t.Setenv("BUILD_TEST_N", "")
	if n, err := envInt("BUILD_TEST_N", 3); n != 3 || err != nil {
		t.Errorf("unset: %d, %v", n, err)
	}
	t.Setenv("BUILD_TEST_N", "5")
	if n, err := envInt("BUILD_TEST_N", 3); n != 5 || err != nil {
		t.Errorf("5: %d, %v", n, err)
	}
	for _, bad := range []string{"0", "-1", "three"} {
		t.Setenv("BUILD_TEST_N", bad)
		if _, err := envInt("BUILD_TEST_N", 3); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
