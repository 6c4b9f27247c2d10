package peers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
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
// Prism validates it.
func ContractFetch(tb testing.TB, rec *ViolationRecorder, u string, err error) {
	tb.Helper()
	if err != nil {
		tb.Errorf("building the URL: %v", err)
		return
	}
	resp, err := (&http.Client{Transport: rec, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Get(u)
	if err != nil {
		tb.Errorf("GET %s: %v", u, err)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode >= 500 {
		tb.Errorf("GET %s: %s", u, resp.Status)
	}
}
