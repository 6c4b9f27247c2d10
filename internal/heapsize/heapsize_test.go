package heapsize

import (
	"errors"
	"testing"
)

// TestPerValueSeesWhatIsKept: a value holding a 4 KiB buffer measures
// 4 KiB (within a size class), one holding nothing measures about 0, and
// an error of the constructor ends the measurement.
func TestPerValueSeesWhatIsKept(t *testing.T) {
	big, err := PerValue(200, 3, func() (any, error) { return new([4096]byte), nil })
	if err != nil || big < 4000 || big > 4400 {
		t.Fatalf("4 KiB values: %d bytes each, err %v", big, err)
	}
	small, err := PerValue(200, 3, func() (any, error) { return nil, nil })
	if err != nil || small > 64 {
		t.Fatalf("nil values: %d bytes each, err %v", small, err)
	}
	boom := errors.New("boom")
	if _, err := PerValue(10, 1, func() (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if _, err := PerValue(0, 1, func() (any, error) { return nil, nil }); err == nil {
		t.Fatal("n = 0 accepted")
	}
}
