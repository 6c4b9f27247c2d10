package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestQuickstart runs the whole quickstart on the emulator, as
// `go run ./examples/quickstart` does.
func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, s := range steps {
		if !strings.Contains(out.String(), "== "+s.title) {
			t.Errorf("step %q did not run", s.title)
		}
	}
	if !strings.HasSuffix(out.String(), "== done\n") {
		t.Errorf("output:\n%s", out.String())
	}
	t.Log("\n" + out.String())
}
