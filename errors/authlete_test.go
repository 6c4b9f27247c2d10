package errors_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

const authleteURL = "https://us.authlete.com/api/715948317/auth/authorization"

// decodeAuthlete runs DecodeAuthlete over a response and checks that it
// hands back the *APIError it was given.
func decodeAuthlete(t *testing.T, status int, body string, kv ...string) *sdkerrors.APIError {
	t.Helper()
	e := sdkerrors.NewAPIError("authlete", "AuthAuthorizationApi", response(t, status, authleteURL, body, kv...))
	if err := sdkerrors.DecodeAuthlete(e); err != e {
		t.Fatalf("DecodeAuthlete returned %v, want the *APIError it was given", err)
	}
	return e
}

func TestDecodeAuthleteDocumentedStatuses(t *testing.T) {
	cases := []struct {
		status   int
		code     string
		message  string
		sentinel error
	}{
		{400, "A001201", "[A001201] /auth/authorization, TLS must be used.", sdkerrors.ErrBadRequest},
		{401, "A001202", "[A001202] /auth/authorization, Authorization header is missing.", sdkerrors.ErrUnauthorized},
		{403, "A001215", "[A001215] /auth/authorization, The client (ID = 26837717140341) is locked.", sdkerrors.ErrForbidden},
		{404, "A002101", "[A002101] The service does not exist.", sdkerrors.ErrNotFound},
		{500, "A001101", "[A001101] /auth/authorization, Authlete Server error.", sdkerrors.ErrServer},
	}
	for _, tt := range cases {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			body := fmt.Sprintf(`{"resultCode":%q,"resultMessage":%q}`, tt.code, tt.message)
			e := decodeAuthlete(t, tt.status, body, "Content-Type", "application/json;charset=UTF-8")
			if e.Code != tt.code || e.Message != tt.message {
				t.Errorf("Code, Message = %q, %q; want %q, %q", e.Code, e.Message, tt.code, tt.message)
			}
			want := &sdkerrors.AuthleteResult{StatusCode: tt.status, ResultCode: tt.code, ResultMessage: tt.message}
			if diff := cmp.Diff(want, e.Detail); diff != "" {
				t.Errorf("Detail (-want +got):\n%s", diff)
			}
			var err error = e
			var res *sdkerrors.AuthleteResult
			if !errors.As(err, &res) || res != e.Detail {
				t.Fatalf("errors.As(*AuthleteResult) = %v, %v", res, err)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("the *APIError does not match %v", tt.sentinel)
			}
			if !errors.Is(res, tt.sentinel) {
				t.Errorf("the *AuthleteResult does not match %v", tt.sentinel)
			}
			if errors.Is(err, sdkerrors.ErrConflict) || errors.Is(res, sdkerrors.ErrRateLimited) {
				t.Error("matches a sentinel of another status")
			}
			msg := err.Error()
			for _, part := range []string{"authlete", fmt.Sprint(tt.status), tt.code, tt.message} {
				if !strings.Contains(msg, part) {
					t.Errorf("Error() = %q lacks %q", msg, part)
				}
			}
			rmsg := res.Error()
			if !strings.Contains(rmsg, tt.code) || !strings.Contains(rmsg, fmt.Sprint(tt.status)) {
				t.Errorf("AuthleteResult.Error() = %q", rmsg)
			}
		})
	}
}

