package contract_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/retry"
)

func TestNexaasIDContract(t *testing.T) {
	prism := peers.StartPrism(t, "api/nexaasid/openapi.yaml")
	defer prism.Stop()
	rec := &peers.ViolationRecorder{}
	c, err := nexaasid.New(
		nexaasid.WithBaseURL(prism.URL),
		nexaasid.WithHTTPClient(&http.Client{Transport: rec}),
		nexaasid.WithToken(auth.Bearer("contract-test-token")),
		nexaasid.WithRetry(retry.Off()),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var cov coverage
	mustNotNil := func(id string, v any, err error) {
		t.Helper()
		cov.add(id)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			return
		}
		if v == nil {
			t.Errorf("%s: nil result", id)
		}
	}

	p, err := c.Profile.Get(ctx)
	mustNotNil("GetProfile", p, err)
	if err == nil && p.ID == "00000000-0000-0000-0000-000000000000" {
		t.Errorf("GetProfile: zero id")
	}
	pi, err := c.Profile.ProfessionalInfo(ctx)
	mustNotNil("GetProfessionalInfo", pi, err)
	ct, err := c.Profile.Contacts(ctx)
	mustNotNil("GetContacts", ct, err)
	em, err := c.Profile.Emails(ctx)
	mustNotNil("GetEmails", em, err)
	su, err := c.SignUps.Create(ctx, nexaasid.SignUpRequest{Invited: "new.person@example.com"})
	mustNotNil("CreateSignUp", su, err)

	// URL builders make no call; the URLs they build must be valid
	// requests for the document too.
	// The widgets carry the client's own token unless one is given.
	token := "widget-token"
	navbar, err := c.Widgets.NavbarURL(ctx, &nexaasid.WidgetsNavbarURLParams{AccessToken: &token})
	cov.add("GetNavbarWidget")
	fetchURL(t, rec, navbar, err)
	cid, redirect := "client-1", "https://app.example.com/back"
	navbarOut, err := c.Widgets.NavbarURL(ctx, &nexaasid.WidgetsNavbarURLParams{ClientID: &cid, RedirectURI: &redirect})
	fetchURL(t, rec, navbarOut, err)
	if u, _ := url.Parse(navbarOut); u != nil && u.Query().Get("access_token") != "contract-test-token" {
		t.Errorf("NavbarURL = %s, want the client's token", navbarOut)
	}
	js, err := c.Widgets.UserJSURL(ctx, nil)
	cov.add("GetUserWidgetScript")
	fetchURL(t, rec, js, err)
	if u, _ := url.Parse(js); u != nil && u.Query().Get("access_token") != "contract-test-token" {
		t.Errorf("UserJSURL = %s, want the client's token", js)
	}

	// Documented error answers decode to typed errors.
	_, err = c.Profile.Get(ctx, nexaasid.WithRequestHeader("Prefer", "code=401"))
	if !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("Prefer code=401: err = %v, want ErrUnauthorized", err)
	}
	var nx *sdkerrors.NexaasError
	if !errors.As(err, &nx) || nx.StatusCode != 401 {
		t.Errorf("Prefer code=401: err = %#v, want a *NexaasError with status 401", err)
	}
	_, err = c.SignUps.Create(ctx, nexaasid.SignUpRequest{Invited: "x@example.com"}, nexaasid.WithRequestHeader("Prefer", "code=422"))
	if !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Errorf("Prefer code=422: err = %v, want ErrBadRequest", err)
	}

	if v := rec.Violations(); len(v) > 0 {
		t.Errorf("Prism reported request violations:\n%v", v)
	}

	// The check above can fail: a request that breaks the document (no
	// access_token, which user.js requires) is reported.
	bad := &peers.ViolationRecorder{}
	resp, err := (&http.Client{Transport: bad}).Get(prism.URL + "/api/v1/widgets/user.js")
	if err == nil {
		resp.Body.Close()
	}
	if len(bad.Violations()) == 0 {
		t.Errorf("Prism reported no violation for a request missing a required parameter")
	}
	n := cov.check(t, "nexaasid")
	t.Logf("nexaasid: %d operations exercised, %d requests, no violations", n, rec.Requests())
}

// fetchURL loads a URL built by a URL builder through the recorder, so that
// Prism validates it.
func fetchURL(t *testing.T, rec *peers.ViolationRecorder, u string, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("building URL: %v", err)
		return
	}
	resp, err := (&http.Client{Transport: rec}).Get(u)
	if err != nil {
		t.Errorf("GET %s: %v", u, err)
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: %s", u, resp.Status)
	}
}
