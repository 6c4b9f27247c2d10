package facade_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/facade"
	"github.com/idsdk/idsdk-go/retry"
)

// failOnce answers 500 to the first request of each path, then 200 with
// "{}", and records the Authorization header of every request.
type failOnce struct {
	mu    sync.Mutex
	seen  map[string][]string
	count map[string]int
}

func (f *failOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	f.mu.Lock()
	f.count[r.URL.Path]++
	n := f.count[r.URL.Path]
	f.seen[r.URL.Path] = append(f.seen[r.URL.Path], r.Header.Get("Authorization"))
	f.mu.Unlock()
	if n == 1 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, "{}")
}

func (f *failOnce) get(path string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[path]
}

// TestPerCallFactsReachTheTransports: what one call says about itself
// reaches the token and retry transports the runtime builds: an operation
// marked idempotent is repeated after a 500 (a POST is not otherwise, while
// the policy's own Idempotent function still counts), an operation secured
// by HTTP Basic sends the client id and secret instead of the token, one
// that needs no credentials sends none, and a per-call base URL gets the
// token.
func TestPerCallFactsReachTheTransports(t *testing.T) {
	f := &failOnce{seen: map[string][]string{}, count: map[string]int{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	other := httptest.NewServer(f)
	defer other.Close()
	policy := &retry.Policy{MaxRetries: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond,
		Idempotent: func(r *http.Request) bool { return r.URL.Path == "/search" }}
	rt, err := facade.New(facade.Config{API: "test", BaseURL: srv.URL, Token: auth.Bearer("tok"), Retry: policy,
		BasicID: "app-id", BasicSecret: "s3cret"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(op *facade.Operation, opts ...facade.CallOption) error {
		c, err := rt.Begin(opts)
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(op.Method, c.Server+op.Path[1:], nil)
		if err != nil {
			t.Fatal(err)
		}
		return rt.Do(context.Background(), &c, op, req, nil)
	}
	const bearer, basic = "Bearer tok", "Basic YXBwLWlkOnMzY3JldA=="
	for _, tc := range []struct {
		name    string
		op      *facade.Operation
		opts    []facade.CallOption
		wantErr bool
		want    []string
	}{
		{"idempotent POST is repeated", &facade.Operation{API: "test", ID: "Idem", Method: "POST", Path: "/idem", Idempotent: true}, nil, false, []string{bearer, bearer}},
		{"plain POST is not", &facade.Operation{API: "test", ID: "Plain", Method: "POST", Path: "/plain"}, nil, true, []string{bearer}},
		{"the policy's Idempotent still counts", &facade.Operation{API: "test", ID: "Search", Method: "POST", Path: "/search"}, nil, false, []string{bearer, bearer}},
		{"basic", &facade.Operation{API: "test", ID: "Basic", Method: "GET", Path: "/basic", Security: facade.SecurityBasic}, nil, false, []string{basic, basic}},
		{"none", &facade.Operation{API: "test", ID: "None", Method: "GET", Path: "/none", Security: facade.SecurityNone}, nil, false, []string{"", ""}},
		{"per-call base URL", &facade.Operation{API: "test", ID: "Other", Method: "GET", Path: "/other"}, []facade.CallOption{facade.WithRequestBaseURL(other.URL)}, false, []string{bearer, bearer}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := call(tc.op, tc.opts...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %v", err, tc.wantErr)
			}
			got := f.get(tc.op.Path)
			if len(got) != len(tc.want) {
				t.Fatalf("%d requests (%q), want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("request %d: Authorization %q, want %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
