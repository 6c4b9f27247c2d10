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

func TestAuthleteServicesCRUD(t *testing.T) {
	sb := sandbox.Start(t)
	c := authleteClient(t, sb, sb.Authlete.Token)
	ctx := context.Background()

	seed, err := c.Services.Get(ctx, sb.Authlete.ServiceID)
	if err != nil {
		t.Fatal(err)
	}
	if got := seed.GetNumber(); got == 0 || sb.Authlete.ServiceID != itoa(int64(got)) {
		t.Fatalf("seed service number %d, want %s", got, sb.Authlete.ServiceID)
	}
	created, err := c.Services.Create(ctx, authlete.Service{ServiceName: authlete.Ptr("second"), Issuer: authlete.Ptr("https://as.example")})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(int64(created.GetNumber()))
	updated, err := c.Services.Update(ctx, id, authlete.Service{ServiceName: authlete.Ptr("renamed"), Issuer: created.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	if updated.GetServiceName() != "renamed" || updated.GetIssuer() != "https://as.example" {
		t.Errorf("update: name %q issuer %q", updated.GetServiceName(), updated.GetIssuer())
	}
	list, err := c.Services.List(ctx, &authlete.ServicesListParams{})
	if err != nil {
		t.Fatal(err)
	}
	if list.GetTotalCount() != 2 || len(list.Services) != 2 {
		t.Errorf("list: total %d, %d services", list.GetTotalCount(), len(list.Services))
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
		ClientName: authlete.Ptr("app"), RedirectURIs: []string{"https://app.example/cb"}, Developer: authlete.Ptr("dev1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(created.GetClientID())
	if created.GetClientSecret() == "" || created.GetClientType() != authlete.ClientTypeConfidential {
		t.Errorf("created client: secret %q type %q", created.GetClientSecret(), created.GetClientType())
	}
	got, err := c.Clients.Get(ctx, svc, id)
	if err != nil || got.GetClientName() != "app" {
		t.Fatalf("get: %v %q", err, got.GetClientName())
	}
	if _, err := c.Clients.Update(ctx, svc, id, authlete.OAuthClient{ClientName: authlete.Ptr("app 2")}); err != nil {
		t.Fatal(err)
	}
	list, err := c.Clients.List(ctx, svc, &authlete.ClientsListParams{Developer: authlete.Ptr("dev1")})
	if err != nil {
		t.Fatal(err)
	}
	if cl := list.Clients; len(cl) != 1 || cl[0].GetClientName() != "app 2" {
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
		Parameters: q.Encode(), ClientID: authlete.Ptr(sb.Authlete.ClientID), ClientSecret: authlete.Ptr(secret),
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
	if az.GetAction() != authlete.AuthorizationResponseActionInteraction || az.GetTicket() == "" {
		t.Fatalf("authorization: action %q ticket %q", az.GetAction(), az.GetTicket())
	}
	if got := itoa(az.GetClient().GetClientID()); got != a.ClientID {
		t.Errorf("authorization names client %s, want %s", got, a.ClientID)
	}
	iss, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: az.GetTicket(), Subject: "user-1"})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := url.Parse(iss.GetResponseContent())
	code := loc.Query().Get("code")
	if iss.GetAction() != authlete.AuthorizationIssueResponseActionLocation || code == "" || code != iss.GetAuthorizationCode() ||
		loc.Query().Get("state") != "st8" || !strings.HasPrefix(iss.GetResponseContent(), a.RedirectURI+"?") {
		t.Fatalf("issue: action %q location %q", iss.GetAction(), iss.GetResponseContent())
	}
	tok := tokenRequest(t, c, sb, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.RedirectURI}, "code_verifier": {verifier},
	}, a.ClientSecret)
	if tok.GetAction() != authlete.TokenResponseActionOK || tok.GetAccessToken() == "" || tok.GetRefreshToken() == "" ||
		tok.GetIDToken() == "" || tok.GetSubject() != "user-1" || !strings.Contains(tok.GetResponseContent(), tok.GetAccessToken()) {
		t.Fatalf("token: %+v", tok)
	}
	again := tokenRequest(t, c, sb, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {a.RedirectURI}, "code_verifier": {verifier},
	}, a.ClientSecret)
	if again.GetAction() != authlete.TokenResponseActionBadRequest || !strings.Contains(again.GetResponseContent(), "invalid_grant") {
		t.Errorf("a used code: action %q content %q", again.GetAction(), again.GetResponseContent())
	}

	in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: tok.GetAccessToken(), Scopes: []string{"profile"}})
	if err != nil {
		t.Fatal(err)
	}
	if in.GetAction() != authlete.IntrospectionResponseActionOK || in.GetSubject() != "user-1" || !in.GetUsable() {
		t.Errorf("introspection: action %q subject %q", in.GetAction(), in.GetSubject())
	}
	ui, err := c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: tok.GetAccessToken()})
	if err != nil {
		t.Fatal(err)
	}
	if ui.GetAction() != authlete.UserinfoResponseActionOK || ui.GetSubject() != "user-1" {
		t.Errorf("userinfo: action %q subject %q", ui.GetAction(), ui.GetSubject())
	}
	uiss, err := c.UserInfo.Issue(ctx, a.ServiceID, authlete.UserinfoIssueRequest{Token: tok.GetAccessToken(), Claims: authlete.Ptr(`{"name":"Ada"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if uiss.GetAction() != authlete.UserinfoIssueResponseActionJSON || !strings.Contains(uiss.GetResponseContent(), `"sub":"user-1"`) {
		t.Errorf("userinfo issue: action %q content %q", uiss.GetAction(), uiss.GetResponseContent())
	}

	// Refresh rotates: the new refresh token works, the old one no longer does.
	ref := tokenRequest(t, c, sb, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.GetRefreshToken()}}, a.ClientSecret)
	if ref.GetAction() != authlete.TokenResponseActionOK || ref.GetRefreshToken() == tok.GetRefreshToken() {
		t.Fatalf("refresh: action %q", ref.GetAction())
	}
	old := tokenRequest(t, c, sb, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.GetRefreshToken()}}, a.ClientSecret)
	if old.GetAction() != authlete.TokenResponseActionBadRequest {
		t.Errorf("reused refresh token: action %q, want BAD_REQUEST", old.GetAction())
	}

	// An expired access token is UNAUTHORIZED at introspection.
	a.ExpireToken(ref.GetAccessToken())
	in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: ref.GetAccessToken()})
	if err != nil {
		t.Fatal(err)
	}
	if in.GetAction() != authlete.IntrospectionResponseActionUnauthorized || in.GetUsable() {
		t.Errorf("expired token: action %q usable %v", in.GetAction(), in.GetUsable())
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
		{"unknown client", base("client_id", "42"), authlete.AuthorizationResponseActionBadRequest, "invalid_request"},
		{"unregistered redirect URI", base("redirect_uri", "https://evil.example/cb"), authlete.AuthorizationResponseActionBadRequest, "invalid_request"},
		{"unsupported response type", base("response_type", "magic"), authlete.AuthorizationResponseActionLocation, "error=unsupported_response_type"},
		{"response type the client may not use", base("response_type", "token"), authlete.AuthorizationResponseActionLocation, "error=unauthorized_client"},
		{"unsupported scope", base("scope", "openid admin"), authlete.AuthorizationResponseActionLocation, "error=invalid_scope"},
		{"prompt none", base("prompt", "none"), authlete.AuthorizationResponseActionNoInteraction, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := authorize(t, c, sb, tc.q)
			if res.GetAction() != tc.action || !strings.Contains(res.GetResponseContent(), tc.in) {
				t.Errorf("action %q content %q, want %q with %q", res.GetAction(), res.GetResponseContent(), tc.action, tc.in)
			}
		})
	}

	t.Run("fail redirects with the reason's error", func(t *testing.T) {
		az := authorize(t, c, sb, base())
		res, err := c.Authorization.Fail(ctx, a.ServiceID, authlete.AuthorizationFailRequest{Ticket: az.GetTicket(), Reason: authlete.AuthorizationFailRequestReasonDenied})
		if err != nil {
			t.Fatal(err)
		}
		if res.GetAction() != authlete.AuthorizationFailResponseActionLocation || !strings.Contains(res.GetResponseContent(), "error=access_denied") {
			t.Errorf("fail: action %q content %q", res.GetAction(), res.GetResponseContent())
		}
		again, err := c.Authorization.Fail(ctx, a.ServiceID, authlete.AuthorizationFailRequest{Ticket: az.GetTicket(), Reason: authlete.AuthorizationFailRequestReasonDenied})
		if err != nil || again.GetAction() != authlete.AuthorizationFailResponseActionBadRequest {
			t.Errorf("a used ticket: %v action %q, want BAD_REQUEST", err, again.GetAction())
		}
	})
	t.Run("form_post issues a FORM", func(t *testing.T) {
		az := authorize(t, c, sb, base("response_mode", "form_post"))
		res, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: az.GetTicket(), Subject: "u"})
		if err != nil {
			t.Fatal(err)
		}
		if res.GetAction() != authlete.AuthorizationIssueResponseActionForm || !strings.Contains(res.GetResponseContent(), `name="code"`) {
			t.Errorf("issue: action %q content %q", res.GetAction(), res.GetResponseContent())
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
		{"wrong client secret", url.Values{"grant_type": {"client_credentials"}}, "nope", authlete.TokenResponseActionInvalidClient, "invalid_client"},
		{"missing grant type", url.Values{"scope": {"profile"}}, a.ClientSecret, authlete.TokenResponseActionBadRequest, "invalid_request"},
		{"unknown grant type", url.Values{"grant_type": {"urn:magic"}}, a.ClientSecret, authlete.TokenResponseActionBadRequest, "unsupported_grant_type"},
		{"unknown code", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "redirect_uri": {a.RedirectURI}}, a.ClientSecret, authlete.TokenResponseActionBadRequest, "invalid_grant"},
		{"client credentials", url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}, a.ClientSecret, authlete.TokenResponseActionOK, "access_token"},
		{"password", url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"pw"}}, a.ClientSecret, authlete.TokenResponseActionPassword, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tokenRequest(t, c, sb, tc.q, tc.secret)
			if res.GetAction() != tc.action || !strings.Contains(res.GetResponseContent(), tc.in) {
				t.Errorf("action %q content %q, want %q with %q", res.GetAction(), res.GetResponseContent(), tc.action, tc.in)
			}
		})
	}

	t.Run("password then issue, then fail", func(t *testing.T) {
		pw := tokenRequest(t, c, sb, url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"pw"}, "scope": {"openid"}}, a.ClientSecret)
		if pw.GetUsername() != "ada" || pw.GetPassword() != "pw" {
			t.Fatalf("PASSWORD answer: %+v", pw)
		}
		iss, err := c.Token.Issue(ctx, a.ServiceID, authlete.TokenIssueRequest{Ticket: pw.GetTicket(), Subject: "ada"})
		if err != nil {
			t.Fatal(err)
		}
		if iss.GetAction() != authlete.TokenIssueResponseActionOK || iss.GetAccessToken() == "" {
			t.Errorf("token issue: action %q", iss.GetAction())
		}
		pw = tokenRequest(t, c, sb, url.Values{"grant_type": {"password"}, "username": {"ada"}, "password": {"bad"}}, a.ClientSecret)
		fail, err := c.Token.Fail(ctx, a.ServiceID, authlete.TokenFailRequest{Ticket: pw.GetTicket(), Reason: authlete.TokenFailRequestReasonInvalidResourceOwnerCredentials})
		if err != nil {
			t.Fatal(err)
		}
		if fail.GetAction() != authlete.TokenFailResponseActionBadRequest || !strings.Contains(fail.GetResponseContent(), "invalid_grant") {
			t.Errorf("token fail: action %q content %q", fail.GetAction(), fail.GetResponseContent())
		}
	})

	t.Run("introspection and userinfo refuse what they must", func(t *testing.T) {
		cc := tokenRequest(t, c, sb, url.Values{"grant_type": {"client_credentials"}, "scope": {"profile"}}, a.ClientSecret)
		in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: cc.GetAccessToken(), Scopes: []string{"email"}})
		if err != nil || in.GetAction() != authlete.IntrospectionResponseActionForbidden {
			t.Errorf("insufficient scope: %v action %q", err, in.GetAction())
		}
		in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: "unknown"})
		if err != nil || in.GetAction() != authlete.IntrospectionResponseActionUnauthorized || in.GetExistent() {
			t.Errorf("unknown token: %v action %q", err, in.GetAction())
		}
		in, err = c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: ""})
		if err != nil || in.GetAction() != authlete.IntrospectionResponseActionBadRequest {
			t.Errorf("empty token: %v action %q", err, in.GetAction())
		}
		ui, err := c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: cc.GetAccessToken()})
		if err != nil || ui.GetAction() != authlete.UserinfoResponseActionForbidden {
			t.Errorf("userinfo with a client token: %v action %q", err, ui.GetAction())
		}
		ui, err = c.UserInfo.Process(ctx, a.ServiceID, authlete.UserinfoRequest{Token: "unknown"})
		if err != nil || ui.GetAction() != authlete.UserinfoResponseActionUnauthorized {
			t.Errorf("userinfo with an unknown token: %v action %q", err, ui.GetAction())
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
