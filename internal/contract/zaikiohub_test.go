package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/internal/peers"
	"github.com/idsdk/idsdk-go/regions"
	"github.com/idsdk/idsdk-go/retry"
)

// connectionID is the id of item i of the paged fake.
func connectionID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// TestZaikioHubPaging follows page/per_page with the Total-Pages header
// over three pages of a fake Hub, under the /api/v1 base path.
func TestZaikioHubPaging(t *testing.T) {
	const total, perPage = 5, 2
	var mu sync.Mutex
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/connections" || r.Header.Get("Authorization") != "Bearer hub-token" {
			http.Error(w, `{"errors":["unexpected request"]}`, http.StatusBadRequest)
			return
		}
		q := r.URL.Query()
		mu.Lock()
		pages = append(pages, q.Get("page")+"/"+q.Get("per_page"))
		mu.Unlock()
		page, _ := strconv.Atoi(q.Get("page"))
		per, _ := strconv.Atoi(q.Get("per_page"))
		if page < 1 || per < 1 {
			http.Error(w, `{"errors":["invalid_page"]}`, http.StatusBadRequest)
			return
		}
		var items []map[string]any
		for i := (page - 1) * per; i < page*per && i < total; i++ {
			items = append(items, map[string]any{"connectable_id": connectionID(i), "connectable_type": "Organization"})
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Current-Page", strconv.Itoa(page))
		w.Header().Set("Total-Count", strconv.Itoa(total))
		w.Header().Set("Total-Pages", strconv.Itoa((total+per-1)/per))
		_ = json.NewEncoder(w).Encode(items)
	}))
	defer srv.Close()

	c, err := zaikiohub.New(
		zaikiohub.WithBaseURL(srv.URL+"/api/v1"),
		zaikiohub.WithToken(auth.Bearer("hub-token")),
		zaikiohub.WithRetry(retry.Off()),
	)
	if err != nil {
		t.Fatal(err)
	}
	per := zaikiohub.PerPageParam(perPage)
	var got []string
	for conn, err := range c.Connections.All(context.Background(), &zaikiohub.ConnectionsListParams{PerPage: &per}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, conn.ConnectableID)
	}
	if len(got) != total {
		t.Fatalf("got %d items, want %d: %v", len(got), total, got)
	}
	for i, id := range got {
		if id != connectionID(i) {
			t.Errorf("item %d = %s, want %s", i, id, connectionID(i))
		}
	}
	if want := []string{"1/2", "2/2", "3/2"}; fmt.Sprint(pages) != fmt.Sprint(want) {
		t.Errorf("pages requested %v, want %v", pages, want)
	}
}

// TestZaikioHubValidationErrors decodes the Hub's 422 errors object into
// a *ZaikioValidationError, from a fake Hub and from Prism answering the
// document's own 422.
func TestZaikioHubValidationErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = w.Write([]byte(`{"errors":{"name":["can't be blank"],"address_attributes.text":["is too long"]}}`))
	}))
	defer srv.Close()
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(srv.URL), zaikiohub.WithToken(auth.Bearer("t")), zaikiohub.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Sites.Create(context.Background(), zaikiohub.SitesCreateBody{})
	var ve *sdkerrors.ZaikioValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a validation error", err)
	}
	if got := ve.Fields["name"]; len(got) != 1 || got[0] != "can't be blank" {
		t.Errorf("Fields = %v", ve.Fields)
	}
	if !errors.Is(err, sdkerrors.ErrBadRequest) {
		t.Error("422 does not match ErrBadRequest")
	}

	prism := peers.StartPrism(t, "api/zaikiohub/openapi.yaml")
	defer prism.Stop()
	pc, err := zaikiohub.New(zaikiohub.WithBaseURL(prism.URL), zaikiohub.WithToken(auth.Bearer("t")), zaikiohub.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	body := zaikiohub.SitesCreateBody{}
	body.Site.Name = "Main"
	_, err = pc.Sites.Create(context.Background(), body, zaikiohub.WithRequestHeader("Prefer", "code=422"))
	ve = nil
	if !errors.As(err, &ve) {
		t.Fatalf("Prism 422: %v is not a validation error", err)
	}
	if len(ve.Fields) == 0 {
		t.Errorf("Prism 422: no fields in %#v", ve)
	}
}

// TestZaikioHubAuth checks that basic-secured operations send the app's
// credentials and no bearer token, that others send the bearer, and that
// the Zaikio regions resolve to their /api/v1 base.
func TestZaikioHubAuth(t *testing.T) {
	var gotAuth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.URL.Path+" "+r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(srv.URL),
		zaikiohub.WithToken(auth.Bearer("person-token")),
		zaikiohub.WithBasicAuth("app-id", auth.Secret("app-secret")),
		zaikiohub.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TestAccounts.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Sites.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"/test_accounts Basic YXBwLWlkOmFwcC1zZWNyZXQ=", "/sites Bearer person-token"}
	if fmt.Sprint(gotAuth) != fmt.Sprint(want) {
		t.Errorf("Authorization = %q, want %q", gotAuth, want)
	}
	for _, s := range regions.Zaikio() {
		hc, err := zaikiohub.New(zaikiohub.WithRegion(s))
		if err != nil {
			t.Fatal(err)
		}
		if hc.BaseURL() != s.URL+"/api/v1" {
			t.Errorf("%s: BaseURL = %s", s.Name, hc.BaseURL())
		}
	}
}
