package webflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/webflow"
)

// TestPKCEChallengeSentVerifierExchanged: the authorization request
// carries an S256 code challenge, the exchange the matching verifier,
// which is nowhere in clear in the state cookie; a restart gets a new one.
func TestPKCEChallengeSentVerifierExchanged(t *testing.T) {
	hs := newHarness(t)
	u := location(t, hs.do("GET", "/zaikio/sessions/new"))
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
		t.Fatalf("authorization request without an S256 challenge: %v", q)
	}
	if q.Get("nonce") != "" {
		t.Error("a nonce without the openid scope")
	}
	ck := hs.jar["webflow_state"]
	if ck == nil || strings.Contains(ck.Value, q.Get("code_challenge")) {
		t.Fatal("no state cookie, or the challenge in clear")
	}
	back := location(t, hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(q.Get("state"))))
	if back.String() != "/" || len(hs.errs) != 0 || hs.store.Len() != 1 {
		t.Fatalf("approve: %s, errors %v", back, hs.errs)
	}
	// A code of another sign-in (a challenge this browser's verifier does
	// not match) is refused by the server: the flow restarts with a new
	// challenge and stores nothing.
	first := location(t, hs.do("GET", "/zaikio/sessions/new")).Query()
	hs.main.challenge = oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	restart := location(t, hs.do("GET", "/zaikio/sessions/approve?code=injected&state="+url.QueryEscape(first.Get("state")))).Query()
	if restart.Get("code_challenge") == "" || restart.Get("code_challenge") == first.Get("code_challenge") || hs.store.Len() != 1 {
		t.Fatalf("injected code: restart challenge %q (first %q), stored %d", restart.Get("code_challenge"), first.Get("code_challenge"), hs.store.Len())
	}
}

// TestReplayedCallbackNeverExchanged: a callback replayed with its state
// cookie (captured from the browser) is refused before the token
// endpoint, in the same process and on another replica sharing the
// UsedStates.
func TestReplayedCallbackNeverExchanged(t *testing.T) {
	shared := webflow.NewMemoryUsedStates()
	withShared := func(_ *harness, c *webflow.Config) { c.UsedStates = shared }
	hs := newHarness(t, withShared)
	replica := newHarness(t, withShared)
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	captured := *hs.jar["webflow_state"]
	callback := "/zaikio/sessions/approve?code=c1&state=" + url.QueryEscape(st)
	location(t, hs.do("GET", callback))
	if hs.main.exchanges != 1 || hs.store.Len() != 1 {
		t.Fatalf("first callback: exchanges %d, stored %d", hs.main.exchanges, hs.store.Len())
	}
	for name, h := range map[string]*harness{"same process": hs, "replica": replica} {
		h.jar["webflow_state"] = &captured
		w := h.do("GET", callback)
		if w.Code != http.StatusBadRequest || len(h.errs) == 0 || h.errs[len(h.errs)-1].Code != "invalid_state" {
			t.Errorf("%s: replay answered %d, errors %v", name, w.Code, h.errs)
		}
		if h.main.exchanges > 1 || (h == replica && h.main.exchanges != 0) {
			t.Errorf("%s: the replayed code reached the token endpoint (%d exchanges)", name, h.main.exchanges)
		}
	}
	if shared.Len() != 1 {
		t.Errorf("%d states recorded, want 1", shared.Len())
	}
	// The default record is per Handler and in memory: a replay on the
	// same handler is refused without any configuration.
	plain := newHarness(t)
	st = location(t, plain.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	captured = *plain.jar["webflow_state"]
	location(t, plain.do("GET", "/zaikio/sessions/approve?code=c2&state="+url.QueryEscape(st)))
	plain.jar["webflow_state"] = &captured
	plain.do("GET", "/zaikio/sessions/approve?code=c2&state="+url.QueryEscape(st))
	if plain.main.exchanges != 1 || len(plain.errs) != 1 || plain.errs[0].Code != "invalid_state" {
		t.Errorf("default record: exchanges %d, errors %v", plain.main.exchanges, plain.errs)
	}
}

// failingStates is a UsedStates whose backend is down.
type failingStates struct{}

func (failingStates) Use(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("ledger down")
}

func TestUsedStatesFailureFailsClosed(t *testing.T) {
	hs := newHarness(t, func(_ *harness, c *webflow.Config) { c.UsedStates = failingStates{} })
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(st))
	if hs.main.exchanges != 0 || len(hs.errs) != 1 || hs.errs[0].Code != "server_error" {
		t.Errorf("exchanges %d, errors %v", hs.main.exchanges, hs.errs)
	}
}

