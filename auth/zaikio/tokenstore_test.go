package zaikio_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// TestStoreConfigUsesTheHubClient: a token store registered with
// Client.StoreConfig gets an Organization token through the Hub client's
// own client credentials request (HTTP Basic, comma-joined scopes
// qualified "Org/<id>."), and keeps the bearer the Hub names.
func TestStoreConfigUsesTheHubClient(t *testing.T) {
	c, hub := newClient(t)
	key, err := tokenstore.GenerateKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := tokenstore.NewKeyring(key)
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tokens.db"), tokenstore.Options{Keys: keys, Clients: []tokenstore.ClientConfig{
		c.StoreConfig("my_app", []string{"directory.person.r"}, []string{"directory.sites.r", "directory.machines.r"}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok, err := s.Get(ctx, tokenstore.GetOptions{BearerType: zaikio.BearerOrganization, BearerID: "org-9"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.BearerType != zaikio.BearerOrganization || tok.BearerID != "org-9" {
		t.Errorf("bearer = %s/%s", tok.BearerType, tok.BearerID)
	}
	req := hub.requests[0]
	if !req.BasicOK || req.Form.Get("scope") != "Org/org-9.directory.sites.r,Org/org-9.directory.machines.r" {
		t.Errorf("request: basic %v, scope %q", req.BasicOK, req.Form.Get("scope"))
	}
	if got := zaikio.QualifyScope(zaikio.BearerPerson, "p1", "directory.person.r"); got != "Per/p1.directory.person.r" {
		t.Errorf("QualifyScope(Person) = %q", got)
	}
}
