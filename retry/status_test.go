package retry

import (
	"net/http"
	"strings"
	"testing"
)

func TestServerErrorStormGivesBackLastResponse(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504, 408} {
		t.Run(itoa(code), func(t *testing.T) {
			t.Parallel()
			srv := statusServer(t, code)
			p := fast()
			resp, err := client(t, p).Get(srv.URL + "/x")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != code {
				t.Errorf("status = %d, want %d", resp.StatusCode, code)
			}
			if got, want := readBody(t, resp), "answer 4"; got != want {
				t.Errorf("body = %q, want %q", got, want)
			}
			if got, want := srv.count(), p.MaxRetries+1; got != want {
				t.Errorf("requests = %d, want %d", got, want)
			}
		})
	}
}

func TestSuccessAfterTwoFailures(t *testing.T) {
	srv := statusServer(t, 503, 500, 200)
	resp, err := client(t, fast()).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("status = %d, want 200", resp.StatusCode)
	}
	if got := readBody(t, resp); got != "answer 3" {
		t.Errorf("body = %q", got)
	}
	if got := srv.count(); got != 3 {
		t.Errorf("requests = %d, want 3", got)
	}
}

func TestStatusesNeverRetried(t *testing.T) {
	for _, code := range []int{501, 400, 401, 403, 404, 409, 422, 200, 201, 204, 304} {
		t.Run(itoa(code), func(t *testing.T) {
			t.Parallel()
			srv := statusServer(t, code, 200)
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				before := srv.count()
				req, _ := http.NewRequest(method, srv.URL, strings.NewReader("x"))
				req.Header.Set(IdempotencyKeyHeader, "k")
				resp, err := client(t, fast()).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != code {
					t.Errorf("%s: status = %d, want %d", method, resp.StatusCode, code)
				}
				if got := srv.count() - before; got != 1 {
					t.Errorf("%s: requests = %d, want 1", method, got)
				}
				srv.n.Store(0)
			}
		})
	}
}

func TestExtraRetryStatuses(t *testing.T) {
	p := fast()
	p.RetryStatuses = []int{522, 501, 409, 302}
	srv := statusServer(t, 522, 200)
	resp, err := client(t, p).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || srv.count() != 2 {
		t.Errorf("522: status %d after %d requests, want 200 after 2", resp.StatusCode, srv.count())
	}
	// 501, 4xx and 3xx are never retried, even when listed.
	for _, code := range []int{501, 409, 302} {
		srv := statusServer(t, code, 200)
		c := client(t, p)
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != code || srv.count() != 1 {
			t.Errorf("%d: status %d after %d requests, want %d after 1", code, resp.StatusCode, srv.count(), code)
		}
	}
}

func TestOffSendsOnce(t *testing.T) {
	srv := statusServer(t, 503, 200)
	resp, err := client(t, Off()).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 {
		t.Errorf("status = %d, want 503", resp.StatusCode)
	}
	if got := readBody(t, resp); got != "answer 1" {
		t.Errorf("body = %q", got)
	}
	if got := srv.count(); got != 1 {
		t.Errorf("requests = %d, want 1", got)
	}
}

func TestRedirectIsNotFollowedByTransport(t *testing.T) {
	var target int
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/target" {
			target++
			w.Write([]byte("arrived"))
			return
		}
		http.Redirect(w, r, "/target", http.StatusFound)
	})
	tr := fast().Transport(nil)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/start", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || target != 0 {
		t.Errorf("RoundTrip: status %d, target hit %d times; want 302 and 0", resp.StatusCode, target)
	}
	if resp.Request != req {
		t.Errorf("resp.Request is not the caller's request")
	}

	// The outer client decides: by default it follows, once.
	resp, err = client(t, fast()).Get(srv.URL + "/start")
	if err != nil {
		t.Fatal(err)
	}
	if got := readBody(t, resp); got != "arrived" || target != 1 {
		t.Errorf("outer client: body %q, target hit %d times; want arrived and 1", got, target)
	}
}
