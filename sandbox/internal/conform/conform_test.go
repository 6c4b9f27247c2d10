package conform

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestLoadDocuments loads the documents the vendor emulators are checked
// against (auth0mgmt, the largest, is loaded by the Auth0 tests).
func TestLoadDocuments(t *testing.T) {
	for _, api := range []string{"authlete", "nexaasid", "zaikiohub", "zaikiooauth", "auth0auth"} {
		t.Run(api, func(t *testing.T) {
			d := MustLoad(t, api)
			again := MustLoad(t, api)
			if d != again {
				t.Error("a second Load parsed the document again")
			}
		})
	}
}

func TestPrefixFromFirstServer(t *testing.T) {
	for raw, want := range map[string]string{
		"https://hub.zaikio.com/api/v1/":  "/api/v1",
		"https://us.authlete.com":         "",
		"https://{tenantDomain}/api/v2":   "/api/v2",
		"https://{TENANT}.auth0.com/x/y/": "/x/y",
	} {
		srv := &openapi3.Server{URL: raw, Variables: map[string]*openapi3.ServerVariable{"tenantDomain": {Default: "{TENANT}.auth0.com"}}}
		if got := serverPrefix(openapi3.Servers{srv}); got != want {
			t.Errorf("%s: prefix %q, want %q", raw, got, want)
		}
	}
	if got := MustLoad(t, "zaikiohub").Prefix(); got != "/api/v1" {
		t.Errorf("zaikiohub: prefix %q", got)
	}
}

// serve answers every request with status and body.
func serve(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRecorderAcceptsConformingExchange(t *testing.T) {
	srv := serve(t, 200, `{"resultCode":"A056001","resultMessage":"ok","action":"OK","existent":true,"usable":true}`)
	rec := NewRecorder(nil, MustLoad(t, "authlete"))
	c := &http.Client{Transport: rec}
	resp, err := c.Post(srv.URL+"/api/715948317/auth/introspection", "application/json", strings.NewReader(`{"token":"abc"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := rec.Err(); err != nil {
		t.Fatalf("violation on a conforming exchange: %v", err)
	}
}

func TestRecorderReportsViolations(t *testing.T) {
	doc := MustLoad(t, "authlete")
	cases := []struct {
		name, path, reqBody, respBody string
		status                        int
	}{
		{"unknown path", "/api/715948317/no/such/thing", `{}`, `{}`, 200},
		{"request body misses a required member", "/api/715948317/auth/introspection", `{}`, `{"action":"OK"}`, 200},
		{"undeclared status", "/api/715948317/auth/introspection", `{"token":"abc"}`, `{}`, 418},
		{"enum value outside the document", "/api/715948317/auth/introspection", `{"token":"abc"}`, `{"action":"MAYBE"}`, 200},
		{"member of the wrong type", "/api/715948317/auth/introspection", `{"token":"abc"}`, `{"usable":"yes"}`, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.status, tc.respBody)
			rec := NewRecorder(nil, doc)
			resp, err := (&http.Client{Transport: rec}).Post(srv.URL+tc.path, "application/json", strings.NewReader(tc.reqBody))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if rec.Err() == nil {
				t.Fatal("no violation reported")
			}
		})
	}
}

func TestRecorderStripsServerPrefix(t *testing.T) {
	srv := serve(t, 200, `{"id":"p1"}`)
	rec := NewRecorder(nil, MustLoad(t, "zaikiohub"))
	resp, err := (&http.Client{Transport: rec}).Get(srv.URL + "/elsewhere/person")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if rec.Err() == nil {
		t.Fatal("a path outside the server prefix passed")
	}
}

// exchange sends one request through a Recorder on doc to a server
// answering status, contentType and body, and returns the violations.
func exchange(t *testing.T, doc *Doc, method, path, reqType, reqBody string, status int, contentType, body string) error {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(reqBody))
	if reqType != "" {
		req.Header.Set("Content-Type", reqType)
	}
	rec := NewRecorder(nil, doc)
	resp, err := (&http.Client{Transport: rec}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return rec.Err()
}

func TestFormBodyThatIsAUnion(t *testing.T) {
	doc := MustLoad(t, "zaikiooauth")
	const form = "application/x-www-form-urlencoded"
	ok := `{"access_token":"a","token_type":"bearer"}`
	if err := exchange(t, doc, "POST", "/oauth/access_token", form, "grant_type=client_credentials&scope=Org.x.r", 200, "application/json", ok); err != nil {
		t.Errorf("a client credentials grant: %v", err)
	}
	if err := exchange(t, doc, "POST", "/oauth/access_token", form, "grant_type=magic", 200, "application/json", ok); err == nil {
		t.Error("an unknown grant passed")
	}
	if err := exchange(t, doc, "POST", "/oauth/access_token", form, "grant_type=refresh_token&refresh_token=a&refresh_token=b", 200, "application/json", ok); err == nil {
		t.Error("a repeated field passed")
	}
}

func TestClosedAllOfPartAcceptsTheOtherParts(t *testing.T) {
	org := `{"id":"b1475f65-236c-58b8-96e1-e1778b43beb7","name":"O","slug":"o","logo_url":null,"connected":true,"kinds":["printer"],` +
		`"sections":{},"country_code":"DE","currency":"EUR","subscription":null,"brand_color":null,"test_account_owner_id":null,` +
		`"created_at":"2021-04-06T12:08:40.282Z","updated_at":"2021-04-06T12:08:40.282Z"}`
	site := `{"id":"d6308910-f5ae-58c0-aba7-d099947845c6","name":"S","headquarter":true,"address":null,` +
		`"created_at":"2021-04-06T12:08:40.282Z","updated_at":"2021-04-06T12:08:40.282Z","organization":` + org + `}`
	doc := MustLoad(t, "zaikiohub")
	if err := exchange(t, doc, "GET", "/api/v1/sites/d6308910-f5ae-58c0-aba7-d099947845c6", "", "", 200, "application/json", site); err != nil {
		t.Errorf("a site with its organization: %v", err)
	}
	noOrg := strings.Replace(site, `,"organization":`+org, "", 1)
	if err := exchange(t, doc, "GET", "/api/v1/sites/d6308910-f5ae-58c0-aba7-d099947845c6", "", "", 200, "application/json", noOrg); err == nil {
		t.Error("a site without its required organization passed")
	}
}

func TestTextBodies(t *testing.T) {
	doc := MustLoad(t, "nexaasid")
	if err := exchange(t, doc, "GET", "/api/v1/widgets/navbar", "", "", 200, "text/html; charset=utf-8", "<nav></nav>"); err != nil {
		t.Errorf("an HTML widget: %v", err)
	}
}

func TestTransportPicksTheDocumentOfEachPath(t *testing.T) {
	srv := serve(t, 401, `{"errors":["invalid_access_token"]}`)
	ft := &fakeT{TB: t}
	hc := &http.Client{Transport: Transport(ft, nil, MustLoad(t, "zaikiooauth"), MustLoad(t, "zaikiohub"))}
	for _, p := range []string{"/api/v1/person", "/oauth/nowhere"} {
		resp, err := hc.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(ft.errs) != 1 || !strings.Contains(ft.errs[0], "/oauth/nowhere") {
		t.Errorf("violations %q, want one for /oauth/nowhere", ft.errs)
	}
}

// fakeT records Errorf calls instead of failing.
type fakeT struct {
	testing.TB
	errs []string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
