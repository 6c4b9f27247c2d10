package errors_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

func FuzzDecoders(f *testing.F) {
	seeds := []struct {
		status      int
		contentType string
		body        string
	}{
		{401, "application/json", `{"error":"invalid_token","error_description":"The access token is invalid"}`},
		{400, "application/json; charset=utf-8", `{"error":"invalid_grant","error_description":"expired","error_uri":"https://x/y?z=1"}`},
		{404, "application/json", `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`},
		{422, "application/json", `{"errors":{"email":["has already been taken"],"base":["frozen"]}}`},
		{400, "application/json", `{"errors":[{"field":"a","message":"b","code":1},"c",null,7]}`},
		{500, "application/json", `{"error":{"message":"nested","code":"n","error":{"error":{}}}}`},
		{400, "application/json", `{"resultCode":"A001201","resultMessage":"[A001201] TLS must be used."}`},
		{403, "application/problem+json", `{"type":"about:blank","title":"Forbidden","detail":"no"}`},
		{502, "text/html", "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
		{503, "text/plain", "upstream connect error or disconnect/reset before headers"},
		{500, "", ""},
		{500, "application/json", `{"message":"unterminated`},
		{429, "application/json", `[]`},
		{418, "application/json", "\ufeff{\"message\":\"\\u0000\\u202e\"}"},
		{599, "text/html", "<title>" + strings.Repeat("&amp;", 100) + "</TITLE"},
		{200, "weird/;;;", "\xff\xfe<title>\x00</title>"},
	}
	for _, s := range seeds {
		f.Add(s.status, s.contentType, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		for _, d := range decoders {
			resp := &http.Response{
				StatusCode: status,
				Header: http.Header{
					"Content-Type":     {contentType},
					"Www-Authenticate": {string(body)},
					"Retry-After":      {contentType},
					"X-Request-Id":     {contentType},
				},
				Body:    readCloser{bytes.NewReader(body)},
				Request: &http.Request{Method: "GET", URL: mustURL("https://h.example/p?access_token=SECRET")},
			}
			e := sdkerrors.NewAPIError("api", "Op", resp)
			err := d.fn(e)
			if err == nil {
				t.Fatalf("%s returned nil", d.name)
			}
			msg := err.Error()
			if msg == "" || !strings.Contains(msg, strconv.Itoa(status)) {
				t.Fatalf("%s: Error() = %q lacks status %d", d.name, msg, status)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("%s: Error() spans lines: %q", d.name, msg)
			}
			if strings.Contains(msg, "access_token=SECRET") {
				t.Fatalf("%s: Error() leaks the query: %q", d.name, msg)
			}
			if len(e.Body) > sdkerrors.MaxBodyBytes {
				t.Fatalf("Body is %d bytes", len(e.Body))
			}
			_ = fmt.Sprintf("%#v %+v", err, err)
			for _, u := range e.Unwrap() {
				_ = u.Error()
			}
		}
	})
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func FuzzParseRateLimit(f *testing.F) {
	seeds := [][2]string{
		{"120", ""},
		{"0", "1748779260"},
		{"Sun, 01 Jun 2025 12:01:00 GMT", "30"},
		{"Sunday, 01-Jun-25 12:01:00 GMT", "0.25"},
		{"Sun Jun  1 12:01:00 2025", "1e300"},
		{"-1", "-1"},
		{"99999999999999999999999", "NaN"},
		{"soon", "tomorrow"},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, retryAfter, reset string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("X-RateLimit-Reset", reset)
		h.Set("X-RateLimit-Limit", retryAfter)
		h.Set("X-RateLimit-Remaining", reset)
		if d, ok := sdkerrors.ParseRetryAfter(h, now); d < 0 || !ok && d != 0 {
			t.Fatalf("ParseRetryAfter = %v, %t", d, ok)
		}
		if d, ok := sdkerrors.ParseRateLimitReset(h, now); d < 0 || !ok && d != 0 {
			t.Fatalf("ParseRateLimitReset = %v, %t", d, ok)
		}
		rl := sdkerrors.ParseRateLimit(h, now)
		if rl != nil {
			if rl.RetryAfter < 0 || rl.Limit < 0 || rl.Remaining < 0 {
				t.Fatalf("negative field: %+v", rl)
			}
			if !rl.Reset.IsZero() && rl.Reset.Before(now) {
				t.Fatalf("Reset %v before now", rl.Reset)
			}
			if rl.Error() == "" {
				t.Fatal("empty Error()")
			}
		}
	})
}
