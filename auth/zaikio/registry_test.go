package zaikio_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// TestRegisterFeedsWebflowAndTokenStore: one registration gives the web
// flow client and the token store client, whose refresh reaches the Hub's
// token endpoint.
func TestRegisterFeedsWebflowAndTokenStore(t *testing.T) {
	var grant string
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		grant = r.PostForm.Get("grant_type") + ":" + r.PostForm.Get("refresh_token")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "AT-2", "refresh_token": "RT-2", "token_type": "bearer", "expires_in": 3600,
			"bearer": map[string]any{"type": "Person", "id": "p-1"}})
	}))
	defer hub.Close()
	c, err := zaikio.NewClient(zaikio.Config{Host: hub.URL, ClientID: "warehouse", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	reg := webflow.NewRegistry()
	if err := zaikio.Register(reg, "warehouse", c, []string{"directory.person.r"}, []string{"directory.sites.r"}); err != nil {
		t.Fatal(err)
	}
	web, store := reg.Clients(), reg.StoreClients()
	if len(web) != 1 || web[0].Name != "warehouse" || web[0].ScopesFor == nil || len(store) != 1 || store[0].Name != "warehouse" ||
		store[0].OrganizationScopes[0] != "directory.sites.r" {
		t.Fatalf("web %+v store %+v", web, store)
	}
	tok, err := store[0].Client.Refresh(context.Background(), "RT-1")
	if err != nil || tok.AccessToken != "AT-2" || grant != "refresh_token:RT-1" {
		t.Fatalf("refresh: %v %v (request %q)", tok, err, grant)
	}
	if bt, id := reg.Bearer("warehouse", tok); bt != "Person" || id != "p-1" {
		t.Fatalf("bearer %q %q", bt, id)
	}
}
