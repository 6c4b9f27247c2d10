package bench

import (
	"context"
	"testing"

	management "github.com/auth0/go-auth0/management"
	v2client "github.com/auth0/go-auth0/v2/management/client"
	v2option "github.com/auth0/go-auth0/v2/management/option"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/internal/heapsize"
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
// newClient holds (heapsize.PerValue, the median of rounds).
func heapPerClient(n, rounds int, newClient func() (any, error)) (float64, error) {
	v, err := heapsize.PerValue(n, rounds, newClient)
	return float64(v), err
}

// BenchmarkClientHeap reports the heap bytes one client holds
// (heap-B/client); the time per op is that of making heapClients clients
// and two GCs, not of interest.
func BenchmarkClientHeap(b *testing.B) {
	for _, c := range newHeapClients {
		b.Run(c.name, func(b *testing.B) {
			var per float64
			for b.Loop() {
				v, err := heapPerClient(heapClients, 3, c.new)
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
		v, err := heapPerClient(heapClients, 3, c.new)
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
