package sandbox_test

// Each option of New and each method that adds state changes what the
// emulator answers. Plain HTTP requests, no generated client: what is
// tested is the emulator's state.

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/sandbox"
)

// call sends a request (a form body when form is not nil) and decodes
// the JSON answer, returning the status and the decoded value.
func call(t *testing.T, method, target string, form url.Values, header http.Header) (int, any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	_ = json.Unmarshal(raw, &v)
	return resp.StatusCode, v
}

func basic(id, secret string) http.Header {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	return r.Header
}

func bearerHeader(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// member reads a string or number member of a decoded JSON object.
func member(v any, key string) string {
	m, _ := v.(map[string]any)
	switch x := m[key].(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	return ""
}

// TestWithPortsServesOnFixedPorts: the four APIs listen on base..base+3.
func TestWithPortsServesOnFixedPorts(t *testing.T) {
	var sb *sandbox.Sandbox
	var base int
	for range 20 {
		base = 20000 + rand.IntN(30000)
		s, err := sandbox.New(sandbox.WithPorts(base))
		if err == nil {
			sb = s
			break
		}
	}
	if sb == nil {
		t.Fatal("no four free consecutive ports found")
	}
	defer sb.Close()
	for i, u := range []string{sb.Auth0.URL, sb.Authlete.BaseURL, sb.Nexaas.BaseURL, sb.Zaikio.Host} {
		p, _ := url.Parse(u)
		if _, port, _ := net.SplitHostPort(p.Host); port != fmt.Sprint(base+i) {
			t.Errorf("API %d at %s, want port %d", i, u, base+i)
		}
	}
	if st, _ := call(t, "GET", sb.Auth0.URL+"/.well-known/jwks.json", nil, nil); st != 200 {
		t.Fatalf("the Auth0 tenant does not answer on its port: %d", st)
	}
}

// TestAuth0ApplicationOptions: WithAuth0Client and WithAuth0App set the
// credentials the token endpoint accepts; an App without a secret is a
// public application; CreateUser adds a user who can sign in.
func TestAuth0ApplicationOptions(t *testing.T) {
	sb := sandbox.Start(t, sandbox.WithAuth0Client("m2m-fixed", "m2m-secret-fixed"), sandbox.WithAuth0App("web-fixed", "web-secret-fixed"))
	a := sb.Auth0
	if a.ClientID != "m2m-fixed" || a.ClientSecret != "m2m-secret-fixed" || a.AppClientID != "web-fixed" || a.AppClientSecret != "web-secret-fixed" {
		t.Fatalf("credentials %q %q %q", a.ClientID, a.AppClientID, a.AppClientSecret)
	}
	cc := func(id, secret string) (int, any) {
		return call(t, "POST", a.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "audience": {a.Audience},
			"client_id": {id}, "client_secret": {secret}}, nil)
	}
	if st, body := cc("m2m-fixed", "m2m-secret-fixed"); st != 200 || member(body, "access_token") == "" {
		t.Fatalf("m2m client credentials: %d %v", st, body)
	}
	if st, _ := cc("m2m-fixed", "other"); st != 401 {
		t.Fatalf("wrong secret: %d", st)
	}

	id, err := a.CreateUser(sandbox.Auth0User{Email: "grace@example.com", Password: "Hopper-Passw0rd", EmailVerified: true})
	if err != nil || !strings.HasPrefix(id, "auth0|") {
		t.Fatalf("CreateUser: %q %v", id, err)
	}
	login := func(id, secret, password string) (int, any) {
		return call(t, "POST", a.URL+"/oauth/token", url.Values{"grant_type": {"http://auth0.com/oauth/grant-type/password-realm"},
			"realm": {a.Connection}, "username": {"grace@example.com"}, "password": {password}, "scope": {"openid"},
			"client_id": {id}, "client_secret": {secret}}, nil)
	}
	if st, body := login("web-fixed", "web-secret-fixed", "Hopper-Passw0rd"); st != 200 || member(body, "access_token") == "" {
		t.Fatalf("created user's login: %d %v", st, body)
	}
	if st, _ := login("web-fixed", "web-secret-fixed", "wrong"); st/100 != 4 {
		t.Fatalf("wrong password: %d", st)
	}
	if _, err := a.CreateUser(sandbox.Auth0User{Email: "grace@example.com", Password: "Hopper-Passw0rd"}); err == nil {
		t.Fatal("a second user with the same e-mail was created")
	}

	pub := sandbox.Start(t, sandbox.WithAuth0App("spa-fixed", ""))
	if pub.Auth0.AppClientSecret != "" {
		t.Fatalf("public app has secret %q", pub.Auth0.AppClientSecret)
	}
	st, body := call(t, "POST", pub.Auth0.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"audience": {pub.Auth0.Audience}, "client_id": {"spa-fixed"}}, nil)
	if st != 401 || member(body, "error") != "unauthorized_client" {
		t.Fatalf("public app client credentials: %d %v", st, body)
	}
}

