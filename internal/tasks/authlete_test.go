package tasks_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/authlete"
	"github.com/idsdk/idsdk-go/retry"
)

// authorize is the Authlete task as a user writes it: process the
// authorization request the user agent brought (its query string) and,
// once the user has signed in as subject, issue the response; it returns
// where to redirect the user agent.
func authorize(ctx context.Context, c *authlete.Client, serviceID, query, subject string) (string, error) {
	res, err := c.Authorization.ProcessRequest(ctx, serviceID, authlete.AuthorizationRequest{Parameters: query})
	if err != nil {
		return "", err
	}
	if a := res.GetAction(); a != authlete.AuthorizationResponseActionInteraction {
		return "", fmt.Errorf("authorization request: Authlete says %q", a)
	}
	// The user signs in and consents here.
	issued, err := c.Authorization.Issue(ctx, serviceID, authlete.AuthorizationIssueRequest{Ticket: res.GetTicket(), Subject: subject})
	if err != nil {
		return "", err
	}
	if a := issued.GetAction(); a != authlete.AuthorizationIssueResponseActionLocation {
		return "", fmt.Errorf("authorization issue: Authlete says %q", a)
	}
	return issued.GetResponseContent(), nil
}

func TestAuthleteAuthorizeThenIssue(t *testing.T) {
	const query = "response_type=code&client_id=1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid&state=s1"
	srv := serve(t, "service-token",
		exchange{
			method: http.MethodPost, path: "/api/42/auth/authorization",
			body:  `{"parameters":"` + query + `"}`,
			reply: `{"resultCode":"A004001","resultMessage":"[A004001] ticket issued","action":"INTERACTION","ticket":"t-1","client":{"clientId":1}}`,
		},
		exchange{
			method: http.MethodPost, path: "/api/42/auth/authorization/issue",
			body:  `{"ticket":"t-1","subject":"jane"}`,
			reply: `{"resultCode":"A040001","resultMessage":"[A040001] issued","action":"LOCATION","responseContent":"https://app.example/cb?code=c-1&state=s1","authorizationCode":"c-1"}`,
		},
	)
	c, err := authlete.New(authlete.WithBaseURL(srv.URL), authlete.WithToken(auth.Bearer("service-token")), authlete.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	loc, err := authorize(t.Context(), c, "42", query, "jane")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://app.example/cb?code=c-1&state=s1"; loc != want {
		t.Errorf("redirect to %q, want %q", loc, want)
	}
}
