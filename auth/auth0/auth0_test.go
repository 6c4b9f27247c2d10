package auth0

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/retry"
)

const (
	testID     = "app-1"
	testSecret = "s3cr3t-0123456789abcdef0123456789abcdef"
)

// fakeAuth0 is a scripted token server: each request to a path pops the
// next answer from its queue (the last one repeats).
type fakeAuth0 struct {
	*httptest.Server
	mu      sync.Mutex
	answers map[string][]answer
	reqs    []*recorded
}

type answer struct {
	status int
	body   any
	header http.Header
}

type recorded struct {
	path, contentType, authz string
	header                   http.Header
	form                     url.Values
	json                     map[string]any
}

func newFake(t *testing.T) *fakeAuth0 {
	f := &fakeAuth0{answers: map[string][]answer{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAuth0) on(path string, a ...answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[path] = a
}

func (f *fakeAuth0) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := &recorded{path: r.URL.Path, contentType: r.Header.Get("Content-Type"), authz: r.Header.Get("Authorization"), header: r.Header.Clone()}
	if strings.HasPrefix(rec.contentType, "application/json") {
		_ = json.Unmarshal(body, &rec.json)
	} else {
		rec.form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	q := f.answers[r.URL.Path]
	var a answer
	switch len(q) {
	case 0:
		a = answer{status: 404, body: map[string]any{"error": "not_found"}}
	case 1:
		a = q[0]
	default:
		a, f.answers[r.URL.Path] = q[0], q[1:]
	}
	f.mu.Unlock()
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_ = json.NewEncoder(w).Encode(a.body)
}

func (f *fakeAuth0) requests(path string) []*recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*recorded
	for _, r := range f.reqs {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func tokenBody(extra map[string]any) map[string]any {
	m := map[string]any{"access_token": "AT-1", "token_type": "Bearer", "expires_in": 60}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func oauthErr(status int, code string, kv ...string) answer {
	m := map[string]any{"error": code, "error_description": code + " happened"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return answer{status: status, body: m}
}

// newTest returns a client of the fake whose polling does not wait.
func newTest(t *testing.T, f *fakeAuth0, opts ...Option) *Client {
	t.Helper()
	c, err := New("tenant.example.auth0.com", testID, append([]Option{WithBaseURL(f.URL), WithClientSecret(testSecret), WithRetry(retry.Off())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	recordWaits(c)
	return c
}

// recordWaits makes c's waits return at once and records each one asked for.
func recordWaits(c *Client) *[]time.Duration {
	waits := new([]time.Duration)
	c.sleep = func(d time.Duration) <-chan time.Time {
		*waits = append(*waits, d)
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
	return waits
}

func TestAuthorizeURL(t *testing.T) {
	c, err := New("tenant.example.auth0.com", testID)
	if err != nil {
		t.Fatal(err)
	}
	raw, state, nonce, verifier, err := c.AuthorizeURL(AuthorizeParams{
		RedirectURI: "https://app/cb", Audience: "https://api", Organization: "org_1", Invitation: "inv",
		Connection: "github", Prompt: "login", ScreenHint: "signup", MaxAge: 90 * time.Second,
		Extra: url.Values{"ui_locales": {"pt-BR"}, "state": {"ignored"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	if u.Scheme != "https" || u.Host != "tenant.example.auth0.com" || u.Path != "/authorize" {
		t.Fatalf("URL %s", raw)
	}
	want := map[string]string{
		"response_type": "code", "client_id": testID, "redirect_uri": "https://app/cb", "scope": DefaultScope,
		"state": state, "nonce": nonce, "code_challenge_method": "S256", "audience": "https://api",
		"organization": "org_1", "invitation": "inv", "connection": "github", "prompt": "login",
		"screen_hint": "signup", "max_age": "90", "ui_locales": "pt-BR",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if state == "" || nonce == "" || len(verifier) < 43 || q.Get("code_challenge") == "" || q.Get("code_challenge") == verifier {
		t.Fatalf("state %q nonce %q verifier %q", state, nonce, verifier)
	}
	// Two calls never share state, nonce or verifier.
	_, s2, n2, v2, _ := c.AuthorizeURL(AuthorizeParams{RedirectURI: "https://app/cb"})
	if s2 == state || n2 == nonce || v2 == verifier {
		t.Fatal("random values repeat")
	}
	// No openid: no nonce; PKCE can be turned off.
	_, _, n3, v3, _ := c.AuthorizeURL(AuthorizeParams{Scope: "read:things", DisablePKCE: true})
	if n3 != "" || v3 != "" {
		t.Fatal("nonce or verifier without need")
	}
}

func TestLogoutURL(t *testing.T) {
	c, _ := New("tenant.example.auth0.com", testID)
	u, err := c.LogoutURL("https://app/bye?x=1", "", true)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := url.Parse(u)
	q := p.Query()
	if p.Path != "/v2/logout" || q.Get("returnTo") != "https://app/bye?x=1" || q.Get("client_id") != testID || !q.Has("federated") {
		t.Fatalf("logout URL %s", u)
	}
	u, _ = c.LogoutURL("", "other", false)
	if strings.Contains(u, "federated") || strings.Contains(u, "returnTo") || !strings.Contains(u, "client_id=other") {
		t.Fatalf("logout URL %s", u)
	}
}

func TestMFARequiredFlow(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f)
	const mfaToken = "Fe26.2*mfa*token"
	f.on("/oauth/token",
		answer{status: 403, body: map[string]any{"error": "mfa_required", "error_description": "Multifactor authentication required", "mfa_token": mfaToken}},
		answer{status: 200, body: tokenBody(nil)},
	)
	f.on("/mfa/challenge", answer{status: 200, body: map[string]any{"challenge_type": "otp"}})
	ctx := context.Background()
	_, err := c.Login(ctx, "ada@example.com", "pw", LoginParams{Realm: "db"})
	var mfa *sdkerrors.Auth0AuthError
	if !errors.As(err, &mfa) || !errors.Is(err, sdkerrors.ErrMFARequired) || !errors.Is(err, sdkerrors.ErrForbidden) {
		t.Fatalf("login: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), mfaToken) {
		t.Fatal("the mfa token is printed")
	}
	ch, err := c.MFAChallenge(ctx, mfa.MFAToken, ChallengeOTP, "")
	if err != nil || ch.ChallengeType != "otp" {
		t.Fatalf("challenge: %v %v", ch, err)
	}
	tok, err := c.VerifyMFAOTP(ctx, mfa.MFAToken, "123456")
	if err != nil || tok.AccessToken != "AT-1" {
		t.Fatalf("verify: %v", err)
	}
	reqs := f.requests("/oauth/token")
	if reqs[0].json["grant_type"] != GrantPasswordRealm || reqs[0].json["realm"] != "db" || reqs[0].json["client_secret"] != testSecret {
		t.Fatalf("login body: %v", reqs[0].json)
	}
	if reqs[1].json["grant_type"] != GrantMFAOTP || reqs[1].json["mfa_token"] != mfaToken || reqs[1].json["otp"] != "123456" {
		t.Fatalf("verify body: %v", reqs[1].json)
	}
	if got := f.requests("/mfa/challenge")[0].json["mfa_token"]; got != mfaToken {
		t.Fatalf("challenge body: %v", got)
	}
}

func TestDevicePolling(t *testing.T) {
	ctx := context.Background()
	t.Run("pending then slow_down then success", func(t *testing.T) {
		f := newFake(t)
		c := newTest(t, f)
		waits := recordWaits(c)
		f.on("/oauth/device/code", answer{status: 200, body: map[string]any{
			"device_code": "DC", "user_code": "ABCD-EFGH", "verification_uri": "https://t/activate",
			"verification_uri_complete": "https://t/activate?user_code=ABCD-EFGH", "expires_in": 900, "interval": 2,
		}})
		f.on("/oauth/token", oauthErr(400, "authorization_pending"), oauthErr(400, "slow_down"), oauthErr(400, "authorization_pending"), answer{status: 200, body: tokenBody(nil)})
		d, err := c.StartDeviceCode(ctx, "https://api", "openid", "offline_access")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(fmt.Sprintf("%v %+v %#v %s", d, d, d, d), "DC\"") {
			t.Fatal("device code printed")
		}
		tok, err := c.PollDeviceToken(ctx, d)
		if err != nil || tok.AccessToken != "AT-1" {
			t.Fatalf("poll: %v", err)
		}
		want := []time.Duration{2 * time.Second, 2 * time.Second, 7 * time.Second, 7 * time.Second}
		if fmt.Sprint(*waits) != fmt.Sprint(want) {
			t.Fatalf("waits %v, want %v", *waits, want)
		}
		reqs := f.requests("/oauth/token")
		if len(reqs) != 4 || reqs[0].form.Get("grant_type") != GrantDeviceCode || reqs[0].form.Get("device_code") != "DC" {
			t.Fatalf("requests: %+v", reqs[0].form)
		}
		if dc := f.requests("/oauth/device/code")[0].form; dc.Get("audience") != "https://api" || dc.Get("scope") != "openid offline_access" || dc.Get("client_id") != testID {
			t.Fatalf("device code form: %v", dc)
		}
	})
	for _, code := range []string{"expired_token", "access_denied"} {
		t.Run(code, func(t *testing.T) {
			f := newFake(t)
			c := newTest(t, f)
			f.on("/oauth/token", oauthErr(400, "authorization_pending"), oauthErr(403, code))
			_, err := c.PollDeviceToken(ctx, &DeviceCode{DeviceCode: "DC"})
			want := map[string]error{"expired_token": ErrExpiredToken, "access_denied": ErrAccessDenied}[code]
			if !errors.Is(err, want) || !a0code(err, code) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("local expiry", func(t *testing.T) {
		f := newFake(t)
		now := time.Now()
		c := newTest(t, f, WithClock(func() time.Time { return now }))
		_, err := c.PollDeviceToken(ctx, &DeviceCode{DeviceCode: "DC", Expiry: now.Add(-time.Second)})
		if !errors.Is(err, ErrExpiredToken) || len(f.requests("/oauth/token")) != 0 {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("context ends", func(t *testing.T) {
		f := newFake(t)
		c := newTest(t, f)
		c.sleep = func(time.Duration) <-chan time.Time { return nil }
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.PollDeviceToken(cctx, &DeviceCode{DeviceCode: "DC"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
}

func a0code(err error, code string) bool {
	var ae *sdkerrors.Auth0AuthError
	return errors.As(err, &ae) && ae.Code == code
}

func TestCIBA(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f, WithAuthMethod(auth.ClientSecretBasic))
	f.on("/bc-authorize", answer{status: 200, body: map[string]any{"auth_req_id": "REQ", "expires_in": 300, "interval": 5}})
	f.on("/oauth/token", oauthErr(400, "authorization_pending"), answer{status: 200, body: tokenBody(nil)})
	ctx := context.Background()
	b, err := c.StartBackchannel(ctx, BackchannelParams{LoginHint: `{"format":"iss_sub","iss":"https://t/","sub":"auth0|1"}`, Scope: "openid", BindingMessage: "ok 123", RequestedExpiry: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PollBackchannelToken(ctx, b); err != nil {
		t.Fatal(err)
	}
	start := f.requests("/bc-authorize")[0]
	if start.form.Get("binding_message") != "ok 123" || start.form.Get("requested_expiry") != "60" || !strings.HasPrefix(start.authz, "Basic ") || start.form.Has("client_secret") {
		t.Fatalf("bc-authorize: %+v", start)
	}
	polls := f.requests("/oauth/token")
	if len(polls) != 2 || polls[1].form.Get("grant_type") != GrantCIBA || polls[1].form.Get("auth_req_id") != "REQ" || !strings.HasPrefix(polls[1].authz, "Basic ") {
		t.Fatalf("polls: %+v", polls)
	}
}

func TestTokenRetries(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		status int
		want   int
	}{{500, 1}, {503, 2}, {429, 2}} {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			f := newFake(t)
			c := newTest(t, f, WithRetry(retry.Default()))
			f.on("/oauth/token", answer{status: tt.status, body: map[string]any{"error": "x"}, header: http.Header{"Retry-After": {"0"}}}, answer{status: 200, body: tokenBody(nil)})
			_, err := c.RefreshToken(ctx, "RT")
			if n := len(f.requests("/oauth/token")); n != tt.want {
				t.Fatalf("%d requests, want %d (err %v)", n, tt.want, err)
			}
		})
	}
}

func TestPrivateKeyJWTFreshAssertions(t *testing.T) {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	f := newFake(t)
	c, err := New("tenant.example.auth0.com", testID, WithBaseURL(f.URL), WithPrivateKey(&auth.PrivateKey{Key: key, KeyID: "k1"}), WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
	f.on("/oauth/revoke", answer{status: 200, body: map[string]any{}})
	ctx := context.Background()
	if _, err := c.ClientCredentials(ctx, "https://api", "read"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RefreshToken(ctx, "RT"); err != nil {
		t.Fatal(err)
	}
	if err := c.RevokeToken(ctx, "RT"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range append(f.requests("/oauth/token"), f.requests("/oauth/revoke")...) {
		a := r.form.Get("client_assertion")
		if r.form.Get("client_assertion_type") != auth.ClientAssertionType || r.form.Has("client_secret") || r.authz != "" {
			t.Fatalf("form %v", r.form)
		}
		tok, err := jwt.ParseSigned(a, []jose.SignatureAlgorithm{jose.RS256})
		if err != nil {
			t.Fatal(err)
		}
		var cl jwt.Claims
		if err := tok.Claims(&key.PublicKey, &cl); err != nil {
			t.Fatal(err)
		}
		if cl.Issuer != testID || cl.Subject != testID || !cl.Audience.Contains(f.URL+"/") || seen[cl.ID] {
			t.Fatalf("claims %+v", cl)
		}
		seen[cl.ID] = true
	}
	if cc := f.requests("/oauth/token")[0].form; cc.Get("audience") != "https://api" || cc.Get("scope") != "read" || cc.Get("grant_type") != "client_credentials" {
		t.Fatalf("client credentials form %v", cc)
	}
}

func TestHS256IDTokenAndSecrets(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f, WithIDTokenAlgorithm(idtoken.HS256), WithIssuer("https://tenant.example.auth0.com/"))
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(testSecret)}, nil)
	now := time.Now()
	claims := map[string]any{"iss": "https://tenant.example.auth0.com/", "sub": "auth0|1", "aud": testID, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nonce": "N"}
	idt, _ := jwt.Signed(signer).Claims(claims).Serialize()
	f.on("/oauth/token", answer{status: 200, body: tokenBody(map[string]any{"id_token": idt, "refresh_token": "RT-SECRET", "scope": "openid"})})
	ctx := context.Background()
	tok, err := c.ExchangeCode(ctx, "CODE", "VERIFIER", "https://app/cb", WithNonce("N"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims.Subject != "auth0|1" || tok.Scope != "openid" {
		t.Fatalf("token %v", tok)
	}
	form := f.requests("/oauth/token")[0].form
	if form.Get("code_verifier") != "VERIFIER" || form.Get("client_secret") != testSecret || form.Get("redirect_uri") != "https://app/cb" {
		t.Fatalf("form %v", form)
	}
	if _, err := c.ExchangeCode(ctx, "CODE", "V", "https://app/cb", WithNonce("other")); !errors.Is(err, idtoken.ErrNonce) {
		t.Fatalf("wrong nonce: %v", err)
	}
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		for _, secret := range []string{"AT-1", "RT-SECRET", idt, testSecret} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q printed in %s", secret, s)
			}
		}
	}
	// A response without an ID token where a nonce was expected is refused.
	f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
	if _, err := c.ExchangeCode(ctx, "CODE", "V", "", WithNonce("N")); !errors.Is(err, idtoken.ErrNonce) {
		t.Fatalf("missing ID token: %v", err)
	}
}

func TestNewChecks(t *testing.T) {
	for name, opts := range map[string][]Option{
		"no client id":  nil,
		"basic no key":  {WithAuthMethod(auth.ClientSecretBasic)},
		"jwt no key":    {WithAuthMethod(auth.PrivateKeyJWT)},
		"bad method":    {WithAuthMethod("magic")},
		"bad domain":    {WithClientSecret(testSecret)},
		"nil key":       {WithPrivateKey(nil)},
		"hs256 no seed": {WithIDTokenAlgorithm(idtoken.HS256)},
	} {
		domain, id := "tenant.example.auth0.com", testID
		switch name {
		case "no client id":
			id = ""
		case "bad domain":
			domain = "https://tenant.example.auth0.com/path"
		}
		if _, err := New(domain, id, opts...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestHugeLifetimesClamped: expires_in and interval values that overflow
// time.Duration are clamped on every path that reads them: the token of
// the JSON grants (Login) and of the form grants (ClientCredentials), the
// device code's expiry and polling interval, and CIBA's.
func TestHugeLifetimesClamped(t *testing.T) {
	ctx := context.Background()
	const huge = 10000000000
	far := func(t *testing.T, what string, exp time.Time) {
		t.Helper()
		if left := time.Until(exp); left < 50*365*24*time.Hour || left > 101*365*24*time.Hour {
			t.Fatalf("%s: expiry %v, want about 100 years ahead", what, exp)
		}
	}
	f := newFake(t)
	c := newTest(t, f)
	f.on("/oauth/token", answer{status: 200, body: tokenBody(map[string]any{"expires_in": huge})})
	tok, err := c.Login(ctx, "u", "p", LoginParams{})
	if err != nil {
		t.Fatal(err)
	}
	far(t, "Login", tok.Expiry)
	if tok, err = c.ClientCredentials(ctx, "https://api"); err != nil {
		t.Fatal(err)
	}
	far(t, "ClientCredentials", tok.Expiry)

	f.on("/oauth/device/code", answer{status: 200, body: map[string]any{
		"device_code": "DC", "user_code": "U", "verification_uri": "https://t/activate", "expires_in": huge, "interval": huge,
	}})
	d, err := c.StartDeviceCode(ctx, "", "openid")
	if err != nil {
		t.Fatal(err)
	}
	far(t, "device code", d.Expiry)
	if d.interval < 50*365*24*time.Hour {
		t.Fatalf("device interval %v", d.interval)
	}
	f.on("/bc-authorize", answer{status: 200, body: map[string]any{"auth_req_id": "REQ", "expires_in": huge, "interval": huge}})
	b, err := c.StartBackchannel(ctx, BackchannelParams{LoginHint: "x", Scope: "openid", BindingMessage: "m"})
	if err != nil {
		t.Fatal(err)
	}
	far(t, "backchannel", b.Expiry)
	waits := recordWaits(c)
	if _, err := c.PollBackchannelToken(ctx, b); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] < 50*365*24*time.Hour {
		t.Fatalf("backchannel waits %v, want one of about 100 years", *waits)
	}
}

// TestWrongClientSecretIsInvalidCredentials: Auth0's answer to a wrong
// client secret (401 access_denied) and to a grant the application may not
// use (403 unauthorized_client) match auth.ErrInvalidCredentials on the
// form and the JSON grants; a user's refusal (400/403 access_denied) does
// not.
func TestWrongClientSecretIsInvalidCredentials(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		a    answer
		want bool
	}{
		{oauthErr(401, "access_denied"), true},
		{oauthErr(403, "unauthorized_client"), true},
		{oauthErr(400, "access_denied"), false},
		{oauthErr(403, "access_denied"), false},
	} {
		f := newFake(t)
		c := newTest(t, f)
		f.on("/oauth/token", tt.a)
		_, errCC := c.ClientCredentials(ctx, "https://api")
		_, errLogin := c.Login(ctx, "u", "p", LoginParams{})
		for name, err := range map[string]error{"ClientCredentials": errCC, "Login": errLogin} {
			if got := errors.Is(err, auth.ErrInvalidCredentials); got != tt.want {
				t.Errorf("%d %v, %s: errors.Is(%v, ErrInvalidCredentials) = %v", tt.a.status, tt.a.body, name, err, got)
			}
			if !a0code(err, tt.a.body.(map[string]any)["error"].(string)) {
				t.Errorf("%s: %v lost its *Auth0AuthError", name, err)
			}
		}
	}
}
