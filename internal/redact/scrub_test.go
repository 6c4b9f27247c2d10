package redact

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestScrubReplacesEverySpelling(t *testing.T) {
	const s = "p+ss/w%rd=1&x"
	in := "raw " + s + " form " + url.QueryEscape(s) + " path " + url.PathEscape(s) + ` json "p+ss/w%rd=1\u0026x"`
	out := Scrub(in, s, "", "ab")
	if strings.Contains(out, "p+ss") || strings.Contains(out, "p%2Bss") || strings.Count(out, Placeholder) != 4 {
		t.Errorf("Scrub = %q", out)
	}
	if Scrub("abcabc", "ab") != "abcabc" {
		t.Error("a secret shorter than MinSecretLen was scrubbed")
	}
}

type chainErr struct {
	Msg    string
	Body   []byte
	Header http.Header
	Err    error
}

func (e *chainErr) Error() string { return e.Msg }
func (e *chainErr) Unwrap() error { return e.Err }

func TestScrubErrorWalksTheChain(t *testing.T) {
	shared := http.Header{"X": {"tok-SECRET-1"}}
	inner := &chainErr{Msg: "inner tok-SECRET-1", Body: []byte("body tok-SECRET-1")}
	outer := &chainErr{Msg: "outer", Header: shared, Err: errors.Join(errors.New("x"), inner)}
	ScrubError(outer, "tok-SECRET-1")
	if inner.Msg != "inner [redacted]" || string(inner.Body) != "body [redacted]" || outer.Header.Get("X") != Placeholder {
		t.Errorf("not scrubbed: %+v %+v", inner, outer.Header)
	}
	if shared.Get("X") != "tok-SECRET-1" {
		t.Error("a header map shared with the caller was written to")
	}
}

func TestScrubResponse(t *testing.T) {
	body := "echo tok-SECRET-2 " + strings.Repeat("y", maxScrubBody) + " tail"
	h := http.Header{"Www-Authenticate": {`Bearer error="invalid_token", token="tok-SECRET-2"`}, "Content-Length": {"9"}}
	resp := &http.Response{StatusCode: 401, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
	ScrubResponse(resp, "tok-SECRET-2")
	b, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(b), "tok-SECRET-2") || !strings.HasSuffix(string(b), " tail") || !strings.HasPrefix(string(b), "echo [redacted] ") {
		t.Errorf("body %.40q...%q", b, b[len(b)-10:])
	}
	if strings.Contains(resp.Header.Get("Www-Authenticate"), "tok-SECRET-2") || resp.ContentLength != -1 {
		t.Errorf("header %v, length %d", resp.Header, resp.ContentLength)
	}
	if !strings.Contains(h.Get("Www-Authenticate"), "tok-SECRET-2") {
		t.Error("the caller's header map was written to")
	}
	ok := &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("tok-SECRET-2"))}
	ScrubResponse(ok, "tok-SECRET-2")
	if b, _ := io.ReadAll(ok.Body); string(b) != "tok-SECRET-2" {
		t.Error("a successful answer was changed")
	}
}

type codedErr struct {
	Grant, Code, Description string
}

func (e *codedErr) Error() string { return e.Code }

func TestScrubErrorLeavesOwnFieldsAndCodes(t *testing.T) {
	e := &codedErr{Grant: "authorization_code", Code: "invalid_grant", Description: "authorization_code invalid_grant"}
	ScrubError(e, "authorization_code", "invalid_grant")
	if e.Grant != "authorization_code" || e.Code != "invalid_grant" || e.Description != "[redacted] [redacted]" {
		t.Errorf("%+v", e)
	}
}

// configErr keeps a configuration behind a pointer, as a driver's
// connection error may.
type configErr struct {
	Config *struct {
		User     string
		Password string
		Hosts    []string
	}
}

func (e *configErr) Error() string { return "failed to connect" }

// TestHoldsSeesTextAndNestedFields: Holds finds a secret in the error's
// text or in an exported field behind a pointer, in any spelling Scrub
// replaces, and not in the errors it wraps or in a shorter secret.
func TestHoldsSeesTextAndNestedFields(t *testing.T) {
	const pw = "p@ss/w0rd-SECRET"
	e := &configErr{Config: &struct {
		User     string
		Password string
		Hosts    []string
	}{User: "app", Password: pw}}
	for name, tt := range map[string]struct {
		err  error
		want bool
	}{
		"text":         {errors.New("bad " + url.QueryEscape(pw)), true},
		"field":        {e, true},
		"clean":        {errors.New("failed to connect"), false},
		"only wrapped": {&chainErr{Msg: "outer", Err: errors.New(pw)}, false},
		"nil config":   {&configErr{}, false},
		"slice of string": {&configErr{Config: &struct {
			User, Password string
			Hosts          []string
		}{Hosts: []string{"h", pw}}}, true},
	} {
		if got := Holds(tt.err, pw); got != tt.want {
			t.Errorf("%s: Holds = %v, want %v", name, got, tt.want)
		}
	}
	if Holds(e, "short") || Holds(nil, pw) {
		t.Error("a short secret or a nil error held")
	}
}