// TestAuthleteOptions: WithAuthleteToken is the API token required,
// WithAuthleteService the starting service's number and
// WithAuthleteScopes its scopes besides openid and offline_access.
func TestAuthleteOptions(t *testing.T) {
	sb := sandbox.Start(t, sandbox.WithAuthleteToken("fixed-api-token"), sandbox.WithAuthleteService(4242),
		sandbox.WithAuthleteScopes("orders.read", "orders.write"))
	a := sb.Authlete
	if a.Token != "fixed-api-token" || a.ServiceID != "4242" {
		t.Fatalf("token %q service %q", a.Token, a.ServiceID)
	}
	st, body := call(t, "GET", a.BaseURL+"/api/4242/service/get", nil, bearerHeader("fixed-api-token"))
	if st != 200 || member(body, "apiKey") != "4242" {
		t.Fatalf("service get: %d %v", st, body)
	}
	var scopes []string
	list, _ := body.(map[string]any)["supportedScopes"].([]any)
	for _, s := range list {
		scopes = append(scopes, member(s, "name"))
	}
	slices.Sort(scopes)
	if want := []string{"offline_access", "openid", "orders.read", "orders.write"}; !slices.Equal(scopes, want) {
		t.Fatalf("scopes %v, want %v", scopes, want)
	}
	if st, _ := call(t, "GET", a.BaseURL+"/api/4242/service/get", nil, bearerHeader("sandbox-authlete-token")); st != 401 {
		t.Fatalf("the default token still works: %d", st)
	}
}

// TestNexaasOptions: WithNexaasClient sets the client the token endpoint
// accepts, WithNexaasPerson and AddPerson add people who sign in and read
// their profile, WithNexaasTokenLifetime sets expires_in.
func TestNexaasOptions(t *testing.T) {
	const graceID = "6f1e2d3c-0000-4000-8000-000000000001"
	sb := sandbox.Start(t, sandbox.WithNexaasClient("nx-fixed", "nx-secret-fixed"),
		sandbox.WithNexaasPerson(sandbox.NexaasPerson{ID: graceID, Email: "grace@example.com", Password: "pw-grace", FirstName: "Grace"}),
		sandbox.WithNexaasTokenLifetime(90*time.Second))
	n := sb.Nexaas
	if n.ClientID != "nx-fixed" || n.ClientSecret != "nx-secret-fixed" {
		t.Fatalf("client %q", n.ClientID)
	}
	linusID := n.AddPerson(sandbox.NexaasPerson{Email: "linus@example.com", Password: "pw-linus", FirstName: "Linus"})
	for _, p := range []struct{ id, email, password, first string }{
		{graceID, "grace@example.com", "pw-grace", "Grace"},
		{linusID, "linus@example.com", "pw-linus", "Linus"},
	} {
		st, tok := call(t, "POST", n.BaseURL+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {p.email}, "scope": {"profile"},
			"password": {p.password}, "client_id": {"nx-fixed"}, "client_secret": {"nx-secret-fixed"}}, nil)
		if st != 200 || member(tok, "expires_in") != "90" {
			t.Fatalf("%s: password grant %d %v", p.email, st, tok)
		}
		st, prof := call(t, "GET", n.BaseURL+"/api/v1/profile", nil, bearerHeader(member(tok, "access_token")))
		if st != 200 || member(prof, "id") != p.id || member(prof, "first_name") != p.first || member(prof, "email") != p.email {
			t.Fatalf("%s: profile %d %v", p.email, st, prof)
		}
	}
	if st, _ := call(t, "POST", n.BaseURL+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {"grace@example.com"},
		"password": {"pw-grace"}, "client_id": {"nx-fixed"}, "client_secret": {"other"}}, nil); st != 401 {
		t.Fatalf("wrong client secret: %d", st)
	}
}

