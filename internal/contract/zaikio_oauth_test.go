package contract_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// TestZaikioOAuthDocument sends the token client's three grants and an
// authorization URL to Prism serving the authored api/zaikiooauth
// document: every request must be valid for it and every answer must
// parse as a Hub token.
func TestZaikioOAuthDocument(t *testing.T) {
	prism := peers.StartPrism(t, "api/zaikiooauth/openapi.yaml")
	defer prism.Stop()
	rec := &peers.ViolationRecorder{}
	c, err := zaikio.NewClient(zaikio.Config{
		Host: prism.URL, ClientID: "warehouse", ClientSecret: "s3cret",
		HTTPClient: &http.Client{Transport: rec},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, call := range map[string]func() (*zaikio.Token, error){
		"authorization_code": func() (*zaikio.Token, error) {
			return c.Exchange(ctx, "code-1", "https://warehouse.example/zaikio/sessions/approve")
		},
		"client_credentials": func() (*zaikio.Token, error) {
			return c.ClientCredentials(ctx, "Org/org-1.directory.sites.r", "Org/org-1.directory.machines.r")
		},
		"refresh_token": func() (*zaikio.Token, error) { return c.Refresh(ctx, "RT-1") },
	} {
		tok, err := call()
		var te *auth.TokenError
		if errors.As(err, &te) && te.StatusCode == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tok.AccessToken == "" {
			t.Errorf("%s: no access token", name)
		}
	}
	authURL := c.AuthCodeURL("https://warehouse.example/zaikio/sessions/approve", "st",
		[]string{"Per.directory.person.r", "Org.directory.sites.r"}, url.Values{"lang": {"de"}, "organization[kinds][]": {"printer"}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	resp, err := (&http.Client{Transport: rec, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if v := rec.Violations(); len(v) > 0 {
		t.Errorf("Prism found %d violations:\n%v", len(v), v)
	}
	if rec.Requests() != 4 {
		t.Errorf("requests = %d", rec.Requests())
	}

	// The document is strict enough to catch a wrong request.
	bad := &peers.ViolationRecorder{}
	resp, err = (&http.Client{Transport: bad}).PostForm(prism.URL+"/oauth/access_token", url.Values{"grant_type": {"password"}, "username": {"u"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(bad.Violations()) == 0 {
		t.Error("Prism accepted a password grant")
	}
}
