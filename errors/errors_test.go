package errors_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

var allSentinels = map[string]error{
	"ErrBadRequest":   sdkerrors.ErrBadRequest,
	"ErrUnauthorized": sdkerrors.ErrUnauthorized,
	"ErrForbidden":    sdkerrors.ErrForbidden,
	"ErrNotFound":     sdkerrors.ErrNotFound,
	"ErrConflict":     sdkerrors.ErrConflict,
	"ErrRateLimited":  sdkerrors.ErrRateLimited,
	"ErrServer":       sdkerrors.ErrServer,
	"ErrUnavailable":  sdkerrors.ErrUnavailable,
	"ErrTimeout":      sdkerrors.ErrTimeout,
}

func sentinelNames(errs []error) []string {
	var names []string
	for _, e := range errs {
		for n, s := range allSentinels {
			if s == e {
				names = append(names, n)
			}
		}
	}
	return names
}

func TestSentinels(t *testing.T) {
	tests := []struct {
		status int
		want   []string
	}{
		{400, []string{"ErrBadRequest"}},
		{401, []string{"ErrUnauthorized"}},
		{403, []string{"ErrForbidden"}},
		{404, []string{"ErrNotFound"}},
		{408, []string{"ErrTimeout"}},
		{409, []string{"ErrConflict"}},
		{418, nil},
		{422, []string{"ErrBadRequest"}},
		{429, []string{"ErrRateLimited"}},
		{500, []string{"ErrServer"}},
		{501, []string{"ErrServer"}},
		{502, []string{"ErrServer"}},
		{503, []string{"ErrUnavailable", "ErrServer"}},
		{504, []string{"ErrTimeout", "ErrServer"}},
		{599, []string{"ErrServer"}},
		{200, nil},
		{0, nil},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			got := sentinelNames(sdkerrors.Sentinels(tt.status))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sentinels(%d) (-want +got):\n%s", tt.status, diff)
			}
			// An APIError of that status matches exactly those sentinels.
			e := sdkerrors.NewAPIError("api", "Op", response(t, tt.status, profileURL, ""))
			var matched []string
			for _, n := range []string{"ErrBadRequest", "ErrUnauthorized", "ErrForbidden", "ErrNotFound", "ErrConflict", "ErrRateLimited", "ErrServer", "ErrUnavailable", "ErrTimeout"} {
				if errors.Is(e, allSentinels[n]) {
					matched = append(matched, n)
				}
			}
			if diff := cmp.Diff(sortedCopy(tt.want), matched); diff != "" {
				t.Errorf("errors.Is on a %d APIError (-want +got):\n%s", tt.status, diff)
			}
		})
	}
}

