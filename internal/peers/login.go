package peers

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

var (
	formAction   = regexp.MustCompile(`(?s)<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>`)
	hiddenPrompt = regexp.MustCompile(`name="prompt" value="([a-z]+)"`)
)

// Authorize drives the provider's development login and consent pages for
// user with a cookie-jar client, starting at authURL, and returns the
// redirect to redirectURL that ends the flow (with code and state, or an
// error).
func (p *OIDCProvider) Authorize(tb testing.TB, authURL, redirectURL, user string) *url.URL {
	tb.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(authURL)
	if err != nil {
		tb.Fatalf("authorize: %v", err)
	}
	for step := 0; ; step++ {
		if step > 6 {
			tb.Fatalf("login did not finish")
		}
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && strings.HasPrefix(loc, redirectURL) {
			resp.Body.Close()
			u, err := url.Parse(loc)
			if err != nil {
				tb.Fatal(err)
			}
			return u
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := formAction.FindSubmatch(body)
		if m == nil {
			tb.Fatalf("no form on page (status %d): %.500s", resp.StatusCode, body)
		}
		action, err := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
		if err != nil {
			tb.Fatal(err)
		}
		pm := hiddenPrompt.FindSubmatch(m[2])
		if pm == nil {
			tb.Fatalf("form without prompt: %s", m[2])
		}
		form := url.Values{"prompt": {string(pm[1])}}
		if string(pm[1]) == "login" {
			form.Set("login", user)
			form.Set("password", "any")
		}
		resp, err = hc.PostForm(action.String(), form)
		if err != nil {
			tb.Fatalf("submit %s: %v", pm[1], err)
		}
	}
}

// Login runs the authorization code flow with PKCE for user with conf
// (whose RedirectURL the provider must know) and exchanges the code.
func (p *OIDCProvider) Login(tb testing.TB, conf *oauth2.Config, user string) *oauth2.Token {
	tb.Helper()
	verifier := oauth2.GenerateVerifier()
	state := fmt.Sprintf("st-%d", time.Now().UnixNano())
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent"))
	u := p.Authorize(tb, authURL, conf.RedirectURL, user)
	if u.Query().Get("state") != state {
		tb.Fatalf("state mismatch in %s", u)
	}
	code := u.Query().Get("code")
	if code == "" {
		tb.Fatalf("no code in redirect: %s", u)
	}
	tok, err := conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
	if err != nil {
		tb.Fatalf("exchange: %v", err)
	}
	return tok
}