func TestLogoutRefusesNullOrigin(t *testing.T) {
	hs := newHarness(t)
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	location(t, hs.do("GET", "/zaikio/sessions/approve?code=p1&state="+url.QueryEscape(st)))
	r := httptest.NewRequest("POST", "/zaikio/session", nil)
	r.Header.Set("Origin", "null")
	r.AddCookie(hs.jar["webflow_session"])
	w := httptest.NewRecorder()
	hs.h.ServeHTTP(w, r)
	if w.Code != http.StatusForbidden || hs.store.Len() != 1 || len(hs.main.revoked) != 0 {
		t.Errorf("Origin: null logout: %d, stored %d, revoked %d", w.Code, hs.store.Len(), len(hs.main.revoked))
	}
}

const idTokenKey = "an-hs256-id-token-key-of-32-bytes!!"

// signIDToken signs claims with key (HS256).
func signIDToken(t *testing.T, key string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(key)}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	obj, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestIDTokenValidated: with the openid scope the authorization request
// carries a nonce and the ID token must come back, signed by the
// provider's key, for this client, with that nonce.
func TestIDTokenValidated(t *testing.T) {
	v, err := idtoken.New(idtoken.Config{Issuer: "https://idp.example", ClientID: "main", Algorithm: idtoken.HS256, ClientSecret: idTokenKey})
	if err != nil {
		t.Fatal(err)
	}
	claims := func(nonce string) map[string]any {
		now := time.Now().Unix()
		return map[string]any{"iss": "https://idp.example", "sub": "ada", "aud": "main", "iat": now, "exp": now + 300, "nonce": nonce}
	}
	for name, tc := range map[string]struct {
		idToken func(t *testing.T) func(nonce string) string
		wantErr error
	}{
		"good": {idToken: func(t *testing.T) func(string) string {
			return func(n string) string { return signIDToken(t, idTokenKey, claims(n)) }
		}},
		"wrong nonce": {wantErr: idtoken.ErrNonce, idToken: func(t *testing.T) func(string) string {
			return func(string) string { return signIDToken(t, idTokenKey, claims("another-sign-in")) }
		}},
		"bad signature": {wantErr: idtoken.ErrSignature, idToken: func(t *testing.T) func(string) string {
			return func(n string) string { return signIDToken(t, "another-key-of-32-bytes-or-more!!!!", claims(n)) }
		}},
		"missing": {idToken: func(*testing.T) func(string) string { return nil }},
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t, func(hs *harness, c *webflow.Config) {
				hs.main.validator = v
				hs.main.idToken = tc.idToken(t)
				c.Clients[0].Scopes = []string{"openid"}
			})
			q := location(t, hs.do("GET", "/zaikio/sessions/new")).Query()
			if len(q.Get("nonce")) < 40 {
				t.Fatalf("no nonce with openid: %v", q)
			}
			w := hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(q.Get("state")))
			if name == "good" {
				if w.Code != http.StatusFound || hs.store.Len() != 1 || len(hs.errs) != 0 {
					t.Fatalf("good ID token: %d, errors %v", w.Code, hs.errs)
				}
				return
			}
			if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_id_token" || hs.store.Len() != 0 {
				t.Fatalf("errors %v, stored %d", hs.errs, hs.store.Len())
			}
			if tc.wantErr != nil && !errors.Is(hs.errs[0], tc.wantErr) {
				t.Errorf("error %v, want %v", hs.errs[0].Err, tc.wantErr)
			}
			if _, ok := hs.jar["webflow_session"]; ok {
				t.Error("a session was set")
			}
		})
	}
}

// TestOpenIDNeedsAValidator: a client asking for openid whose provider
// cannot validate ID tokens is refused at New; an ID token the server
// sends without openid is still validated, and refused when it cannot be.
func TestOpenIDNeedsAValidator(t *testing.T) {
	cfg := webflow.Config{BaseURL: "https://a.example", Store: webflow.NewMemoryStore(), CookieSecret: make([]byte, 32),
		Clients: []webflow.Client{{Name: "a", Provider: &fakeProvider{name: "x"}, Scopes: []string{"openid", "profile"}}}}
	if _, err := webflow.New(cfg); err == nil || !strings.Contains(err.Error(), "openid") {
		t.Fatalf("New: %v", err)
	}
	hs := newHarness(t, func(hs *harness, c *webflow.Config) {
		hs.main.idToken = func(n string) string { return signIDToken(t, idTokenKey, map[string]any{"sub": "x"}) }
	})
	st := location(t, hs.do("GET", "/zaikio/sessions/new")).Query().Get("state")
	hs.do("GET", "/zaikio/sessions/approve?code=c1&state="+url.QueryEscape(st))
	if len(hs.errs) != 1 || hs.errs[0].Code != "invalid_id_token" || hs.store.Len() != 0 {
		t.Fatalf("unverifiable ID token: errors %v, stored %d", hs.errs, hs.store.Len())
	}
}
