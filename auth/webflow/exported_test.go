package webflow_test

// Tests of FilterParams, Handler.SignInURL and MemoryUsedStates on their
// own.

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/auth/webflow"
)

// TestFilterParamsKeepsExactlyTheAllowlist: the allowed parameters pass
// with all their values in order, values over 512 bytes are dropped, and
// every other parameter (OAuth's own included) is dropped.
func TestFilterParamsKeepsExactlyTheAllowlist(t *testing.T) {
	long := strings.Repeat("x", 513)
	edge := strings.Repeat("y", 512)
	q := url.Values{
		"lang": {"de"}, "show_signup": {"true"}, "prompt": {"login"}, "prompt_email_confirmation": {"1"},
		"force_login": {"1"}, "person[first_name]": {"Ada"}, "person[name]": {"Lovelace"},
		"person[email]": {"ada@example.com", long}, "organization[name]": {edge},
		"organization[country_code]": {"DE"}, "organization[kinds][]": {"printer", "supplier"},
		"client_id": {"attacker"}, "redirect_uri": {"https://evil.example"}, "scope": {"Org.all"},
		"state": {"s"}, "response_type": {"token"}, "person[password]": {"x"}, "Lang": {"fr"}, "origin": {"/x"},
	}
	want := url.Values{
		"lang": {"de"}, "show_signup": {"true"}, "prompt": {"login"}, "prompt_email_confirmation": {"1"},
		"force_login": {"1"}, "person[first_name]": {"Ada"}, "person[name]": {"Lovelace"},
		"person[email]": {"ada@example.com"}, "organization[name]": {edge},
		"organization[country_code]": {"DE"}, "organization[kinds][]": {"printer", "supplier"},
	}
	if got := webflow.FilterParams(q); got.Encode() != want.Encode() {
		t.Fatalf("FilterParams:\n got  %v\n want %v", got, want)
	}
	if got := webflow.FilterParams(url.Values{"evil": {"1"}}); len(got) != 0 {
		t.Fatalf("nothing allowed, got %v", got)
	}
}

// TestSignInURL: the default client's route has no client segment,
// another client's has its escaped name; a safe origin is carried, an
// unsafe one dropped.
func TestSignInURL(t *testing.T) {
	hs := newHarness(t)
	for _, tt := range []struct{ client, origin, want string }{
		{"main", "/reports?year=2026", "/zaikio/sessions/new?origin=%2Freports%3Fyear%3D2026"},
		{"other", "/sites", "/zaikio/other/sessions/new?origin=%2Fsites"},
		{"main", "", "/zaikio/sessions/new"},
		{"main", "https://evil.example/x", "/zaikio/sessions/new"},
		{"main", "//evil.example/x", "/zaikio/sessions/new"},
		{"a b/c", "/x", "/zaikio/a%20b%2Fc/sessions/new?origin=%2Fx"},
	} {
		if got := hs.h.SignInURL(tt.client, tt.origin); got != tt.want {
			t.Errorf("SignInURL(%q, %q) = %q, want %q", tt.client, tt.origin, got, tt.want)
		}
	}
}

// TestMemoryUsedStates: a key is new once until its time passes; keys
// are independent; a key whose time has passed is new again.
func TestMemoryUsedStates(t *testing.T) {
	ctx := context.Background()
	m := webflow.NewMemoryUsedStates()
	later := time.Now().Add(time.Hour)
	for i, tt := range []struct {
		key   string
		until time.Time
		want  bool
	}{
		{"a", later, true},
		{"a", later, false},
		{"a", later.Add(time.Hour), false},
		{"b", later, true},
		{"gone", time.Now().Add(-time.Second), true},
		{"gone", time.Now().Add(-time.Second), true},
	} {
		got, err := m.Use(ctx, tt.key, tt.until)
		if err != nil || got != tt.want {
			t.Fatalf("step %d: Use(%q) = %v, %v; want %v", i, tt.key, got, err, tt.want)
		}
	}
	if n := m.Len(); n != 3 {
		t.Fatalf("Len %d, want 3", n)
	}
}

// TestSignInURLOfAnUnknownClient: SignInURL does not check the name; its
// route (and every sign-in route of a name the handler does not know)
// answers with an "unknown_client" Error (Kind empty on an approve route
// and on sign-out), through OnError when set, else 404 with a text that
// says so.
func TestSignInURLOfAnUnknownClient(t *testing.T) {
	hs := newHarness(t)
	target := hs.h.SignInURL("nobody", "/x")
	if target != "/zaikio/nobody/sessions/new?origin=%2Fx" {
		t.Fatalf("SignInURL = %q", target)
	}
	routes := map[string]webflow.Kind{
		target:                               webflow.KindSession,
		"/zaikio/nobody/connections/new":     webflow.KindConnection,
		"/zaikio/nobody/subscriptions/new":   webflow.KindSubscription,
		"/zaikio/nobody/sessions/approve":    "", // the flow is in the state
		"/zaikio/nobody/connections/approve": "",
	}
	for path, kind := range routes {
		hs.errs = nil
		hs.do("GET", path)
		if len(hs.errs) != 1 || hs.errs[0].Code != "unknown_client" || hs.errs[0].Client != "nobody" || hs.errs[0].Kind != kind {
			t.Errorf("%s: OnError saw %v", path, hs.errs)
		}
	}
	for _, method := range []string{"POST", "DELETE"} { // sign-out: no flow, no kind
		hs.errs = nil
		hs.do(method, "/zaikio/nobody/session")
		if len(hs.errs) != 1 || hs.errs[0].Code != "unknown_client" || hs.errs[0].Client != "nobody" || hs.errs[0].Kind != "" {
			t.Errorf("%s /zaikio/nobody/session: OnError saw %v", method, hs.errs)
		}
	}
	plain := newHarness(t, func(_ *harness, c *webflow.Config) { c.OnError = nil })
	for path := range routes {
		w := plain.do("GET", path)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "unknown_client") {
			t.Errorf("%s without OnError: %d %q", path, w.Code, w.Body)
		}
	}
	if w := plain.do("POST", "/zaikio/nobody/session"); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "unknown_client") {
		t.Errorf("sign-out of an unknown client without OnError: %d %q", w.Code, w.Body)
	}
}
