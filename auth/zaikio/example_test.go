package zaikio_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	"github.com/idsdk/idsdk-go/regions"
)

// The Zaikio sign-in mounted in a ServeMux: connections/new with an
// organization id asks for that organization's scopes.
func ExampleWebflowClient() {
	c, err := zaikio.NewClient(zaikio.Config{Host: regions.ZaikioSandbox.URL, ClientID: "warehouse", ClientSecret: "a-client-secret"})
	if err != nil {
		fmt.Println(err)
		return
	}
	flow, err := webflow.New(webflow.Config{
		Prefix:  "/zaikio",
		BaseURL: "https://warehouse.example",
		Clients: []webflow.Client{zaikio.WebflowClient("warehouse", c,
			[]string{"Per.directory.person.r"}, []string{"Org.directory.sites.r"})},
		Store:        webflow.NewMemoryStore(),
		CookieSecret: []byte("use-32-random-bytes-from-a-secret"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/zaikio/", flow)

	for _, start := range []string{"/zaikio/sessions/new", "/zaikio/connections/new?organization_id=org-42"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", start, nil))
		u, _ := url.Parse(w.Header().Get("Location"))
		fmt.Println(u.Host+u.Path, u.Query().Get("scope"))
	}
	// Output:
	// hub.sandbox.zaikio.com/oauth/authorize Per.directory.person.r
	// hub.sandbox.zaikio.com/oauth/authorize Org/org-42.directory.sites.r
}

// Scopes are typed: parse one, qualify it for an organization.
func ExampleParseScope() {
	s, err := zaikio.ParseScope("Org.directory.sites.rw")
	if err != nil {
		fmt.Println(err)
		return
	}
	s.ID = "org-42"
	fmt.Println(s)
	_, err = zaikio.ParseScope("Org.directory sites")
	fmt.Println(err != nil)
	// Output:
	// Org/org-42.directory.sites.rw
	// true
}
