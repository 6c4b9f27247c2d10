package sandbox_test

import (
	"testing"

	"github.com/idsdk/idsdk-go/sandbox"
)

// BenchmarkStart measures New and Close of a whole sandbox (every API's
// loopback server); the budget is 100 ms.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		sb, err := sandbox.New()
		if err != nil {
			b.Fatal(err)
		}
		if err := sb.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCloseTwice(t *testing.T) {
	sb, err := sandbox.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
