package observe_test

// The retry layer's reports, as an observer receives them: tied to the
// call WithCall put in the context, and saying why a failed attempt is
// not repeated (the GiveUp values).

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/observe"
	"github.com/idsdk/idsdk-go/retry"
)

// attempts records the Attempt reports; observe.Nop supplies the rest.
type attempts struct {
	observe.Nop
	mu   sync.Mutex
	list []observe.Attempt
}

func (a *attempts) Attempt(_ context.Context, at *observe.Attempt) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.list = append(a.list, *at)
}

// send makes one request through a retry policy (no real waits) to a
// server answering status with header, and returns the reports.
func send(t *testing.T, ctx context.Context, method string, status int, header http.Header) []observe.Attempt {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	rec := &attempts{}
	p := retry.Default()
	p.MaxRetries, p.MinWait, p.MaxWait, p.Observer = 2, time.Millisecond, time.Millisecond, rec
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+"/x?k=v", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: p.Transport(nil)}).Do(req)
	if err == nil {
		resp.Body.Close()
	}
	return rec.list
}

func TestRetryReportsGiveUpReasons(t *testing.T) {
	bg := context.Background()
	short, cancel := context.WithTimeout(bg, 2*time.Second)
	defer cancel()
	for _, tt := range []struct {
		name     string
		ctx      context.Context
		method   string
		status   int
		header   http.Header
		attempts int
		reason   string
	}{
		{"no retries left", bg, "GET", 503, nil, 3, observe.GiveUpNoRetriesLeft},
		{"not repeatable", bg, "POST", 500, nil, 1, observe.GiveUpNotRepeatable},
		{"server wait too long", bg, "GET", 429, http.Header{"Retry-After": {"3600"}}, 1, observe.GiveUpRetryAfter},
		{"deadline", short, "GET", 503, http.Header{"Retry-After": {"10"}}, 1, observe.GiveUpDeadline},
		{"not a failure", bg, "GET", 404, nil, 1, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list := send(t, tt.ctx, tt.method, tt.status, tt.header)
			if len(list) != tt.attempts {
				t.Fatalf("%d attempts reported, want %d: %+v", len(list), tt.attempts, list)
			}
			last := list[len(list)-1]
			if last.Retry || last.Reason != tt.reason || last.N != tt.attempts {
				t.Fatalf("last attempt %+v, want reason %q", last, tt.reason)
			}
			for _, a := range list[:len(list)-1] {
				if !a.Retry || a.Reason != "status 503" {
					t.Errorf("earlier attempt %+v", a)
				}
			}
			if tt.reason == observe.GiveUpRetryAfter && last.Wait != time.Hour {
				t.Errorf("wait %v, want the server's hour", last.Wait)
			}
		})
	}
}

// TestWithCallTiesAttemptsToTheCall: every attempt made under a context
// from WithCall names that call and updates its count and status; without
// it an attempt names no call.
func TestWithCallTiesAttemptsToTheCall(t *testing.T) {
	c := &observe.Call{API: "test", Operation: "Get"}
	ctx := observe.WithCall(context.Background(), c)
	if observe.CallFrom(ctx) != c || observe.CallFrom(context.Background()) != nil {
		t.Fatal("CallFrom does not return the call WithCall stored")
	}
	list := send(t, ctx, "GET", 503, nil)
	for _, a := range list {
		if a.Call != c {
			t.Fatalf("attempt %d names call %p, want %p", a.N, a.Call, c)
		}
	}
	if c.Attempts != 3 || c.Status != 503 {
		t.Fatalf("call after the attempts: %+v", c)
	}
	for _, a := range send(t, context.Background(), "GET", 503, nil) {
		if a.Call != nil {
			t.Fatalf("attempt without WithCall names %+v", a.Call)
		}
	}
}

// TestNopCallHooks: Nop's StartCall hands back the context it was given.
func TestNopCallHooks(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, 1)
	var n observe.Nop
	if got := n.StartCall(ctx, &observe.Call{}); got != ctx {
		t.Fatal("Nop.StartCall changed the context")
	}
}
