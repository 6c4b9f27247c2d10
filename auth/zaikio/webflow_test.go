package zaikio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
)

func newFlow(t *testing.T) (*webflow.Handler, *webflow.MemoryStore) {
	t.Helper()
	c, err := zaikio.NewClient(zaikio.Config{Host: "https://hub.sandbox.zaikio.com", ClientID: "warehouse", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	store := webflow.NewMemoryStore()
	h, err := webflow.New(webflow.Config{
		Prefix:  "/zaikio",
		BaseURL: "https://warehouse.example",
		Clients: []webflow.Client{zaikio.WebflowClient("warehouse", c,
			[]string{"Per.directory.person.r"}, []string{"Org.directory.sites.r", "Per.directory.person.r"})},
		Store:        store,
		CookieSecret: []byte("0123456789abcdef0123456789abcdef"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, store
}

func startQuery(t *testing.T, h http.Handler, target string) url.Values {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
	if w.Code != http.StatusFound {
		t.Fatalf("%s: status %d: %s", target, w.Code, w.Body)
	}
	u, err := url.Parse(w.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "hub.sandbox.zaikio.com" || u.Path != "/oauth/authorize" {
		t.Fatalf("went to %s", u)
	}
	return u.Query()
}

func TestPresetScopes(t *testing.T) {
	h, _ := newFlow(t)
	q := startQuery(t, h, "/zaikio/sessions/new")
	if q.Get("scope") != "Per.directory.person.r" || q.Get("client_id") != "warehouse" || q.Get("response_type") != "code" {
		t.Errorf("session: %v", q)
	}
	q = startQuery(t, h, "/zaikio/connections/new?organization_id=org-42")
	if q.Get("scope") != "Org/org-42.directory.sites.r,Per.directory.person.r" || q.Get("redirect_uri") != "https://warehouse.example/zaikio/connections/approve" {
		t.Errorf("connection: %v", q)
	}
	q = startQuery(t, h, "/zaikio/subscriptions/new?organization_id=org-42&plan=advanced")
	if q.Get("scope") != "Org/org-42.directory.sites.r,Per.directory.person.r,Org/org-42.subscription_create.advanced" {
		t.Errorf("subscription: %v", q.Get("scope"))
	}
	q = startQuery(t, h, "/zaikio/subscriptions/new")
	if q.Get("scope") != "Org.directory.sites.r,Per.directory.person.r,Org.subscription_create" {
		t.Errorf("subscription without org: %v", q.Get("scope"))
	}
	for _, bad := range []string{"/zaikio/connections/new?organization_id=a.b", "/zaikio/subscriptions/new?plan=x,Org.all"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", bad, nil))
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, w.Code)
		}
	}
}

func TestLogInPerson(t *testing.T) {
	h, store := newFlow(t)
	r := httptest.NewRequest("GET", "/dashboard", nil)
	s, err := zaikio.LogInPerson(context.Background(), h, r, "warehouse", "person-7", "Per.directory.person.r")
	if err != nil {
		t.Fatal(err)
	}
	if s.BearerType != zaikio.BearerPerson || s.BearerID != "person-7" || store.Len() != 1 {
		t.Errorf("session %+v, stored %d", s, store.Len())
	}
	tok, got, err := h.Token(context.Background(), r)
	if err != nil || tok.AccessToken != "AT:warehouse:person-7" || got.BearerID != "person-7" {
		t.Errorf("Token = %v, %+v, %v", tok, got, err)
	}
	if _, err := zaikio.LogInPerson(context.Background(), h, r, "nobody", "p"); err == nil {
		t.Error("unknown client accepted")
	}
}
