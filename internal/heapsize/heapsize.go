// Package heapsize measures the live heap a value holds: the one
// measurement behind the client heap budgets of the generated clients'
// tests and of the benchmark module.
package heapsize

import (
	"errors"
	"runtime"
	"slices"
	"time"
)

// PerValue returns the bytes of live heap each value made by newValue
// holds: the median over rounds of the heap growth from making n values
// and keeping them, measured after the garbage of earlier rounds is
// collected. One value is made first and dropped, so that what a package
// makes once is not counted. The first error of newValue ends the
// measurement.
func PerValue(n, rounds int, newValue func() (any, error)) (int64, error) {
	if n < 1 || rounds < 1 {
		return 0, errors.New("heapsize: n and rounds must be at least 1")
	}
	if _, err := newValue(); err != nil {
		return 0, err
	}
	sizes := make([]int64, 0, rounds)
	for range rounds {
		keep := make([]any, n)
		var before, after runtime.MemStats
		settle()
		runtime.ReadMemStats(&before)
		for i := range keep {
			v, err := newValue()
			if err != nil {
				return 0, err
			}
			keep[i] = v
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(keep)
		sizes = append(sizes, (int64(after.HeapAlloc)-int64(before.HeapAlloc))/int64(n))
	}
	slices.Sort(sizes)
	return sizes[len(sizes)/2], nil
}

// settle collects until the heap stops shrinking (at most 100 times):
// values with cleanups (a client closing its idle connections) are freed
// only by a collection after the one that found them unreachable.
func settle() {
	var m runtime.MemStats
	last := ^uint64(0)
	for range 100 {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		runtime.ReadMemStats(&m)
		if m.HeapAlloc >= last {
			return
		}
		last = m.HeapAlloc
	}
}
