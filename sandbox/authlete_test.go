package sandbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/authlete"
	"github.com/idsdk/idsdk-go/retry"
	"github.com/idsdk/idsdk-go/sandbox"
	"github.com/idsdk/idsdk-go/sandbox/internal/conform"
)

// authleteClient is the generated Authlete client pointed at the sandbox,
// every exchange checked against api/authlete/openapi.yaml.
func authleteClient(t *testing.T, sb *sandbox.Sandbox, token string) *authlete.Client {
	t.Helper()
	return newAuthlete(t, sb, token, conform.MustLoad(t, "authlete").Client(t))
}

// newAuthlete is the generated Authlete client over hc, without retries.
func newAuthlete(t *testing.T, sb *sandbox.Sandbox, token string, hc *http.Client) *authlete.Client {
	t.Helper()
	c, err := authlete.New(
		authlete.WithBaseURL(sb.Authlete.BaseURL),
		authlete.WithToken(auth.Bearer(token)),
		authlete.WithHTTPClient(hc),
		authlete.WithRetry(retry.Off()),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// val reads an optional field.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func opt[T any](v T) *T { return &v }

func TestAuthleteServicesCRUD(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()

	seed, err := c.Services.Get(ctx, sb.Authlete.ServiceID)
	if err != nil {
		t.Fatal(err)
	}
	if got := val(seed.Number); got == 0 || sb.Authlete.ServiceID != itoa(int64(got)) {
		t.Fatalf("seed service number %d, want %s", got, sb.Authlete.ServiceID)
	}
	created, err := c.Services.Create(ctx, authlete.Service{ServiceName: opt("second"), Issuer: opt("https://as.example")})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(int64(val(created.Number)))
	updated, err := c.Services.Update(ctx, id, authlete.Service{ServiceName: opt("renamed"), Issuer: created.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	if val(updated.ServiceName) != "renamed" || val(updated.Issuer) != "https://as.example" {
		t.Errorf("update: name %q issuer %q", val(updated.ServiceName), val(updated.Issuer))
	}
	list, err := c.Services.List(ctx, &authlete.ServicesListParams{})
	if err != nil {
		t.Fatal(err)
	}
	if val(list.TotalCount) != 2 || len(val(list.Services)) != 2 {
		t.Errorf("list: total %d, %d services", val(list.TotalCount), len(val(list.Services)))
	}
	if err := c.Services.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.Services.Get(ctx, id)
	var res *sdkerrors.AuthleteResult
	if !errors.As(err, &res) || res.ResultCode == "" || !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("get of a deleted service: %v, want a 400 result", err)
	}
}

func TestAuthleteClientsCRUD(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()
	svc := sb.Authlete.ServiceID

	created, err := c.Clients.Create(ctx, svc, authlete.OAuthClient{
		ClientName: opt("app"), RedirectUris: &[]string{"https://app.example/cb"}, Developer: opt("dev1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(val(created.ClientId))
	if val(created.ClientSecret) == "" || val(created.ClientType) != authlete.ClientTypeCONFIDENTIAL {
		t.Errorf("created client: secret %q type %q", val(created.ClientSecret), val(created.ClientType))
	}
	got, err := c.Clients.Get(ctx, svc, id)
	if err != nil || val(got.ClientName) != "app" {
		t.Fatalf("get: %v %q", err, val(got.ClientName))
	}
	if _, err := c.Clients.Update(ctx, svc, id, authlete.OAuthClient{ClientName: opt("app 2")}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Clients.List(ctx, svc, &authlete.ClientsListParams{Developer: opt("dev1")})
	if err != nil {
		t.Fatal(err)
	}
	if cl := val(list.Clients); len(cl) != 1 || val(cl[0].ClientName) != "app 2" {
		t.Errorf("list by developer: %+v", cl)
	}
	n := 0
	for _, err := range c.Clients.All(ctx, svc, &authlete.ClientsListParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 { // the seed client and this one
		t.Errorf("All: %d clients, want 2", n)
	}
	if err := c.Clients.Delete(ctx, svc, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Clients.Delete(ctx, svc, id); !errors.Is(err, sdkerrors.ErrNotFound) {
		t.Errorf("second delete: %v, want not found", err)
	}
}

func TestAuthleteRefusesWrongAPIToken(t *testing.T) {
	sb := sandbox.Start(t)
	_, err := authleteClient(t, sb, "wrong").Services.Get(context.Background(), sb.Authlete.ServiceID)
	var res *sdkerrors.AuthleteResult
	if !errors.Is(err, sdkerrors.ErrUnauthorized) || !errors.As(err, &res) {
		t.Fatalf("err = %v, want 401 with an Authlete result", err)
	}
}

// s256 is the PKCE challenge of verifier.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorize sends an authorization request and returns the answer.
func authorize(t *testing.T, c *authlete.Client, sb *sandbox.Sandbox, q url.Values) *authlete.AuthorizationResponse {
	t.Helper()
	res, err := c.Authorization.ProcessRequest(context.Background(), sb.Authlete.ServiceID,
		authlete.AuthorizationRequest{Parameters: q.Encode()})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tokenRequest sends a token request authenticated as the seed client.
func tokenRequest(t *testing.T, c *authlete.Client, sb *sandbox.Sandbox, q url.Values, secret string) *authlete.TokenResponse {
	t.Helper()
	res, err := c.Token.Process(context.Background(), sb.Authlete.ServiceID, authlete.TokenRequest{
		Parameters: q.Encode(), ClientId: opt(sb.Authlete.ClientID), ClientSecret: opt(secret),
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAuthleteAuthorizationCodeFlow(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()
	a := sb.Authlete
	verifier := "a-verifier-of-enough-length-for-pkce-0123456789"

	az := authorize(t, c, sb, url.Values{
		"response_type": {"code"}, "client_id": {a.ClientID}, "redirect_uri": {a.RedirectURI},
		"scope": {"openid profile offline_access"}, "state": {"st8"},
		"code_challenge": {s256(verifier)}, "code_challenge_method": {"S256"},
	})
	if val(az.Action) != authlete.AuthorizationResponseActionINTERACTION || val(az.Ticket) == "" {
		t.Fatalf("authorization: action %q ticket %q", val(az.Action), val(az.Ticket))
	}
	if got := itoa(val(val(az.Client).ClientId)); got != a.ClientID {
		t.Errorf("authorization names client %s, want %s", got, a.ClientID)
	}
	iss, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: val(az.Ticket), Subject: "user-1"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(val(iss.ResponseContent))
	code := loc.Query().Get("code")
	if val(iss.Action) != authlete.AuthorizationIssueResponseActionLOCATION || code == "" || code != val(iss.AuthorizationCode) ||
		loc.Query().Get("state") != "st8" || !strings.HasPrefix(val(iss.ResponseContent), a.RedirectURI+"?") {
		t.Fatalf("issue: action %q location %q", val(iss.Action), val(iss.ResponseContent))
	}
	tok := tokenRequest(t, c, sb, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.RedirectURI}, "code_verifier": {verifier},
	}, a.ClientSecret)
	if val(tok.Action) != authlete.TokenResponseActionOK || val(tok.AccessToken) == "" || val(tok.RefreshToken) == "" ||
		val(tok.IdToken) == "" || val(tok.Subject) != "user-1" || !strings.Contains(val(tok.ResponseContent), val(tok.AccessToken)) {
		t.Fatalf("token: %+v", tok)
	}
	again := tokenRequest(t, c, sb, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.RedirectURI}, "code_verifier": {verifier},
	}, a.ClientSecret)
	if val(again.Action) != authlete.TokenResponseActionBADREQUEST || !strings.Contains(val(again.ResponseContent), "invalid_grant") {
		t.Errorf("a used code: action %q content %q", val(again.Action), val(again.ResponseContent))
	}

	in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: val(tok.AccessToken), Scopes: &[]string{"profile"}})
	if err != nil {
		t.Fatal(err)
	}
	if val(in.Action) != authlete.IntrospectionResponseActionOK || val(in.Subject) != "user-1" || !val(in.Usable) {
		t.Errorf("introspection: action %q subject %q", val(in.Action), val(in.Subject))
	}
	ui, err := c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: val(tok.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if val(ui.Action) != authlete.UserinfoResponseActionOK || val(ui.Subject) != "user-1" {
		t.Errorf("userinfo: action %q subject %q", val(ui.Action), val(ui.Subject))
	}
	uiss, err := c.UserInfo.Issue(ctx, a.ServiceID, authlete.UserinfoIssueRequest{Token: val(tok.AccessToken), Claims: opt(`{"name":"Ada"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if val(uiss.Action) != authlete.UserinfoIssueResponseActionJSON || !strings.Contains(val(uiss.ResponseContent), `"sub":"user-1"`) {
		t.Errorf("userinfo issue: action %q content %q", val(uiss.Action), val(uiss.ResponseContent))
	}

	// Refresh rotates: the new refresh token works, the old one no longer does.
	ref := tokenRequest(t, c, sb, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {val(tok.RefreshToken)}}, a.ClientSecret)
	if val(ref.Action) != authlete.TokenResponseActionOK || val(ref.RefreshToken) == val(tok.RefreshToken) {
		t.Fatalf("refresh: action %q", val(ref.Action))
	}
	old := tokenRequest(t, c, sb, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {val(tok.RefreshToken)}}, a.ClientSecret)
	if val(old.Action) != authlete.TokenResponseActionBADREQUEST {
		t.Errorf("reused refresh token: action %q, want BAD_REQUEST", val(old.Action))
	}

	// An expired access token is UNAUTHORIZED at introspection.
	a.ExpireToken(val(ref.AccessToken))
	in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: val(ref.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if val(in.Action) != authlete.IntrospectionResponseActionUNAUTHORIZED || val(in.Usable) {
		t.Errorf("expired token: action %q usable %v", val(in.Action), val(in.Usable))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAuthleteAuthorizationActions(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()
	a := sb.Authlete
	base := func(kv ...string) url.Values {
		q := url.Values{"response_type": {"code"}, "client_id": {a.ClientID}, "redirect_uri": {a.RedirectURI}, "state": {"s"}}
		for i := 0; i+1 < len(kv); i += 2 {
			q.Set(kv[i], kv[i+1])
		}
		return q
	}
	for _, tc := range []struct {
		name   string
		q      url.Values
		action authlete.AuthorizationResponseAction
		in     string // in responseContent
	}{
		{"unknown client", base("client_id", "42"), authlete.AuthorizationResponseActionBADREQUEST, "invalid_request"},
		{"unregistered redirect URI", base("redirect_uri", "https://evil.example/cb"), authlete.AuthorizationResponseActionBADREQUEST, "invalid_request"},
		{"unsupported response type", base("response_type", "magic"), authlete.AuthorizationResponseActionLOCATION, "error=unsupported_response_type"},
		{"response type the client may not use", base("response_type", "token"), authlete.AuthorizationResponseActionLOCATION, "error=unauthorized_client"},
		{"unsupported scope", base("scope", "openid admin"), authlete.AuthorizationResponseActionLOCATION, "error=invalid_scope"},
		{"prompt none", base("prompt", "none"), authlete.AuthorizationResponseActionNOINTERACTION, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := authorize(t, c, sb, tc.q)
			if val(res.Action) != tc.action || !strings.Contains(val(res.ResponseContent), tc.in) {
				t.Errorf("action %q content %q, want %q with %q", val(res.Action), val(res.ResponseContent), tc.action, tc.in)
			}
		})
	}

	t.Run("fail redirects with the reason's error", func(t *testing.T) {
		az := authorize(t, c, sb, base())
		res, err := c.Authorization.Fail(ctx, a.ServiceID, authlete.AuthorizationFailRequest{Ticket: val(az.Ticket), Reason: authlete.AuthorizationFailRequestReasonDENIED})
		if err != nil {
			t.Fatal(err)
		}
		if val(res.Action) != authlete.AuthorizationFailResponseActionLOCATION || !strings.Contains(val(res.ResponseContent), "error=access_denied") {
			t.Errorf("fail: action %q content %q", val(res.Action), val(res.ResponseContent))
		}
		again, err := c.Authorization.Fail(ctx, a.ServiceID, authlete.AuthorizationFailRequest{Ticket: val(az.Ticket), Reason: authlete.AuthorizationFailRequestReasonDENIED})
		if err != nil || val(again.Action) != authlete.AuthorizationFailResponseActionBADREQUEST {
			t.Errorf("a used ticket: %v action %q, want BAD_REQUEST", err, val(again.Action))
		}
	})
	t.Run("form_post issues a FORM", func(t *testing.T) {
		az := authorize(t, c, sb, base("response_mode", "form_post"))
		res, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: val(az.Ticket), Subject: "u"})
		if err != nil {
			t.Fatal(err)
		}
		if val(res.Action) != authlete.AuthorizationIssueResponseActionFORM || !strings.Contains(val(res.ResponseContent), `name="code"`) {
			t.Errorf("issue: action %q content %q", val(res.Action), val(res.ResponseContent))
		}
	})
}

func TestAuthleteTokenActions(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()
	a := sb.Authlete

	for _, tc := range []struct {
		name   string
		q      url.Values
		secret string
		action authlete.TokenResponseAction
		in     string
	}{
		{"wrong client secret", url.Values{"grant_type": {"client_credentials"}}, "nope", authlete.TokenResponseActionINVALIDCLIENT, "invalid_client"},
		{"missing grant type", url.Values{"scope": {"profile"}}, a.ClientSecret, authlete.TokenResponseActionBADREQUEST, "invalid_request"},
		{"unknown grant type", url.Values{"grant_type": {"urn:magic"}}, a.ClientSecret, authlete.TokenResponseActionBADREQUEST, "unsupported_grant_type"},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {a.RedirectURI}}, a.ClientSecret, authlete.TokenResponseActionBADREQUEST, "invalid_grant"},
		{"client credentials", url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}, a.ClientSecret, authlete.TokenResponseActionOK, "access_token"},
		{"password", url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"pw"}}, a.ClientSecret, authlete.TokenResponseActionPASSWORD, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tokenRequest(t, c, sb, tc.q, tc.secret)
			if val(res.Action) != tc.action || !strings.Contains(val(res.ResponseContent), tc.in) {
				t.Errorf("action %q content %q, want %q with %q", val(res.Action), val(res.ResponseContent), tc.action, tc.in)
			}
		})
	}

	t.Run("password then issue, then fail", func(t *testing.T) {
		pw := tokenRequest(t, c, sb, url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"pw"}, "scope": {"openid"}}, a.ClientSecret)
		if val(pw.Username) != "ada" || val(pw.Password) != "pw" {
			t.Fatalf("PASSWORD answer: %+v", pw)
		}
		iss, err := c.Token.Issue(ctx, a.ServiceID, authlete.TokenIssueRequest{Ticket: val(pw.Ticket), Subject: "ada"})
		if err != nil {
			t.Fatal(err)
		}
		if val(iss.Action) != authlete.TokenIssueResponseActionOK || val(iss.AccessToken) == "" {
			t.Errorf("token issue: action %q", val(iss.Action))
		}
		pw = tokenRequest(t, c, sb, url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"bad"}}, a.ClientSecret)
		fail, err := c.Token.Fail(ctx, a.ServiceID, authlete.TokenFailRequest{Ticket: val(pw.Ticket), Reason: authlete.TokenFailRequestReasonINVALIDRESOURCEOWNERCREDENTIALS})
		if err != nil {
			t.Fatal(err)
		}
		if val(fail.Action) != authlete.TokenFailResponseActionBADREQUEST || !strings.Contains(val(fail.ResponseContent), "invalid_grant") {
			t.Errorf("token fail: action %q content %q", val(fail.Action), val(fail.ResponseContent))
		}
	})

	t.Run("introspection and userinfo refuse what they must", func(t *testing.T) {
		cc := tokenRequest(t, c, sb, url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}, a.ClientSecret)
		in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: val(cc.AccessToken), Scopes: &[]string{"email"}})
		if err != nil || val(in.Action) != authlete.IntrospectionResponseActionFORBIDDEN {
			t.Errorf("insufficient scope: %v action %q", err, val(in.Action))
		}
		in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: "unknown"})
		if err != nil || val(in.Action) != authlete.IntrospectionResponseActionUNAUTHORIZED || val(in.Existent) {
			t.Errorf("unknown token: %v action %q", err, val(in.Action))
		}
		in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: ""})
		if err != nil || val(in.Action) != authlete.IntrospectionResponseActionBADREQUEST {
			t.Errorf("empty token: %v action %q", err, val(in.Action))
		}
		ui, err := c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: val(cc.AccessToken)})
		if err != nil || val(ui.Action) != authlete.UserinfoResponseActionFORBIDDEN {
			t.Errorf("userinfo with a client token: %v action %q", err, val(ui.Action))
		}
		ui, err = c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: "unknown"})
		if err != nil || val(ui.Action) != authlete.UserinfoResponseActionUNAUTHORIZED {
			t.Errorf("userinfo with an unknown token: %v action %q", err, val(ui.Action))
		}
	})
}

func TestAuthleteFaults(t *testing.T) {
	sb := sandbox.Start(t)
	// Injected statuses (503 here) are outside the document: no conformance check.
	c := newAuthlete(t, sb, sb.Authlete.Token, &http.Client{})
	ctx := context.Background()
	sb.Authlete.Fault(http.MethodGet, "/api/{serviceId}/service/get", sandbox.Fault{Status: 503, RetryAfter: 2e9, Times: 1})
	_, err := c.Services.Get(ctx, sb.Authlete.ServiceID)
	if !errors.Is(err, sdkerrors.ErrUnavailable) {
		t.Fatalf("err = %v, want 503", err)
	}
	var apiErr *sdkerrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After not seen: %v", err)
	}
	if _, err := c.Services.Get(ctx, sb.Authlete.ServiceID); err != nil {
		t.Fatalf("after the one fault: %v", err)
	}
}