func TestDecodeAuthleteOtherAnswers(t *testing.T) {
	big := `{"resultCode":"A001101","resultMessage":"` + strings.Repeat("x", sdkerrors.MaxBodyBytes) + `"}`
	cases := []struct {
		name     string
		status   int
		body     string
		kv       []string
		sentinel error
		describe string // what Error() must say about the body
		code     string
	}{
		{name: "html 502", status: 502,
			body:     "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>",
			kv:       []string{"Content-Type", "text/html"},
			sentinel: sdkerrors.ErrServer, describe: `text/html body, 91 bytes, title "502 Bad Gateway"`},
		{name: "empty 500", status: 500, kv: []string{"Content-Type", "application/json"},
			sentinel: sdkerrors.ErrServer, describe: "empty application/json body"},
		{name: "empty 500 untyped", status: 500,
			sentinel: sdkerrors.ErrServer, describe: "empty body"},
		{name: "body over the cap", status: 500, body: big, kv: []string{"Content-Type", "application/json"},
			sentinel: sdkerrors.ErrServer, describe: fmt.Sprintf("application/json body, more than %d bytes", sdkerrors.MaxBodyBytes)},
		{name: "result body as text/plain", status: 400, body: `{"resultCode":"A001201","resultMessage":"m"}`,
			kv: []string{"Content-Type", "text/plain"}, sentinel: sdkerrors.ErrBadRequest},
		{name: "undocumented status", status: 409, body: `{"resultCode":"A000001","resultMessage":"taken"}`,
			kv: []string{"Content-Type", "application/json"}, sentinel: sdkerrors.ErrConflict, code: "A000001"},
		{name: "json without a result", status: 404, body: `{"message":"no route"}`,
			kv: []string{"Content-Type", "application/json"}, sentinel: sdkerrors.ErrNotFound},
		{name: "bad json", status: 400, body: `{"resultCode":"A0`,
			kv: []string{"Content-Type", "application/json"}, sentinel: sdkerrors.ErrBadRequest, describe: "application/json body, 17 bytes"},
		{name: "503 with Retry-After", status: 503, body: "busy",
			kv: []string{"Content-Type", "text/plain", "Retry-After", "3"}, sentinel: sdkerrors.ErrRateLimited},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeAuthlete(t, tt.status, tt.body, tt.kv...)
			var res *sdkerrors.AuthleteResult
			if errors.As(e, &res) {
				t.Fatalf("got an *AuthleteResult %#v for a %s", res, tt.name)
			}
			if e.Detail != nil {
				t.Errorf("Detail = %#v, want nil", e.Detail)
			}
			if !errors.Is(e, tt.sentinel) {
				t.Errorf("does not match %v", tt.sentinel)
			}
			if tt.code != "" && e.Code != tt.code {
				t.Errorf("Code = %q, want %q (the generic decoder's)", e.Code, tt.code)
			}
			if tt.describe != "" && !strings.Contains(e.Error(), tt.describe) {
				t.Errorf("Error() = %q, want it to say %q", e.Error(), tt.describe)
			}
			if len(e.Body) > sdkerrors.MaxBodyBytes {
				t.Errorf("Body is %d bytes", len(e.Body))
			}
			if tt.body != "" && len(e.Body) == 0 {
				t.Error("the body was not kept")
			}
		})
	}
}

func TestDecodeAuthleteLenientCode(t *testing.T) {
	// The upstream document once gave resultCode as a number.
	e := decodeAuthlete(t, 404, `{"resultCode":404,"resultMessage":""}`, "Content-Type", "application/json")
	want := &sdkerrors.AuthleteResult{StatusCode: 404, ResultCode: "404"}
	if diff := cmp.Diff(want, e.Detail); diff != "" {
		t.Errorf("Detail (-want +got):\n%s", diff)
	}
	// A problem+json style type is JSON too.
	e = decodeAuthlete(t, 403, `{"resultMessage":"denied"}`, "Content-Type", "application/vnd.authlete+json")
	want = &sdkerrors.AuthleteResult{StatusCode: 403, ResultMessage: "denied"}
	if diff := cmp.Diff(want, e.Detail); diff != "" {
		t.Errorf("Detail (-want +got):\n%s", diff)
	}
}

func TestAuthleteResultFormatting(t *testing.T) {
	secret := "https://rp.example/cb?code=SECRET123&state=x"
	e := decodeAuthlete(t, http.StatusBadRequest,
		`{"resultCode":"A\u0000123","resultMessage":"bad\nredirect `+secret+` client_secret=SECRET456"}`,
		"Content-Type", "application/json", "Set-Cookie", "session=SECRET789")
	var res *sdkerrors.AuthleteResult
	if !errors.As(e, &res) {
		t.Fatal("no *AuthleteResult")
	}
	for _, s := range []string{
		e.Error(), res.Error(),
		fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e),
		fmt.Sprintf("%v", res), fmt.Sprintf("%+v", res), fmt.Sprintf("%#v", res),
	} {
		for _, leak := range []string{"SECRET123", "SECRET456", "SECRET789", "\n", "\x00"} {
			if strings.Contains(s, leak) {
				t.Errorf("%q leaks %q", s, leak)
			}
		}
	}
	if got := fmt.Sprintf("%#v", (*sdkerrors.AuthleteResult)(nil)); got != "(*errors.AuthleteResult)(nil)" {
		t.Errorf("%%#v of nil = %q", got)
	}
	if err := sdkerrors.DecodeAuthlete(nil); err == nil {
		t.Error("DecodeAuthlete(nil) = nil")
	}
}

func TestDecodeAuthleteThroughDecode(t *testing.T) {
	resp := response(t, 401, authleteURL, `{"resultCode":"A001202","resultMessage":"[A001202] Authorization header is missing."}`,
		"Content-Type", "application/json")
	err := sdkerrors.Decode(sdkerrors.DecodeAuthlete, "authlete", "AuthAuthorizationApi", resp)
	var ae *sdkerrors.APIError
	var res *sdkerrors.AuthleteResult
	if !errors.As(err, &ae) || !errors.As(err, &res) || !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Fatalf("Decode = %v", err)
	}
	if ae.API != "authlete" || ae.Operation != "AuthAuthorizationApi" || res.ResultCode != "A001202" {
		t.Errorf("got %#v / %#v", ae, res)
	}
}
