package errors_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// response builds a response to a GET of rawURL with the given status,
// headers (name, value pairs) and body.
func response(t testing.TB, status int, rawURL, body string, kv ...string) *http.Response {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	resp := &http.Response{
		StatusCode: status,
		Status:     http.StatusText(status),
		Header:     h,
		Body:       io.NopCloser(strings.NewReader(body)),
	}
	if rawURL != "" {
		u, err := url.Parse(rawURL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Request = &http.Request{Method: http.MethodGet, URL: u}
	}
	return resp
}

const profileURL = "https://id.nexaas.com/api/v1/profile"

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
