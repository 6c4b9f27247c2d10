package conform

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoadEveryDocument(t *testing.T) {
	for _, api := range []string{"authlete", "nexaasid", "zaikiohub", "zaikiooauth", "auth0auth", "auth0mgmt"} {
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
	for api, want := range map[string]string{"zaikiohub": "/api/v1", "authlete": "", "auth0mgmt": "/api/v2"} {
		if got := MustLoad(t, api).Prefix(); got != want {
			t.Errorf("%s: prefix %q, want %q", api, got, want)
		}
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
