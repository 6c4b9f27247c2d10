package contract_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

// The Auth0-specific endpoints of auth/auth0 (sign-up, change password,
// passwordless, MFA, password-realm login, logout and authorize URLs)
// against Prism serving api/auth0auth/openapi.yaml: every request must be
// valid for Auth0's document.

func TestAuth0AuthPrismFlows(t *testing.T) {
	prism := peers.StartPrism(t, "api/auth0auth/openapi.yaml")
	defer prism.Stop()
	rec := &peers.ViolationRecorder{}
	ctx := context.Background()
	newClient := func(t *testing.T, opts ...auth0.Option) *auth0.Client {
		t.Helper()
		base := []auth0.Option{
			auth0.WithBaseURL(prism.URL), auth0.WithRetry(retry.Off()),
			auth0.WithHTTPClient(&http.Client{Transport: rec}), auth0.WithClientSecret(a0WebSecret),
		}
		c, err := auth0.New("tenant.example.auth0.com", a0WebID, append(base, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(t)
	// Prism makes up token responses: its "id_token" is not a JWT, and the
	// client rightly refuses it. Anything else is a failure.
	tokenOK := func(t *testing.T, tok *auth0.Token, err error) {
		t.Helper()
		if err != nil && !errors.Is(err, idtoken.ErrMalformed) {
			t.Fatalf("token request: %v", err)
		}
		if err == nil && tok.AccessToken == "" {
			t.Fatal("no access token")
		}
	}

	t.Run("Signup", func(t *testing.T) {
		_, err := c.Signup(ctx, auth0.SignupParams{
			Email: "ada@example.com", Password: "correct horse battery staple", Connection: "Username-Password-Authentication",
			Username: "ada", GivenName: "Ada", FamilyName: "Lovelace", UserMetadata: map[string]any{"plan": "free"},
		})
		if err != nil {
			t.Fatalf("signup: %v", err)
		}
		if _, err := c.Signup(ctx, auth0.SignupParams{Email: "ada@example.com"}); err == nil {
			t.Fatal("signup without password accepted")
		}
	})
	t.Run("ChangePassword", func(t *testing.T) {
		if _, err := c.ChangePassword(ctx, "ada@example.com", "Username-Password-Authentication", ""); err != nil {
			t.Fatalf("change password: %v", err)
		}
	})
	t.Run("PasswordlessEmailCode", func(t *testing.T) {
		if err := c.StartPasswordless(ctx, auth0.PasswordlessParams{Channel: auth0.ChannelEmail, Email: "ada@example.com"}); err != nil {
			t.Fatalf("start: %v", err)
		}
		tok, err := c.VerifyPasswordless(ctx, auth0.ChannelEmail, "ada@example.com", "123456", "openid", "")
		tokenOK(t, tok, err)
	})
	t.Run("PasswordlessSMSAndLink", func(t *testing.T) {
		if err := c.StartPasswordless(ctx, auth0.PasswordlessParams{Channel: auth0.ChannelSMS, PhoneNumber: "+14155550100"}); err != nil {
			t.Fatalf("sms: %v", err)
		}
		if err := c.StartPasswordless(ctx, auth0.PasswordlessParams{Channel: auth0.ChannelEmail, Send: auth0.SendLink, Email: "ada@example.com",
			AuthParams: map[string]any{"scope": "openid", "state": "s1"}}); err != nil {
			t.Fatalf("link: %v", err)
		}
		if err := c.StartPasswordless(ctx, auth0.PasswordlessParams{Channel: auth0.ChannelSMS, Send: auth0.SendLink, PhoneNumber: "+1"}); err == nil {
			t.Fatal("SMS link accepted")
		}
	})
	t.Run("LoginPasswordRealm", func(t *testing.T) {
		tok, err := c.Login(ctx, "ada@example.com", "pw", auth0.LoginParams{Realm: "Username-Password-Authentication", Scope: "openid", Audience: "https://api.example"})
		tokenOK(t, tok, err)
		tok, err = c.Login(ctx, "ada@example.com", "pw", auth0.LoginParams{})
		tokenOK(t, tok, err)
	})
	t.Run("LoginBasicAuth", func(t *testing.T) {
		b := newClient(t, auth0.WithAuthMethod(auth.ClientSecretBasic))
		tok, err := b.Login(ctx, "ada@example.com", "pw", auth0.LoginParams{})
		tokenOK(t, tok, err)
	})
	t.Run("MFA", func(t *testing.T) {
		ch, err := c.MFAChallenge(ctx, "mfa-token-from-error", auth0.ChallengeOOB, "")
		if err != nil {
			t.Fatalf("challenge: %v", err)
		}
		_ = ch
		tok, err := c.VerifyMFAOTP(ctx, "mfa-token-from-error", "000000")
		tokenOK(t, tok, err)
		tok, err = c.VerifyMFAOOB(ctx, "mfa-token-from-error", "oob-code", "12")
		tokenOK(t, tok, err)
		tok, err = c.VerifyMFARecoveryCode(ctx, "mfa-token-from-error", "RECOVERY")
		tokenOK(t, tok, err)
	})
	t.Run("UserInfo", func(t *testing.T) {
		if _, err := c.UserInfo(ctx, "access-token"); err != nil {
			t.Fatalf("userinfo: %v", err)
		}
	})
	t.Run("LogoutURL", func(t *testing.T) {
		u, err := c.LogoutURL("https://app.example/bye", "", true)
		if err != nil || !strings.Contains(u, "returnTo=https%3A%2F%2Fapp.example%2Fbye") || !strings.Contains(u, "client_id="+a0WebID) || !strings.HasSuffix(u, "&federated") {
			t.Fatalf("logout URL %q: %v", u, err)
		}
		peers.ContractFetch(t, rec, u, err, "")
	})
	t.Run("AuthorizeURL", func(t *testing.T) {
		u, _, _, _, err := c.AuthorizeURL(auth0.AuthorizeParams{
			RedirectURI: a0Redirect, Audience: "https://api.example", Organization: "org_123", Invitation: "inv",
			Connection: "google-oauth2", Prompt: "login", ScreenHint: "signup", MaxAge: 3600e9,
		})
		peers.ContractFetch(t, rec, u, err, "")
	})

	if v := rec.Violations(); len(v) > 0 {
		t.Fatalf("Prism found invalid requests:\n%s", strings.Join(v, "\n"))
	}
	if rec.Requests() < 14 {
		t.Fatalf("only %d requests reached Prism", rec.Requests())
	}
}
