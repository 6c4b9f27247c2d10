package bench

import (
	"context"
	"runtime"
	"testing"
	"time"

	management "github.com/auth0/go-auth0/management"
	v2client "github.com/auth0/go-auth0/v2/management/client"
	v2option "github.com/auth0/go-auth0/v2/management/option"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

// The heap one Auth0 Management client holds, ours beside go-auth0 v1.45.0
// (the budget: ours <= v1's) and v2.0.0, each built with client
// credentials for the same tenant and measured the same way.

// heapClients is how many clients one measurement keeps alive.
const heapClients = 256

// newHeapClients are the constructors measured, by name.
var newHeapClients = []struct {
	name string
	new  func() (any, error)
}{
	{"ours", func() (any, error) {
		return auth0mgmt.New("tenant.example.com",
			auth0mgmt.WithClientCredentials("client-id", auth.Secret("client-secret")))
	}},
	{"goauth0v1", func() (any, error) {
		return management.New("tenant.example.com",
			management.WithClientCredentials(context.Background(), "client-id", "client-secret"))
	}},
	{"goauth0v2", func() (any, error) {
		return v2client.New("tenant.example.com",
			v2option.WithClientCredentials(context.Background(), "client-id", "client-secret"))
	}},
}

// heapPerClient returns the bytes of live heap each of n clients made by
// newClient holds: the HeapAlloc after a GC with the n clients alive,
// less the HeapAlloc after a GC before they were made, divided by n. One
// client made first, and dropped, sets up what a package makes once.
func heapPerClient(n int, newClient func() (any, error)) (float64, error) {
	if _, err := newClient(); err != nil {
		return 0, err
	}
	kept := make([]any, n)
	var before, after runtime.MemStats
	settle()
	runtime.ReadMemStats(&before)
	for i := range kept {
		c, err := newClient()
		if err != nil {
			return 0, err
		}
		kept[i] = c
	}
	gc()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(kept)
	return (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n), nil
}

// gc collects until the garbage of earlier measurements is gone: objects
// with finalizers or cleanups are freed only by the cycle after the one
// that found them unreachable.
func gc() {
	for range 3 {
		runtime.GC()
	}
}

// BenchmarkClientHeap reports the heap bytes one client holds
// (heap-B/client); the time per op is that of making heapClients clients
// and two GCs, not of interest.
func BenchmarkClientHeap(b *testing.B) {
	for _, c := range newHeapClients {
		b.Run(c.name, func(b *testing.B) {
			var per float64
			for b.Loop() {
				v, err := heapPerClient(heapClients, c.new)
				if err != nil {
					b.Fatal(err)
				}
				per = v
			}
			b.ReportMetric(per, "heap-B/client")
		})
	}
}

// TestClientHeapBudget logs the heap of one client of each SDK and the
// ratio ours/go-auth0 v1, and fails when the ratio is over the budget
// (1.0).
func TestClientHeapBudget(t *testing.T) {
	heap := map[string]float64{}
	for _, c := range newHeapClients {
		v, err := heapPerClient(heapClients, c.new)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		heap[c.name] = v
		t.Logf("%-10s %6.0f B/client", c.name, v)
	}
	if heap["goauth0v1"] <= 0 {
		t.Fatalf("go-auth0 v1 client measured at %.0f B: the measurement is broken", heap["goauth0v1"])
	}
	r := heap["ours"] / heap["goauth0v1"]
	t.Logf("ours/goauth0v1 %.2fx (budget <= 1.00x), ours/goauth0v2 %.2fx", r, heap["ours"]/heap["goauth0v2"])
	if r > 1 {
		t.Errorf("one client holds %.2fx the heap of go-auth0 v1's (budget <= 1.00x)", r)
	}
}

// settle waits until the clients of an earlier measurement are gone, with
// their connections: a client's cleanup closes its idle connections after
// the collection that finds it unreachable, and their buffers go with the
// next ones. It collects, pauses, and stops once the live heap no longer
// shrinks.
func settle() {
	var m runtime.MemStats
	last := ^uint64(0)
	for range 100 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		runtime.ReadMemStats(&m)
		if m.HeapAlloc >= last {
			return
		}
		last = m.HeapAlloc
	}
}
