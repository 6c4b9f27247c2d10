package errors_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// FuzzDecodeAuth0 feeds arbitrary bodies and rate-limit headers to
// DecodeAuth0: it must never panic, always give an *Auth0Error with the
// HTTP status, and print one line that names the status and leaks no
// query string.
func FuzzDecodeAuth0(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`,
		`{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`,
		`{"statusCode":"x","error":{"nested":true},"message":["a"],"errorCode":null}`,
		`{"message":"see https://a.example/?token=SECRET"}`,
		`{"error":"x"}`, `[]`, `null`, `"x"`, `<html><title>522</title></html>`, "", "\xff\xfe",
	} {
		f.Add(404, "1700000000", []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, reset string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		resp := &http.Response{
			StatusCode: status,
			Header: http.Header{
				"Content-Type":          {"application/json"},
				"X-Ratelimit-Limit":     {reset},
				"X-Ratelimit-Remaining": {reset},
				"X-Ratelimit-Reset":     {reset},
				"Retry-After":           {reset},
			},
			Body:    readCloser{bytes.NewReader(body)},
			Request: &http.Request{Method: "GET", URL: mustURL("https://t.auth0.com/api/v2/users?q=SECRET")},
		}
		e := sdkerrors.NewAPIError("auth0mgmt", "get_users", resp)
		err := sdkerrors.DecodeAuth0(e)
		if err == nil {
			t.Fatal("nil error")
		}
		var ae *sdkerrors.Auth0Error
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Fatalf("detail = %#v", ae)
		}
		for _, msg := range []string{err.Error(), ae.Error(), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", ae)} {
			if strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "q=SECRET") {
				t.Fatalf("unsafe output %q", msg)
			}
		}
		if !strings.Contains(err.Error(), fmt.Sprint(status)) {
			t.Fatalf("Error() = %q lacks the status", err.Error())
		}
		if status == 429 && (e.RateLimit == nil || !errors.Is(err, sdkerrors.ErrRateLimited)) {
			t.Fatal("429 without RateLimit")
		}
	})
}
