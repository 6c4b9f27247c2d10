package contract_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

// WithCustomDomain sends Auth0-Custom-Domain with the operations whose
// document declares that header (tickets, invitations, user updates...)
// and with no other; WithRequestCustomDomain sets another value for one call.
func TestAuth0MgmtCustomDomainOnlyWhereAccepted(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/api/v2/tickets/email-verification" {
			_, _ = io.WriteString(w, `{"ticket":"https://login.example.com/t"}`)
			return
		}
		_, _ = io.WriteString(w, `[]`)
	})
	c := api.client(t, auth0mgmt.WithCustomDomain("login.example.com"))
	ctx := context.Background()
	if _, err := c.Tickets.VerifyEmail(ctx, auth0mgmt.VerifyEmailTicketRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Roles.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other := "other.example.com"
	if _, err := c.Tickets.VerifyEmail(ctx, auth0mgmt.VerifyEmailTicketRequest{}, auth0mgmt.WithRequestCustomDomain(other)); err != nil {
		t.Fatal(err)
	}
	got := api.requests()
	if len(got) != 3 {
		t.Fatalf("%d requests", len(got))
	}
	for i, want := range []string{"login.example.com", "", "other.example.com"} {
		if h := got[i].Header.Get("Auth0-Custom-Domain"); h != want {
			t.Errorf("request %d (%s): Auth0-Custom-Domain = %q, want %q", i, got[i].URL.Path, h, want)
		}
	}
}