// TestZaikioOptionsAndState: WithZaikioApp sets the app's credentials,
// WithZaikioTokenLifetime expires_in; people added by WithZaikioPerson and
// AddPerson sign in; an organization's tokens need Connect, and AddSite's
// sites are listed.
func TestZaikioOptionsAndState(t *testing.T) {
	const graceID = "6f1e2d3c-0000-4000-8000-000000000002"
	sb := sandbox.Start(t, sandbox.WithZaikioApp("zk-fixed", "zk-secret-fixed"), sandbox.WithZaikioTokenLifetime(2*time.Minute),
		sandbox.WithZaikioPerson(sandbox.ZaikioPerson{ID: graceID, Email: "grace@example.com", Password: "pw", FirstName: "Grace", Name: "Hopper"}))
	z := sb.Zaikio
	if z.ClientID != "zk-fixed" || z.ClientSecret != "zk-secret-fixed" {
		t.Fatalf("app %q", z.ClientID)
	}
	linusID := z.AddPerson(sandbox.ZaikioPerson{Email: "linus@example.com", Password: "pw", FirstName: "Linus", Name: "Pauling"})
	for id, first := range map[string]string{graceID: "Grace", linusID: "Linus"} {
		at, _, err := z.SignIn(id)
		if err != nil {
			t.Fatal(err)
		}
		if st, p := call(t, "GET", z.APIURL+"/person", nil, bearerHeader(at)); st != 200 || member(p, "id") != id || member(p, "first_name") != first {
			t.Fatalf("person %s: %d %v", id, st, p)
		}
	}

	orgToken := func(org, secret string) (int, any) {
		return call(t, "POST", z.Host+"/oauth/access_token", url.Values{"grant_type": {"client_credentials"},
			"scope": {"Org/" + org + ".directory.sites.r"}}, basic("zk-fixed", secret))
	}
	if st, tok := orgToken(z.OrganizationID, "zk-secret-fixed"); st != 200 || member(tok, "expires_in") != "120" {
		t.Fatalf("token of the starting organization: %d %v", st, tok)
	}
	if st, _ := orgToken(z.OrganizationID, "other"); st != 401 {
		t.Fatalf("wrong app secret: %d", st)
	}

	org := z.AddOrganization(sandbox.ZaikioOrganization{Name: "Depot GmbH", Members: []string{linusID}})
	if st, body := orgToken(org, "zk-secret-fixed"); st != 400 || member(body, "error") != "invalid_scope" {
		t.Fatalf("token of an organization that did not install the app: %d %v", st, body)
	}
	z.Connect(org, []string{"directory.sites.r"}, "")
	st, tok := orgToken(org, "zk-secret-fixed")
	if st != 200 {
		t.Fatalf("token after Connect: %d %v", st, tok)
	}
	if st, body := call(t, "POST", z.Host+"/oauth/access_token", url.Values{"grant_type": {"client_credentials"},
		"scope": {"Org/" + org + ".directory.sites.w"}}, basic("zk-fixed", "zk-secret-fixed")); st != 400 || member(body, "error") != "invalid_scope" {
		t.Fatalf("token with a scope the organization did not grant: %d %v", st, body)
	}
	siteID, err := z.AddSite(org, sandbox.ZaikioSite{Name: "North Warehouse", Addressee: "Depot GmbH", Address: "Hafenstr. 1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.AddSite("no-such-org", sandbox.ZaikioSite{Name: "x"}); err == nil {
		t.Fatal("AddSite to an unknown organization accepted")
	}
	st, sites := call(t, "GET", z.APIURL+"/sites", nil, bearerHeader(member(tok, "access_token")))
	list, _ := sites.([]any)
	found := false
	for _, s := range list {
		if member(s, "id") == siteID && member(s, "name") == "North Warehouse" {
			found = true
		}
	}
	if st != 200 || !found {
		t.Fatalf("sites %d %v, want %s", st, sites, siteID)
	}
}
