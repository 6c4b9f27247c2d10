package retry_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/idsdk/idsdk-go/retry"
)

// A server that is unavailable twice, then answers: the policy's transport
// repeats the GET and the caller sees only the final answer.
func ExamplePolicy_Transport() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()

	p := retry.Default()
	p.MinWait, p.MaxWait = time.Millisecond, 10*time.Millisecond
	hc := &http.Client{Transport: p.Transport(http.DefaultTransport)}

	resp, err := hc.Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", calls.Load(), "attempts")
	// Output: 200 after 3 attempts
}

// A POST is not repeated after a 500: the server may have processed it.
func ExamplePolicy_Transport_post() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()

	hc := &http.Client{Transport: retry.Default().Transport(http.DefaultTransport)}
	resp, err := hc.Post(srv.URL, "application/json", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "after", calls.Load(), "attempt")
	// Output: 500 after 1 attempt
}
