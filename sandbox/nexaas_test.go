package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/retry"
	"github.com/idsdk/idsdk-go/sandbox"
	"github.com/idsdk/idsdk-go/sandbox/internal/conform"
)

// nexaasClient is the generated Nexaas ID client pointed at the sandbox
// with the credential cred; API calls are checked against
// api/nexaasid/openapi.yaml, token requests (outside that document) are
// not.
func nexaasClient(t *testing.T, sb *sandbox.Sandbox, cred func(nexaas.Config) nexaasid.ClientOption) *nexaasid.Client {
	t.Helper()
	cfg := nexaas.Config{ClientID: sb.Nexaas.ClientID, ClientSecret: auth.Secret(sb.Nexaas.ClientSecret), HTTPClient: &http.Client{}}
	c, err := nexaasid.New(
		nexaasid.WithBaseURL(sb.Nexaas.BaseURL),
		nexaasid.WithHTTPClient(conform.MustLoad(t, "nexaasid").Client(t)),
		nexaasid.WithRetry(retry.Off()),
		cred(cfg),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nexaasUser is a user record of the application: where it keeps the
// person's Nexaas tokens.
type nexaasUser struct {
	mu                        sync.Mutex
	AccessToken, RefreshToken string
	Expiry                    time.Time
	Saves                     int
}

func (u *nexaasUser) store() auth.Store {
	return auth.StoreFuncs{
		LoadFunc: func(context.Context) (*oauth2.Token, error) {
			u.mu.Lock()
			defer u.mu.Unlock()
			return &oauth2.Token{AccessToken: u.AccessToken, RefreshToken: u.RefreshToken, Expiry: u.Expiry}, nil
		},
		SaveFunc: func(_ context.Context, tok *oauth2.Token) error {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.AccessToken, u.RefreshToken, u.Expiry = tok.AccessToken, tok.RefreshToken, tok.Expiry
			u.Saves++
			return nil
		},
	}
}

// signedInNexaas signs the sandbox's person in and returns their record
// with the tokens, and a client that acts for them through it.
func signedInNexaas(t *testing.T, sb *sandbox.Sandbox) (*nexaasUser, *nexaasid.Client) {
	t.Helper()
	user := &nexaasUser{}
	var err error
	user.AccessToken, user.RefreshToken, user.Expiry, err = sb.Nexaas.SignIn(sb.Nexaas.UserID, "")
	if err != nil {
		t.Fatal(err)
	}
	return user, nexaasClient(t, sb, func(cfg nexaas.Config) nexaasid.ClientOption { return nexaasid.WithIdentity(cfg, user.store()) })
}

func TestNexaasProfileWithRefreshWrittenBack(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	user, c := signedInNexaas(t, sb)

	p, err := c.Profile.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != sb.Nexaas.UserID || p.GetEmail() != sb.Nexaas.UserEmail || p.GetName() != "Ada Lovelace" {
		t.Errorf("profile: id %q email %q name %q", p.ID, p.GetEmail(), p.GetName())
	}
	if pi, err := c.Profile.ProfessionalInfo(ctx); err != nil || pi.GetCompany() != "Analytical Engines" {
		t.Errorf("professional info: %v", err)
	}
	if ct, err := c.Profile.Contacts(ctx); err != nil || len(ct.PhoneNumbers) != 1 {
		t.Errorf("contacts: %v", err)
	}
	if em, err := c.Profile.Emails(ctx); err != nil || len(em.Emails) != 1 || em.Emails[0] != sb.Nexaas.UserEmail {
		t.Errorf("emails: %v", err)
	}

	// The server ends the access token early: the 401 makes the client
	// refresh once, and the rotated refresh token lands in the record.
	oldRefresh := user.RefreshToken
	sb.Nexaas.ExpireTokens()
	if _, err := c.Profile.Get(ctx); err != nil {
		t.Fatalf("after the token expired: %v", err)
	}
	if user.Saves != 1 || user.RefreshToken == oldRefresh || user.RefreshToken == "" {
		t.Fatalf("record after refresh: %d saves, refresh token rotated %v", user.Saves, user.RefreshToken != oldRefresh)
	}
	// The refresh token used is revoked.
	o, _ := nexaas.Config{BaseURL: sb.Nexaas.BaseURL, ClientID: sb.Nexaas.ClientID, ClientSecret: auth.Secret(sb.Nexaas.ClientSecret)}.OAuth2("")
	_, err = o.TokenSource(ctx, &oauth2.Token{RefreshToken: oldRefresh}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("old refresh token: %v, want invalid_grant", err)
	}
}

func TestNexaasSignUpsWithApplicationToken(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	c := nexaasClient(t, sb, func(cfg nexaas.Config) nexaasid.ClientOption { return nexaasid.WithApplication(cfg) })

	su, err := c.SignUps.Create(ctx, nexaasid.SignUpRequest{Invited: "grace@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if su.Email != "grace@example.com" || su.Requester != nil || su.ID == "" {
		t.Errorf("sign-up: %+v", su)
	}
	if inv := sb.Nexaas.Invitations(); len(inv) != 1 || inv[0].Email != "grace@example.com" {
		t.Errorf("invitations: %+v", inv)
	}
	_, err = c.SignUps.Create(ctx, nexaasid.SignUpRequest{Invited: sb.Nexaas.UserEmail})
	if !hasStatus(err, http.StatusUnprocessableEntity) {
		t.Errorf("inviting a member: %v, want 422", err)
	}
	// An application token holds no user: the profile is refused.
	if _, err := c.Profile.Get(ctx); !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("profile with an application token: %v, want 401", err)
	}
}

func TestNexaasAuthorizationCodeFlow(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	o, err := nexaas.Config{BaseURL: sb.Nexaas.BaseURL, ClientID: sb.Nexaas.ClientID, ClientSecret: auth.Secret(sb.Nexaas.ClientSecret)}.
		OAuth2(sb.Nexaas.RedirectURI, "profile")
	if err != nil {
		t.Fatal(err)
	}
	nofollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := sandbox.SubmitLogin(ctx, nofollow, o.AuthCodeURL("st"), sb.Nexaas.UserEmail, sb.Nexaas.UserPassword)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("state") != "st" || loc.Query().Get("code") == "" {
		t.Fatalf("login answered %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := o.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	c := nexaasClient(t, sb, func(nexaas.Config) nexaasid.ClientOption { return nexaasid.WithToken(oauth2.StaticTokenSource(tok)) })
	if p, err := c.Profile.Get(ctx); err != nil || p.ID != sb.Nexaas.UserID {
		t.Fatalf("profile: %v", err)
	}
}

// hasStatus reports whether err is an API error with this status.
func hasStatus(err error, status int) bool {
	var e *sdkerrors.APIError
	return errors.As(err, &e) && e.StatusCode == status
}

func TestNexaasExpireTokenFaultRefreshesOnce(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	user, c := signedInNexaas(t, sb)
	// The next profile call finds its token expired: the client is
	// refused, refreshes, and the retry succeeds.
	sb.Nexaas.Fault(http.MethodGet, "/api/v1/profile", sandbox.Fault{ExpireToken: true, Times: 1})
	if _, err := c.Profile.Get(ctx); err != nil {
		t.Fatal(err)
	}
	if user.Saves != 1 {
		t.Errorf("saves: %d, want 1 (one refresh)", user.Saves)
	}
}

func TestNexaasWidgets(t *testing.T) {
	sb := sandbox.Start(t)
	at, _, _, err := sb.Nexaas.SignIn(sb.Nexaas.UserID, "")
	if err != nil {
		t.Fatal(err)
	}
	hc := conform.MustLoad(t, "nexaasid").Client(t)
	for _, tc := range []struct {
		path, ctype string
		status      int
	}{
		{"/api/v1/widgets/navbar?access_token=" + at, "text/html", http.StatusOK},
		{"/api/v1/widgets/user.js?access_token=" + at, "application/javascript", http.StatusOK},
	} {
		resp, err := hc.Get(sb.Nexaas.BaseURL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
