package peers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// ContractJSON decodes a JSON value the generated contract tests built
// from the document into v.
func ContractJSON(tb testing.TB, src string, v any) {
	tb.Helper()
	if err := json.Unmarshal([]byte(src), v); err != nil {
		tb.Fatalf("argument %s does not fit %T: %v", src, v, err)
	}
}

// ContractCheck judges one contract call: with a documented 2xx answer the
// call must succeed (and hold a value when gotValue says so); without one,
// the API's typed error is the expected outcome.
func ContractCheck(tb testing.TB, err error, gotValue, hasSuccess bool) {
	tb.Helper()
	if !hasSuccess {
		var ae *sdkerrors.APIError
		if !errors.As(err, &ae) {
			tb.Errorf("want the API's typed error (no 2xx answer is documented), got %v", err)
		}
		return
	}
	if err != nil {
		tb.Errorf("call failed: %v", err)
		return
	}
	if !gotValue {
		tb.Errorf("the document promises a body, the result is nil")
	}
}

// ContractFetch loads a URL built by a URL builder through rec, so that
// Prism validates it, with a bearer token when the operation takes one.
func ContractFetch(tb testing.TB, rec *ViolationRecorder, u string, err error, bearer string) {
	tb.Helper()
	if err != nil {
		tb.Errorf("building the URL: %v", err)
		return
	}
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		tb.Errorf("GET %s: %v", u, err)
		return
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := (&http.Client{Transport: rec, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		tb.Errorf("GET %s: %v", u, err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	// Prism cannot mock a stream of events (text/event-stream): that is
	// its limit, not a fault of the URL.
	if resp.StatusCode >= 500 && !strings.Contains(string(body), "NO_COMPLEX_OBJECT_TEXT") {
		tb.Errorf("GET %s: %s", u, resp.Status)
	}
}
