package tasks_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sync"
	"testing"
)

// exchange is one request the loopback server expects and its answer.
type exchange struct {
	method string
	path   string     // as decoded (url.URL.Path)
	query  url.Values // members that must be present with exactly these values
	body   string     // the JSON body expected, compared as JSON; "" for no body
	status int        // 0 for 200
	reply  string     // the JSON answered; "" for no body
}

// loopback answers the exchanges it was given, in order, failing the test
// on any request that differs from the next one expected (and answering it
// with 400, so the task fails too) and on any exchange left unused.
type loopback struct {
	t     *testing.T
	token string
	mu    sync.Mutex
	want  []exchange
	next  int
}

// serve starts a loopback server that expects the bearer token and the
// exchanges, and checks at the end of the test that all of them came.
func serve(t *testing.T, token string, want ...exchange) *httptest.Server {
	t.Helper()
	l := &loopback{t: t, token: token, want: want}
	srv := httptest.NewServer(l)
	t.Cleanup(func() {
		srv.Close()
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, e := range l.want[l.next:] {
			t.Errorf("expected %s %s, not received", e.method, e.path)
		}
	})
	return srv
}

func (l *loopback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		l.t.Errorf("%s %s: reading the body: %v", r.Method, r.URL, err)
	}
	if l.next >= len(l.want) {
		l.reject(w, fmt.Sprintf("unexpected request %s %s", r.Method, r.URL))
		return
	}
	e := l.want[l.next]
	l.next++
	if problem := e.check(r, body, l.token); problem != "" {
		l.reject(w, fmt.Sprintf("%s %s: %s", r.Method, r.URL, problem))
		return
	}
	if e.reply != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(cmp.Or(e.status, http.StatusOK))
	_, _ = io.WriteString(w, e.reply)
}

// reject fails the test with problem and answers 400.
func (l *loopback) reject(w http.ResponseWriter, problem string) {
	l.t.Error(problem)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, `{"error":"unexpected request"}`)
}

// check returns what is wrong with the request r (body already read), or "".
func (e exchange) check(r *http.Request, body []byte, token string) string {
	if got := r.Header.Get("Authorization"); got != "Bearer "+token {
		return fmt.Sprintf("Authorization %q, want the bearer token", got)
	}
	if r.Method != e.method || r.URL.Path != e.path {
		return fmt.Sprintf("want %s %s", e.method, e.path)
	}
	q := r.URL.Query()
	for k, v := range e.query {
		if !reflect.DeepEqual(q[k], v) {
			return fmt.Sprintf("query %s=%q, want %q", k, q[k], v)
		}
	}
	if e.body == "" {
		if len(body) > 0 {
			return fmt.Sprintf("body %s, want none", body)
		}
		return ""
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		return fmt.Sprintf("Content-Type %q, want application/json", ct)
	}
	var got, want any
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Sprintf("body %s: %v", body, err)
	}
	if err := json.Unmarshal([]byte(e.body), &want); err != nil {
		return fmt.Sprintf("the test's body %s: %v", e.body, err)
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("body %s, want %s", body, e.body)
	}
	return ""
}
