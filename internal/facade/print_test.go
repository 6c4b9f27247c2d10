package facade_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// A generated client holds its runtime in place, not behind a pointer:
// printing, logging or encoding the client, as a value or a pointer,
// still shows none of its credentials or header values, also once a call
// has been made.
func TestClientPrintsNoCredentials(t *testing.T) {
	const (
		token  = "TOKEN-print-7c1d2e3f"
		secret = "SECRET-print-4a5b6c7d"
		header = "HEADER-print-8e9f0a1b"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"p1"}`)
	}))
	defer srv.Close()
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(srv.URL), zaikiohub.WithToken(auth.Bearer(token)),
		zaikiohub.WithBasicAuth("client-id", auth.Secret(secret)), zaikiohub.WithHeader("X-Api-Key", header))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Person.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	redacttest.CheckValueAndPointer(t, "zaikiohub.Client", c, token, secret, header)
}
