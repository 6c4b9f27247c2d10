package facade_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
)

// HTTP Basic client credentials follow the origin rule of bearer tokens:
// they go to the API's scheme, host and port (or a call's own base URL),
// and never to another port of the same host a redirect points to.
func TestBasicCredentialsStayOnTheAPIOrigin(t *testing.T) {
	var leaked, perCall atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		perCall.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"name":"app"}`)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, secret, ok := r.BasicAuth(); !ok || id != "app-id" || secret != "s3cret" {
			t.Errorf("API did not get the Basic credentials: %q", r.Header.Get("Authorization"))
		}
		// Same host (127.0.0.1), another port.
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(api.URL), zaikiohub.WithBasicAuth("app-id", auth.Secret("s3cret")),
		zaikiohub.WithToken(auth.Bearer("tok")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.App.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, _ := leaked.Load().(string); v != "" {
		t.Errorf("redirect to another port received Authorization %q", v)
	}

	// A call's own base URL is that call's origin, as for tokens.
	perCall.Store("")
	if _, err := c.App.Get(context.Background(), zaikiohub.WithRequestBaseURL(other.URL)); err != nil {
		t.Fatal(err)
	}
	if v, _ := perCall.Load().(string); v == "" {
		t.Errorf("per-call base URL did not get the Basic credentials")
	}
}

// An operation the document lets authenticate with HTTP Basic or a token
// (the Zaikio Hub's connections) takes the client's token when it has
// one, and its client id and secret otherwise: a client built with
// WithBasicAuth alone must not send the request without credentials.
func TestBasicOrTokenOperationUsesWhatTheClientHas(t *testing.T) {
	var got atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[]`)
	}))
	defer api.Close()
	for _, tc := range []struct {
		name string
		opts []zaikiohub.ClientOption
		want string
	}{
		{"basic only", []zaikiohub.ClientOption{zaikiohub.WithBasicAuth("app-id", auth.Secret("s3cret"))}, "Basic YXBwLWlkOnMzY3JldA=="},
		{"token and basic", []zaikiohub.ClientOption{zaikiohub.WithBasicAuth("app-id", auth.Secret("s3cret")), zaikiohub.WithToken(auth.Bearer("tok"))}, "Bearer tok"},
		{"token only", []zaikiohub.ClientOption{zaikiohub.WithToken(auth.Bearer("tok"))}, "Bearer tok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got.Store("")
			c, err := zaikiohub.New(append(tc.opts, zaikiohub.WithBaseURL(api.URL))...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Connections.List(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			if v, _ := got.Load().(string); v != tc.want {
				t.Errorf("Authorization %q, want %q", v, tc.want)
			}
		})
	}
}
