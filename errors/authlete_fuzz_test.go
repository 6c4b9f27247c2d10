package errors_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// FuzzDecodeAuthlete feeds DecodeAuthlete arbitrary statuses, content types
// and bodies: it must never panic, always return the *APIError, keep the
// body within the cap, print one line without the request's query, and
// set an *AuthleteResult only on a documented status.
func FuzzDecodeAuthlete(f *testing.F) {
	seeds := []struct {
		status      int
		contentType string
		body        string
	}{
		{400, "application/json", `{"resultCode":"A001201","resultMessage":"[A001201] /auth/authorization, TLS must be used."}`},
		{401, "application/json;charset=UTF-8", `{"resultCode":"A001202","resultMessage":"[A001202] Authorization header is missing."}`},
		{403, "application/json", `{"resultCode":"A001215","resultMessage":"[A001215] The client (ID = 26837717140341) is locked."}`},
		{404, "application/json", `{"resultCode":404,"resultMessage":""}`},
		{500, "application/json", `{"resultCode":"A001101","resultMessage":"[A001101] Authlete Server error."}`},
		{500, "application/json", `{"resultCode":null,"resultMessage":{"nested":true}}`},
		{400, "application/json", `{"resultCode":"A","resultCode":"B","RESULTMESSAGE":"case"}`},
		{404, "application/problem+json", `{"resultMessage":"x?code=SECRET"}`},
		{502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
		{500, "", ""},
		{500, "application/json", `{"resultCode":"unterminated`},
		{409, "application/json", `{"resultCode":"A0","resultMessage":"undocumented status"}`},
		{400, "text/plain", `{"resultCode":"A0","resultMessage":"wrong type"}`},
		{401, "application/json", "\ufeff{\"resultMessage\":\"\\u0000\\u202e\\n\"}"},
		{403, "application/json", `[{"resultCode":"A0"}]`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.contentType, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		if status < 100 || status > 999 {
			status = 100 + (status%900+900)%900
		}
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {contentType}, "Retry-After": {contentType}},
			Body:       readCloser{bytes.NewReader(body)},
			Request:    &http.Request{Method: "POST", URL: mustURL("https://us.authlete.com/api/1/auth/token?access_token=SECRET")},
		}
		e := sdkerrors.NewAPIError("authlete", "AuthTokenApi", resp)
		err := sdkerrors.DecodeAuthlete(e)
		if err != e {
			t.Fatalf("DecodeAuthlete returned %v, not its *APIError", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Itoa(status)) || strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("Error() = %q", msg)
		}
		if strings.Contains(msg, "access_token=SECRET") {
			t.Fatalf("Error() leaks the query: %q", msg)
		}
		if len(e.Body) > sdkerrors.MaxBodyBytes {
			t.Fatalf("Body is %d bytes", len(e.Body))
		}
		var res *sdkerrors.AuthleteResult
		if errors.As(err, &res) {
			switch status {
			case 400, 401, 403, 404, 500:
			default:
				t.Fatalf("an *AuthleteResult for status %d", status)
			}
			if res.StatusCode != status || e.Code != res.ResultCode || e.Message != res.ResultMessage {
				t.Fatalf("result %#v does not match the error %#v", res, e)
			}
			for _, s := range sdkerrors.Sentinels(status) {
				if !errors.Is(res, s) || !errors.Is(err, s) {
					t.Fatalf("status %d: %v not matched", status, s)
				}
			}
			if r := res.Error(); strings.ContainsAny(r, "\r\n") {
				t.Fatalf("AuthleteResult.Error() = %q", r)
			}
		}
		_ = fmt.Sprintf("%#v %+v %#v", err, err, res)
	})
}
