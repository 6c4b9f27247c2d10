package contract_test

import (
	"context"
	"encoding/json"
	"github.com/idsdk/idsdk-go/nullable"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/retry"
)

// oidcConnection is an OIDC connection as GET /connections/{id} answers
// it: options the document does not declare (client_id, issuer, ...) and a
// top-level member it does not declare either.
const oidcConnection = `{
  "id": "con_4Xb1pZ9qT2",
  "name": "acme-oidc",
  "display_name": "Acme SSO",
  "strategy": "oidc",
  "enabled_clients": ["a1B2c3D4"],
  "is_domain_connection": false,
  "show_as_button": true,
  "realms": ["acme-oidc"],
  "provisioning_ticket_url": "https://tenant.example/p/oidc/ticket",
  "options": {
    "type": "back_channel",
    "client_id": "acme-client",
    "client_secret": "acme-secret",
    "domain": "sso.acme.example",
    "issuer": "https://sso.acme.example/",
    "jwks_uri": "https://sso.acme.example/.well-known/jwks.json",
    "token_endpoint": "https://sso.acme.example/oauth/token",
    "authorization_endpoint": "https://sso.acme.example/authorize",
    "scope": "openid profile email",
    "strategy_version": 2,
    "non_persistent_attrs": ["ethnicity"],
    "set_user_root_attributes": "on_each_login",
    "connection_settings": {"pkce": "auto"}
  }
}`

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return v
}

// TestAuth0ConnectionReadModifyWriteKeepsOptions reads an OIDC connection,
// changes its display name and writes it back: the options the document
// does not declare go back to the server unchanged.
func TestAuth0ConnectionReadModifyWriteKeepsOptions(t *testing.T) {
	var api *auth0API
	api = newAuth0API(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Method == http.MethodGet {
			io.WriteString(w, oidcConnection)
			return
		}
		io.WriteString(w, api.body(n-1)) // the update answers the connection as written
	})
	c := api.client(t, auth0mgmt.WithRetry(retry.Off()))
	ctx := context.Background()
	got, err := c.Connections.Get(ctx, "con_4Xb1pZ9qT2", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing of the answer is lost when it is encoded again.
	again, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(jsonValue(t, again), jsonValue(t, []byte(oidcConnection))) {
		t.Errorf("re-encoded connection differs:\n got %s\nwant %s", again, oidcConnection)
	}

	// The update body carries the options read, as the update's type.
	raw, err := json.Marshal(got.Options)
	if err != nil {
		t.Fatal(err)
	}
	var opts auth0mgmt.UpdateConnectionOptions
	if err := json.Unmarshal(raw, &opts); err != nil {
		t.Fatal(err)
	}
	name := "Acme single sign-on"
	upd := auth0mgmt.UpdateConnectionRequest{DisplayName: &name}
	upd.Options = nullable.NewNullableWithValue(opts)
	if _, err := c.Connections.Update(ctx, "con_4Xb1pZ9qT2", upd); err != nil {
		t.Fatal(err)
	}
	reqs := api.requests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPatch {
		t.Fatalf("requests: %d", len(reqs))
	}
	var sent struct {
		DisplayName string          `json:"display_name"`
		Options     json.RawMessage `json:"options"`
	}
	if err := json.Unmarshal([]byte(api.body(1)), &sent); err != nil {
		t.Fatal(err)
	}
	var read struct {
		Options json.RawMessage `json:"options"`
	}
	_ = json.Unmarshal([]byte(oidcConnection), &read)
	if sent.DisplayName != name || !reflect.DeepEqual(jsonValue(t, sent.Options), jsonValue(t, read.Options)) {
		t.Errorf("PATCH body %s\nwant the options %s", api.body(1), read.Options)
	}

	// The options type of create and of the connection properties keeps
	// them too.
	var props auth0mgmt.ConnectionPropertiesOptions
	if err := json.Unmarshal(read.Options, &props); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(props)
	if !reflect.DeepEqual(jsonValue(t, out), jsonValue(t, read.Options)) {
		t.Errorf("ConnectionPropertiesOptions round trip:\n got %s\nwant %s", out, read.Options)
	}
}

// TestZaikioSiteKeepsLocationPrecision reads a site whose location a
// float32 would round (35.077502 -> 35.077503), and members the document
// does not declare.
func TestZaikioSiteKeepsLocationPrecision(t *testing.T) {
	const site = `{"id":"4a5b9f0e-7c1d-4e2a-9b3c-5d6e7f8a9b0c","name":"Osaka plant","headquarter":false,
	  "created_at":"2024-05-02T08:00:00Z","updated_at":"2024-05-03T08:00:00Z",
	  "address":{"id":"9f8e7d6c-5b4a-4392-8170-6a5b4c3d2e1f","addressee":"Acme KK","street":"Chuo","number":"1-2","town":"Osaka",
	    "zip_code":"541-0041","state":"Osaka","country_code":"JP","location":[35.077502,135.5023],
	    "created_at":"2024-05-02T08:00:00Z","updated_at":"2024-05-03T08:00:00Z","plus_code":"8Q6QMG7C+2W"},
	  "organization":{"id":"org-1","name":"Acme","connected":true,"kinds":[],"sections":{},"created_at":"2024-05-02T08:00:00Z","updated_at":"2024-05-03T08:00:00Z"},
	  "granted_oauth_scopes":["directory.sites.r"]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/sites/Site-4a5b9f0e" {
			http.Error(w, `{"errors":["unexpected request"]}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, site)
	}))
	defer srv.Close()
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(srv.URL+"/api/v1"), zaikiohub.WithToken(auth.Bearer("hub-token")), zaikiohub.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	// A uuid-typed id takes whatever the server calls the site.
	got, err := c.Sites.Get(context.Background(), "Site-4a5b9f0e")
	if err != nil {
		t.Fatal(err)
	}
	// The address and each coordinate may be null in real answers.
	addr, ok := nullable.Get(got.Address)
	if !ok {
		t.Fatal("address: absent or null")
	}
	lat, _ := nullable.Get(addr.Location[0])
	lng, _ := nullable.Get(addr.Location[1])
	if loc := addr.Location; len(loc) != 2 || lat != 35.077502 || lng != 135.5023 {
		t.Errorf("location %v", loc)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`[35.077502,135.5023]`, `"plus_code":"8Q6QMG7C+2W"`, `"granted_oauth_scopes":["directory.sites.r"]`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s missing from %s", want, out)
		}
	}
}
