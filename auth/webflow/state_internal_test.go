package webflow

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// countingProvider counts exchanges.
type countingProvider struct{ exchanges int }

func (p *countingProvider) AuthCodeURL(_, state string, _ []string, _ url.Values) string {
	return "https://idp.example/authorize?state=" + url.QueryEscape(state)
}

func (p *countingProvider) Exchange(context.Context, string, string, string) (*oauth2.Token, error) {
	p.exchanges++
	return &oauth2.Token{AccessToken: "AT"}, nil
}

func (p *countingProvider) Revoke(context.Context, *oauth2.Token) error { return nil }

// TestStateWithoutVerifierRefused: a state cookie that holds no PKCE
// verifier (sealed by a version without PKCE) is refused before any
// exchange.
func TestStateWithoutVerifierRefused(t *testing.T) {
	p := &countingProvider{}
	h, err := New(Config{BaseURL: "https://app.example", Clients: []Client{{Name: "a", Provider: p}},
		Store: NewMemoryStore(), CookieSecret: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	val, err := h.seal.seal(purposeSt, &flowState{State: "s1", Client: "a", Kind: KindSession, Origin: "/"}, stateTTL, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/sessions/approve?code=c&state=s1", nil)
	r.AddCookie(&http.Cookie{Name: h.cookieName(purposeSt), Value: val})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest || p.exchanges != 0 {
		t.Fatalf("status %d, exchanges %d", w.Code, p.exchanges)
	}
}
