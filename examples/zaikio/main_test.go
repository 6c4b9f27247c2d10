package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// TestHome signs a person in with the test helper (no OAuth round trip)
// and checks the page against a fake Hub API.
func TestHome(t *testing.T) {
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/person" || r.Header.Get("Authorization") != "Bearer "+zaikio.StandInToken("warehouse", "person-1") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":["unauthorized"]}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": "8a5f8f0e-8f3a-4c4c-9b66-2d3c9d5b7a11", "full_name": "Ada <Lovelace>"})
	}))
	defer hub.Close()
	h, flow, err := newApp(hub.URL, "http://app.test", "warehouse", "secret", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	page := func(r *http.Request) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Body.String()
	}
	if got := page(httptest.NewRequest("GET", "/", nil)); !strings.Contains(got, "Sign in with Zaikio") {
		t.Errorf("signed out: %s", got)
	}
	r := httptest.NewRequest("GET", "/", nil)
	if _, err := zaikio.LogInPerson(context.Background(), flow, r, "warehouse", "person-1"); err != nil {
		t.Fatal(err)
	}
	if got := page(r); !strings.Contains(got, "Hello, Ada &lt;Lovelace&gt;!") {
		t.Errorf("signed in: %s", got)
	}
	r = httptest.NewRequest("GET", "/", nil)
	if _, err := zaikio.LogInPerson(context.Background(), flow, r, "warehouse", "person-2"); err != nil {
		t.Fatal(err)
	}
	if got := page(r); !strings.Contains(got, "session has expired") {
		t.Errorf("refused token: %s", got)
	}
}
