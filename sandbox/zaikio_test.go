package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/retry"
	"github.com/idsdk/idsdk-go/sandbox"
	"github.com/idsdk/idsdk-go/sandbox/internal/conform"
)

// zaikioOAuth is the app's OAuth client (auth/zaikio) on the sandbox Hub,
// its token requests checked against api/zaikiooauth/openapi.yaml.
func zaikioOAuth(t *testing.T, sb *sandbox.Sandbox) *zaikio.Client {
	t.Helper()
	c, err := zaikio.NewClient(zaikio.Config{
		Host: sb.Zaikio.Host, ClientID: sb.Zaikio.ClientID, ClientSecret: auth.Secret(sb.Zaikio.ClientSecret),
		// Token requests and revocation (a Hub API path) are both checked.
		HTTPClient: &http.Client{Transport: conform.Transport(t, nil, conform.MustLoad(t, "zaikiooauth"), conform.MustLoad(t, "zaikiohub"))},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// zaikioHub is the generated Hub client on the sandbox with credential,
// every exchange checked against api/zaikiohub/openapi.yaml.
func zaikioHub(t testing.TB, sb *sandbox.Sandbox, credential zaikiohub.ClientOption) *zaikiohub.Client {
	t.Helper()
	c, err := zaikiohub.New(
		zaikiohub.WithBaseURL(sb.Zaikio.APIURL),
		zaikiohub.WithHTTPClient(conform.MustLoad(t, "zaikiohub").Client(t)),
		zaikiohub.WithRetry(retry.Off()),
		credential,
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fromJSON decodes a request body written as JSON (the generated bodies
// hold anonymous structs).
func fromJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestZaikioWebSignInThenHubCall drives the app's own sign-in (auth/zaikio
// on auth/webflow, served on a loopback server) with a cookie jar and no
// browser, then calls the Hub with the token the flow stored.
func TestZaikioWebSignInThenHubCall(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	oc := zaikioOAuth(t, sb)

	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	store := webflow.NewMemoryStore()
	flow, err := webflow.New(webflow.Config{
		Prefix: "/zaikio", BaseURL: app.URL, Store: store, CookieSecret: []byte("0123456789abcdef0123456789abcdef"),
		Clients: []webflow.Client{zaikio.WebflowClient("hub", oc, []string{"Per.directory.person.r"}, nil)},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/zaikio/", flow)
	mux.Handle("/me", flow.RequireSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _ := webflow.TokenFromContext(r.Context())
		p, err := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(tok))).Person.Get(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, p.FullName)
	})))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := sandbox.SubmitLogin(ctx, browser, app.URL+"/zaikio/sessions/new?origin=%2Fme", sb.Zaikio.PersonEmail, sb.Zaikio.PersonPassword)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "Ada Lovelace" {
		t.Fatalf("after sign-in: %d %q", resp.StatusCode, body)
	}
	if store.Len() != 1 {
		t.Errorf("tokens stored: %d, want 1", store.Len())
	}

	// A wrong password shows the login page again, with no redirect.
	resp, err = sandbox.SubmitLogin(ctx, &http.Client{Jar: jar}, app.URL+"/zaikio/sessions/new", sb.Zaikio.PersonEmail, "wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Host == strings.TrimPrefix(app.URL, "http://") {
		t.Errorf("a wrong password reached the app: %s", resp.Request.URL)
	}
}

func TestZaikioOrganizationTokenSitesAndSubscriptions(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	z := sb.Zaikio
	oc := zaikioOAuth(t, sb)

	tok, err := oc.ClientCredentials(ctx, "Org/"+z.OrganizationID+".directory.organization.r", "Org/"+z.OrganizationID+".directory.sites.rw")
	if err != nil {
		t.Fatal(err)
	}
	if tok.BearerType != zaikio.BearerOrganization || tok.BearerID != z.OrganizationID || len(tok.Scopes) != 2 {
		t.Fatalf("organization token: %v", tok)
	}
	hub := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(tok.OAuth2())))
	org, err := hub.Organization.Get(ctx)
	if err != nil || org.ID != z.OrganizationID || !org.Connected {
		t.Fatalf("organization: %v %+v", err, org)
	}
	created, err := hub.Sites.Create(ctx, fromJSON[zaikiohub.SitesCreateBody](t,
		`{"site":{"name":"Mainz","address_attributes":{"addressee":"Sandbox Printing","text":"Emmerich-Josef-Str. 1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Sites.Update(ctx, created.GetID(), fromJSON[zaikiohub.SitesUpdateBody](t, `{"site":{"name":"Mainz 2"}}`)); err != nil {
		t.Fatal(err)
	}
	got, err := hub.Sites.Get(ctx, created.GetID())
	if err != nil || got.Name != "Mainz 2" {
		t.Fatalf("site: %v", err)
	}
	var names []string
	for s, err := range hub.Sites.All(ctx, &zaikiohub.SitesListParams{PerPage: zaikiohub.Ptr(zaikiohub.PerPageParam(1))}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.Name)
	}
	if len(names) != 2 { // the headquarter and Mainz 2, one per page
		t.Errorf("sites: %v", names)
	}
	if _, err := hub.Sites.Get(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, sdkerrors.ErrNotFound) {
		t.Errorf("unknown site: %v, want 404", err)
	}

	// The organization's token sees its connection and subscription.
	conns, err := hub.Connections.List(ctx, &zaikiohub.ConnectionsListParams{})
	if err != nil || len(conns) != 1 || conns[0].ConnectableID != z.OrganizationID {
		t.Fatalf("connections: %v %+v", err, conns)
	}
	subs, err := hub.Subscriptions.List(ctx, &zaikiohub.SubscriptionsListParams{})
	if err != nil || len(subs) != 1 || subs[0].Plan != "basic" {
		t.Fatalf("subscriptions: %v %+v", err, subs)
	}
	upd, err := hub.Subscriptions.Update(ctx, z.OrganizationID, fromJSON[zaikiohub.SubscriptionsUpdateBody](t,
		`{"subscription":{"increment_usages_in_current_billing_period":{"orders":2}}}`))
	if err != nil || upd.UsagesInCurrentBillingPeriod["orders"] != 2 {
		t.Fatalf("subscription update: %v %+v", err, upd)
	}

	// The app itself authenticates with HTTP Basic.
	for secret, want := range map[string]int{z.ClientSecret: http.StatusOK, "wrong": http.StatusUnauthorized} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, z.APIURL+"/connections", nil)
		req.SetBasicAuth(z.ClientID, secret)
		resp, err := conform.MustLoad(t, "zaikiohub").Client(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("connections with Basic (secret ok: %v): %d, want %d", secret == z.ClientSecret, resp.StatusCode, want)
		}
	}
}

func TestZaikioPersonOrganizationsAndRefresh(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	z := sb.Zaikio
	at, rt, err := z.SignIn(z.PersonID, "Per.directory.person.r", "Per.directory.organizations.rw", "Per.directory.sites.r")
	if err != nil {
		t.Fatal(err)
	}
	hub := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: at})))
	ms, err := hub.Person.ListOrganizationMemberships(ctx)
	if err != nil || len(ms) != 1 {
		t.Fatalf("memberships: %v %d", err, len(ms))
	}
	org, err := hub.Person.Organizations.Create(ctx, fromJSON[zaikiohub.PersonOrganizationsCreateBody](t,
		`{"organization":{"name":"Second Shop","country_code":"DE","kinds":["printer"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	sites, err := hub.Person.Organizations.Sites.List(ctx, org.ID, &zaikiohub.PersonOrganizationsSitesListParams{})
	if err != nil || len(sites) != 1 || !sites[0].Headquarter {
		t.Fatalf("sites of the new organization: %v %+v", err, sites)
	}
	// A person token cannot read an organization's own endpoint.
	if _, err := hub.Organization.Get(ctx); !errors.Is(err, sdkerrors.ErrForbidden) {
		t.Errorf("organization with a person token: %v, want 403", err)
	}

	// Refresh rotates: the new refresh token works, the used one does not.
	oc := zaikioOAuth(t, sb)
	next, err := oc.Refresh(ctx, rt)
	if err != nil || next.RefreshToken == rt || next.BearerID != z.PersonID {
		t.Fatalf("refresh: %v %v", err, next)
	}
	if _, err := oc.Refresh(ctx, rt); err == nil {
		t.Error("a used refresh token was accepted")
	}
	z.ExpireTokens()
	if _, err := hub.Person.Get(ctx); !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("expired token: %v, want 401", err)
	}
}

func TestZaikioPersonSitesConnectionsAndRevocation(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	z := sb.Zaikio
	at, _, err := z.SignIn(z.PersonID, "Per.directory.person.rw", "Per.directory.sites.rw")
	if err != nil {
		t.Fatal(err)
	}
	hub := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: at})))
	p, err := hub.Person.Update(ctx, fromJSON[zaikiohub.PersonUpdateBody](t, `{"person":{"first_name":"Augusta","locale":"de"}}`))
	if err != nil || p.FullName != "Augusta Lovelace" {
		t.Fatalf("person update: %v %+v", err, p)
	}
	site, err := hub.Person.Organizations.Sites.Create(ctx, z.OrganizationID, fromJSON[zaikiohub.PersonOrganizationsSitesCreateBody](t, `{"site":{"name":"Depot"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Person.Organizations.Sites.Update(ctx, z.OrganizationID, site.GetID(), fromJSON[zaikiohub.PersonOrganizationsSitesUpdateBody](t, `{"site":{"name":"Depot 2"}}`)); err != nil {
		t.Fatal(err)
	}
	got, err := hub.Person.Organizations.Sites.Get(ctx, z.OrganizationID, site.GetID())
	if err != nil || got.Name != "Depot 2" {
		t.Fatalf("person site: %v", err)
	}
	if _, err := hub.Person.Organizations.Sites.List(ctx, z.AddOrganization(sandbox.ZaikioOrganization{Name: "Not Mine"}), nil); !errors.Is(err, sdkerrors.ErrForbidden) {
		t.Errorf("sites of another organization: %v, want 403", err)
	}

	// The person's sign-in connected the app; the organization's
	// subscription is reachable by its subscriber id and can be deleted.
	if c, err := hub.Connections.Get(ctx, z.PersonID); err != nil || c.ConnectableType != "Person" {
		t.Errorf("connection: %v %+v", err, c)
	}
	oc := zaikioOAuth(t, sb)
	org, err := oc.ClientCredentials(ctx, "Org/"+z.OrganizationID+".directory.organization.r")
	if err != nil {
		t.Fatal(err)
	}
	orgHub := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(org.OAuth2())))
	if sub, err := orgHub.Subscriptions.Get(ctx, z.OrganizationID); err != nil || sub.Status != "active" {
		t.Fatalf("subscription: %v %+v", err, sub)
	}
	if err := orgHub.Subscriptions.Delete(ctx, z.OrganizationID); err != nil {
		t.Fatal(err)
	}
	if _, err := orgHub.Subscriptions.Get(ctx, z.OrganizationID); !errors.Is(err, sdkerrors.ErrNotFound) {
		t.Errorf("deleted subscription: %v, want 404", err)
	}

	// Revocation ends the token at once.
	if err := oc.Revoke(ctx, at); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.Person.Get(ctx); !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("revoked token: %v, want 401", err)
	}
}

func TestZaikioRateLimitFault(t *testing.T) {
	sb := sandbox.Start(t)
	ctx := context.Background()
	z := sb.Zaikio
	at, _, err := z.SignIn(z.PersonID)
	if err != nil {
		t.Fatal(err)
	}
	hub := zaikioHub(t, sb, zaikiohub.WithToken(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: at})))
	// GET /connections documents a 429; its body is the Hub's errors list.
	z.Fault(http.MethodGet, "/api/v1/connections", sandbox.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3e9, Times: 1})
	_, err = hub.Connections.List(ctx, nil)
	var apiErr *sdkerrors.APIError
	if !errors.Is(err, sdkerrors.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Header.Get("Retry-After") != "3" {
		t.Fatalf("err = %v, want 429 with Retry-After 3", err)
	}
	if _, err := hub.Connections.List(ctx, nil); err != nil {
		t.Fatalf("after the one fault: %v", err)
	}
}