// sortedCopy orders names like the loop in TestSentinels does.
func sortedCopy(names []string) []string {
	order := []string{"ErrBadRequest", "ErrUnauthorized", "ErrForbidden", "ErrNotFound", "ErrConflict", "ErrRateLimited", "ErrServer", "ErrUnavailable", "ErrTimeout"}
	var out []string
	for _, o := range order {
		for _, n := range names {
			if n == o {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestSentinelsFreshSlice(t *testing.T) {
	s := sdkerrors.Sentinels(503)
	s[0] = nil
	if got := sdkerrors.Sentinels(503); got[0] != sdkerrors.ErrUnavailable {
		t.Fatalf("Sentinels shares its slice: %v", got)
	}
}

func TestNewAPIErrorFields(t *testing.T) {
	resp := response(t, 404, "https://user:pw@id.nexaas.com/api/v1/profile?access_token=SECRET#frag",
		`{"error":"not_found","error_description":"the profile does not exist"}`,
		"Content-Type", "application/json; charset=utf-8",
		"Request-Id", "req-2",
		"X-Correlation-Id", "corr-3",
		"Set-Cookie", "session=COOKIESECRET")
	e := sdkerrors.NewAPIError("nexaasid", "GetProfile", resp)
	want := &sdkerrors.APIError{
		API:         "nexaasid",
		Operation:   "GetProfile",
		Method:      "GET",
		URL:         "https://id.nexaas.com/api/v1/profile",
		StatusCode:  404,
		Header:      resp.Header,
		Body:        []byte(`{"error":"not_found","error_description":"the profile does not exist"}`),
		ContentType: "application/json; charset=utf-8",
		RequestID:   "req-2",
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("NewAPIError (-want +got):\n%s", diff)
	}
}

func TestRequestIDOrder(t *testing.T) {
	tests := []struct {
		kv   []string
		want string
	}{
		{[]string{"X-Request-Id", "a", "Request-Id", "b"}, "a"},
		{[]string{"X-Request-Id", "", "Request-Id", "b"}, "b"},
		{[]string{"X-Correlation-Id", "c", "X-Amzn-Requestid", "d"}, "c"},
		{[]string{"X-Amzn-RequestId", "d"}, "d"},
		{nil, ""},
	}
	for i, tt := range tests {
		e := sdkerrors.NewAPIError("a", "b", response(t, 500, "", "", tt.kv...))
		if e.RequestID != tt.want {
			t.Errorf("%d: RequestID = %q, want %q", i, e.RequestID, tt.want)
		}
	}
}

func TestNewAPIErrorDoesNotClose(t *testing.T) {
	body := &closeTracker{Reader: strings.NewReader("x")}
	resp := response(t, 500, profileURL, "")
	resp.Body = body
	sdkerrors.NewAPIError("a", "b", resp)
	if body.closed {
		t.Fatal("NewAPIError closed the body")
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestNewAPIErrorNil(t *testing.T) {
	e := sdkerrors.NewAPIError("a", "b", nil)
	if e.StatusCode != 0 || e.Error() == "" {
		t.Fatalf("nil response: %#v", e)
	}
	resp := response(t, 500, "", "")
	resp.Body = nil
	resp.Header = nil
	if e := sdkerrors.NewAPIError("a", "b", resp); !strings.Contains(e.Error(), "500") {
		t.Fatalf("nil body and header: %q", e.Error())
	}
}

func TestAPIErrorMessages(t *testing.T) {
	html := "<!DOCTYPE html>\n<html><head><TITLE>502 Bad Gateway &amp; friends</TITLE></head><body>" +
		strings.Repeat("<p>nginx</p>", 120) + "</body></html>"
	tests := []struct {
		name   string
		status int
		body   string
		kv     []string
		want   string
	}{
		{
			name: "json", status: 404,
			body: `{"error":"not_found","error_description":"the profile does not exist"}`,
			kv:   []string{"Content-Type", "application/json"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 404 Not Found: not_found: the profile does not exist",
		},
		{
			name: "html with title", status: 502, body: html,
			kv:   []string{"Content-Type", "text/html; charset=utf-8"},
			want: `nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 502 Bad Gateway (text/html body, ` + strconv.Itoa(len(html)) + ` bytes, title "502 Bad Gateway & friends")`,
		},
		{
			name: "html without title", status: 502, body: "<html><body>oops</body></html>",
			kv:   []string{"Content-Type", "text/html"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 502 Bad Gateway (text/html body, 30 bytes)",
		},
		{
			name: "empty", status: 500,
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 500 Internal Server Error (empty body)",
		},
		{
			name: "empty typed", status: 500, kv: []string{"Content-Type", "application/json"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 500 Internal Server Error (empty application/json body)",
		},
		{
			name: "bad json", status: 500, body: `{"error": "oops"`,
			kv:   []string{"Content-Type", "application/json"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 500 Internal Server Error (application/json body, 16 bytes)",
		},
		{
			name: "json without known fields", status: 400, body: `{"foo":1}`,
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 400 Bad Request (untyped body, 9 bytes)",
		},
		{
			name: "plain text", status: 503, body: "upstream connect error\r\nor disconnect",
			kv:   []string{"Content-Type", "text/plain"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 503 Service Unavailable: upstream connect error or disconnect",
		},
		{
			name: "control characters", status: 400,
			body: `{"message":"bad\u0000 input\u001b[31m\u202e here\n\tnow"}`,
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 400 Bad Request: bad input[31m here now",
		},
		{
			name: "request id", status: 500, body: `{"message":"boom"}`,
			kv:   []string{"X-Request-Id", "abc-123"},
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 500 Internal Server Error: boom [request id abc-123]",
		},
		{
			name: "unknown status", status: 599, body: "",
			want: "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 599 (empty body)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sdkerrors.Decode(nil, "nexaasid", "GetProfile", response(t, tt.status, profileURL, tt.body, tt.kv...))
			if got := err.Error(); got != tt.want {
				t.Errorf("Error():\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestMessageIsBounded(t *testing.T) {
	long := strings.Repeat("é", 5000)
	err := sdkerrors.Decode(nil, "a", "b", response(t, 400, profileURL, `{"message":"`+long+`"}`))
	var e *sdkerrors.APIError
	if !errors.As(err, &e) {
		t.Fatal("not an APIError")
	}
	if e.Message != long {
		t.Errorf("Message field was altered")
	}
	got := err.Error()
	if n := strings.Count(got, "é"); n < 150 || n > 200 {
		t.Errorf("message kept %d runes, want about 200: %q", n, got)
	}
	if !strings.HasSuffix(got, "...") || strings.Contains(got, "\n") {
		t.Errorf("cut message: %q", got)
	}
}

func TestTruncatedBody(t *testing.T) {
	body := `{"message":"` + strings.Repeat("x", sdkerrors.MaxBodyBytes) + `"}`
	resp := response(t, 500, profileURL, body, "Content-Type", "application/json")
	err := sdkerrors.Decode(sdkerrors.DecodeNexaas, "nexaasid", "GetProfile", resp)
	var e *sdkerrors.APIError
	if !errors.As(err, &e) {
		t.Fatal("not an APIError")
	}
	if !e.Truncated || len(e.Body) != sdkerrors.MaxBodyBytes {
		t.Fatalf("Truncated=%t len(Body)=%d, want true and %d", e.Truncated, len(e.Body), sdkerrors.MaxBodyBytes)
	}
	want := "nexaasid GetProfile: GET https://id.nexaas.com/api/v1/profile: 500 Internal Server Error (application/json body, more than 65536 bytes)"
	if got := err.Error(); got != want {
		t.Errorf("Error():\n got %q\nwant %q", got, want)
	}
	// Exactly at the cap is not truncated.
	exact := strings.Repeat("y", sdkerrors.MaxBodyBytes)
	e = sdkerrors.NewAPIError("a", "b", response(t, 500, profileURL, exact))
	if e.Truncated || len(e.Body) != sdkerrors.MaxBodyBytes {
		t.Errorf("body at the cap: Truncated=%t len=%d", e.Truncated, len(e.Body))
	}
}

func TestNoSecretsPrinted(t *testing.T) {
	secretURL := "https://alice:PASSWORD@id.nexaas.com/api/v1/profile?access_token=SECRET&x=1"
	bodies := []string{
		`{"error":"invalid_token","error_description":"token SECRET rejected at https://id.nexaas.com/x?access_token=SECRET"}`,
		`{"message":"No route matches [GET] /api/v1/profile?access_token=SECRET"}`,
		`<html><title>Error https://h/?access_token=SECRET</title></html>`,
		``,
	}
	for i, body := range bodies {
		for _, d := range decoders {
			resp := response(t, 401, secretURL, body,
				"Set-Cookie", "session=COOKIE",
				"WWW-Authenticate", `Bearer error="invalid_token"`)
			err := sdkerrors.Decode(d.fn, "nexaasid", "GetProfile", resp)
			var e *sdkerrors.APIError
			if !errors.As(err, &e) {
				t.Fatal("not an APIError")
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%#v", e.Detail), fmt.Sprintf("%s", err)} {
				for _, secret := range []string{"access_token=SECRET", "PASSWORD", "COOKIE", "x=1"} {
					if strings.Contains(s, secret) {
						t.Errorf("body %d, %s: %q leaks %q", i, d.name, s, secret)
					}
				}
			}
		}
	}
}

func TestGoString(t *testing.T) {
	resp := response(t, 404, profileURL+"?access_token=SECRET", `{"message":"gone"}`, "Set-Cookie", "s=1")
	err := sdkerrors.Decode(nil, "nexaasid", "GetProfile", resp)
	want := `&errors.APIError{API:"nexaasid", Operation:"GetProfile", Method:"GET", URL:"https://id.nexaas.com/api/v1/profile", StatusCode:404, ContentType:"", RequestID:"", Code:"", Message:"gone", Header:<1 keys>, Body:<18 bytes>, Truncated:false, Detail:nil, RateLimit:nil}`
	if got := fmt.Sprintf("%#v", err); got != want {
		t.Errorf("%%#v:\n got %s\nwant %s", got, want)
	}
	var nilErr *sdkerrors.APIError
	if got := nilErr.GoString(); got != "(*errors.APIError)(nil)" {
		t.Errorf("nil GoString = %q", got)
	}
}

func TestUnwrap(t *testing.T) {
	resp := response(t, 429, profileURL, `{"error":"slow_down","error_description":"too fast"}`, "Retry-After", "7")
	err := sdkerrors.Decode(sdkerrors.DecodeOAuth, "a", "b", resp)
	var oe *sdkerrors.OAuthError
	if !errors.As(err, &oe) || oe.Code != "slow_down" {
		t.Fatalf("errors.As OAuthError: %v", oe)
	}
	var rl *sdkerrors.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter.Seconds() != 7 || rl.StatusCode != 429 {
		t.Fatalf("errors.As RateLimitError: %+v", rl)
	}
	if !errors.Is(err, sdkerrors.ErrRateLimited) {
		t.Error("not ErrRateLimited")
	}
	var e *sdkerrors.APIError
	errors.As(err, &e)
	if got := len(e.Unwrap()); got != 2 {
		t.Errorf("Unwrap has %d errors, want 2", got)
	}
	// Nothing to unwrap: no nil entries.
	plain := sdkerrors.NewAPIError("a", "b", response(t, 404, profileURL, ""))
	if got := plain.Unwrap(); len(got) != 0 {
		t.Errorf("Unwrap of a plain error = %v", got)
	}
}

func TestRateLimitAttached(t *testing.T) {
	tests := []struct {
		status  int
		kv      []string
		wantSet bool
	}{
		{429, nil, true},
		{429, []string{"Retry-After", "3"}, true},
		{503, nil, false},
		{503, []string{"Retry-After", "garbage"}, false},
		{503, []string{"Retry-After", "3"}, true},
		{500, []string{"Retry-After", "3"}, false},
	}
	for _, tt := range tests {
		e := sdkerrors.NewAPIError("a", "b", response(t, tt.status, "", "", tt.kv...))
		if (e.RateLimit != nil) != tt.wantSet {
			t.Errorf("%d %v: RateLimit = %+v, want set %t", tt.status, tt.kv, e.RateLimit, tt.wantSet)
		}
		if e.RateLimit != nil && e.RateLimit.StatusCode != tt.status {
			t.Errorf("RateLimit.StatusCode = %d", e.RateLimit.StatusCode)
		}
	}
}

func TestDecodeNilDecoderResult(t *testing.T) {
	nilDecoder := func(*sdkerrors.APIError) error { return nil }
	err := sdkerrors.Decode(nilDecoder, "a", "b", response(t, 404, profileURL, ""))
	if !errors.Is(err, sdkerrors.ErrNotFound) {
		t.Fatalf("a decoder returning nil hid the failure: %v", err)
	}
}

func TestDecodersNilAPIError(t *testing.T) {
	for _, d := range decoders {
		if err := d.fn(nil); err == nil {
			t.Errorf("%s(nil) = nil", d.name)
		}
	}
}

func TestBodyReadErrorKeepsPrefix(t *testing.T) {
	resp := response(t, 500, profileURL, "")
	resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader([]byte("partial")), errReader{}))
	e := sdkerrors.NewAPIError("a", "b", resp)
	if string(e.Body) != "partial" {
		t.Fatalf("Body = %q", e.Body)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestInvalidClientPerVendor(t *testing.T) {
	cases := []struct {
		status int
		code   string
		want   bool
	}{
		{401, "invalid_client", true},
		{400, "invalid_client", true},
		{403, "unauthorized_client", true},
		{401, "access_denied", true},
		{403, "access_denied", false},
		{400, "access_denied", false},
		{400, "invalid_grant", false},
		{401, "invalid_token", false},
		{401, "", false},
	}
	for _, c := range cases {
		if got := sdkerrors.InvalidClient(c.status, c.code); got != c.want {
			t.Errorf("InvalidClient(%d, %q) = %v", c.status, c.code, got)
		}
		e := &sdkerrors.APIError{StatusCode: c.status, Detail: &sdkerrors.OAuthError{StatusCode: c.status, Code: c.code}}
		if got := errors.Is(e, sdkerrors.ErrInvalidCredentials); got != c.want {
			t.Errorf("%d %q: errors.Is(ErrInvalidCredentials) = %v", c.status, c.code, got)
		}
		if c.want && !errors.Is(e, sdkerrors.ErrUnauthorized) {
			t.Errorf("%d %q: not ErrUnauthorized", c.status, c.code)
		}
	}
}
