package auth

import (
	"context"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// lifetimeServer answers every token request with body as contentType and
// counts the requests.
func lifetimeServer(t *testing.T, contentType, body string) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", contentType)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

// wantFarExpiry checks a token's expiry is in the future, at most 100
// years away, and that ExpiresIn agrees.
func wantFarExpiry(t *testing.T, tok *oauth2.Token) {
	t.Helper()
	if left := time.Until(tok.Expiry); left < 50*365*24*time.Hour || left > 101*365*24*time.Hour {
		t.Fatalf("expiry %v (in %v), want about 100 years ahead", tok.Expiry, left)
	}
	if tok.ExpiresIn != 0 && (tok.ExpiresIn < 50*365*24*3600 || tok.ExpiresIn > 101*365*24*3600) {
		t.Fatalf("ExpiresIn %d", tok.ExpiresIn)
	}
}

// TestHugeLifetimeConnector: expires_in 10000000000 (and expires_at far
// away) no longer overflows time.Duration: the token is reused, one
// request for many calls.
func TestHugeLifetimeConnector(t *testing.T) {
	for _, body := range []string{
		`{"access_token":"at","token_type":"bearer","expires_in":10000000000}`,
		`{"access_token":"at","token_type":"bearer","expires_in":1e30}`,
		`{"access_token":"at","token_type":"bearer","expires_in":"10000000000"}`,
		`{"access_token":"at","token_type":"bearer","expires_at":1e300}`,
		`{"access_token":"at","token_type":"bearer","expires_in":9223372036854775807,"expires_at":99999999999999}`,
	} {
		t.Run(body, func(t *testing.T) {
			s, hits := lifetimeServer(t, "application/json", body)
			c := NewConnector(s.URL, "id", "secret")
			for range 5 {
				tok, err := c.Token(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				wantFarExpiry(t, tok)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("%d token requests for 5 calls, want 1", n)
			}
		})
	}
}

// TestHugeLifetimeClientCredentialsAndRefresh: a form-encoded answer with
// a huge expires_in (x/oauth2 overflows it) and a JSON expires_at far
// away are clamped on the client credentials and refresh paths, so the
// Cache in front makes one request.
func TestHugeLifetimeClientCredentialsAndRefresh(t *testing.T) {
	answers := map[string][2]string{
		"form expires_in": {"application/x-www-form-urlencoded", "access_token=at&token_type=bearer&refresh_token=rt&expires_in=10000000000"},
		"json expires_at": {"application/json", `{"access_token":"at","token_type":"bearer","refresh_token":"rt","expires_at":1e300}`},
		"json both":       {"application/json", `{"access_token":"at","token_type":"bearer","refresh_token":"rt","expires_in":10000000000,"expires_at":1e19}`},
	}
	for name, a := range answers {
		t.Run(name, func(t *testing.T) {
			s, hits := lifetimeServer(t, a[0], a[1])
			sources := map[string]oauth2.TokenSource{
				"client credentials": &ClientCredentials{ClientAuth: ClientAuth{TokenURL: s.URL, ClientID: "id", ClientSecret: "secret"}},
				"refresh": NewRefreshSource(RefreshConfig{ClientAuth: ClientAuth{TokenURL: s.URL, ClientID: "id", ClientSecret: "secret"}},
					&oauth2.Token{RefreshToken: "rt0"}),
			}
			for sname, src := range sources {
				hits.Store(0)
				c := NewCache(src)
				for range 5 {
					tok, err := c.TokenContext(context.Background())
					if err != nil {
						t.Fatalf("%s: %v", sname, err)
					}
					wantFarExpiry(t, tok)
				}
				if n := hits.Load(); n != 1 {
					t.Fatalf("%s: %d token requests for 5 calls, want 1", sname, n)
				}
			}
		})
	}
}

// TestHugeExpiresInInCache: a source whose token carries ExpiresIn near
// the int64 limit does not overflow the Cache's window arithmetic: the
// token is used without any refresh.
func TestHugeExpiresInInCache(t *testing.T) {
	var calls atomic.Int32
	src := Func(func(context.Context) (*oauth2.Token, error) {
		calls.Add(1)
		return &oauth2.Token{AccessToken: "at", Expiry: time.Now().Add(time.Hour), ExpiresIn: math.MaxInt64}, nil
	})
	c := NewCache(src)
	for range 5 {
		if _, err := c.TokenContext(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	e := c.ent
	c.mu.Unlock()
	if !e.refreshAt.After(time.Now()) || !e.hardAt.After(e.refreshAt.Add(-time.Nanosecond)) || !e.hardAt.Before(e.tok.Expiry) {
		t.Fatalf("windows: refresh at %v, hard at %v, expiry %v", e.refreshAt, e.hardAt, e.tok.Expiry)
	}
	time.Sleep(10 * time.Millisecond) // a wrongly started background refresh would show
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}
