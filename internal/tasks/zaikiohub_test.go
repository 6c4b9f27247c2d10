package tasks_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/zaikiohub"
	"github.com/idsdk/idsdk-go/retry"
)

// myOrganizations is the Zaikio task as a user writes it: the names of the
// organizations the signed-in person is a member of.
func myOrganizations(ctx context.Context, c *zaikiohub.Client) ([]string, error) {
	memberships, err := c.Person.ListOrganizationMemberships(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range memberships {
		names = append(names, m.Organization.Name)
	}
	return names, nil
}

func TestZaikioCurrentPersonOrganizations(t *testing.T) {
	srv := serve(t, "person-token", exchange{
		method: http.MethodGet, path: "/api/v1/person/organization_memberships",
		reply: `[
 {"id":"m-1","roles":["owner"],"created_at":"2024-03-12T09:41:07Z","updated_at":"2024-03-12T09:41:07Z",
  "organization":{"id":"o-1","name":"Acme Print","slug":"acme-print","kinds":["printer"],"created_at":"2024-03-12T09:41:07Z","updated_at":"2024-03-12T09:41:07Z"}},
 {"id":"m-2","roles":["member"],"created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-01T10:00:00Z",
  "organization":{"id":"o-2","name":"Roe Publishing","slug":"roe-publishing","kinds":["publisher"],"created_at":"2024-05-01T10:00:00Z","updated_at":"2024-05-01T10:00:00Z"}}
]`,
	})
	c, err := zaikiohub.New(zaikiohub.WithBaseURL(srv.URL+"/api/v1"), zaikiohub.WithToken(auth.Bearer("person-token")), zaikiohub.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	names, err := myOrganizations(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Acme Print", "Roe Publishing"}; !slices.Equal(names, want) {
		t.Errorf("organizations %q, want %q", names, want)
	}
}
