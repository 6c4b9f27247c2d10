// The Authlete step: an authorization server built on Authlete hands an
// authorization request to the API, issues a code once the user has
// signed in, exchanges it for tokens and checks the access token.

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/url"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/gen/authlete"
	"github.com/idsdk/idsdk-go/sandbox"
)

func init() {
	register(2, "Authlete: an authorization request, then issue, token and introspection", authleteStep)
}

func authleteStep(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error {
	// With a real service: authlete.WithRegion(regions.AuthleteUS) and the
	// service's access token.
	c, err := authlete.New(authlete.WithBaseURL(sb.Authlete.BaseURL), authlete.WithToken(auth.Bearer(sb.Authlete.Token)))
	if err != nil {
		return err
	}
	a := sb.Authlete
	verifier := rand.Text() + rand.Text()
	sum := sha256.Sum256([]byte(verifier))

	// The browser arrives at our /authorize with these parameters.
	params := url.Values{
		"response_type": {"code"}, "client_id": {a.ClientID}, "redirect_uri": {a.RedirectURI},
		"scope": {"openid profile"}, "state": {"xyz"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}
	az, err := c.Authorization.ProcessRequest(ctx, a.ServiceID, authlete.AuthorizationRequest{Parameters: params.Encode()})
	if err != nil {
		return fmt.Errorf("authorization request: %w", err)
	}
	fmt.Fprintf(out, "authorization request: action %s\n", az.GetAction())
	if az.GetAction() != authlete.AuthorizationResponseActionInteraction {
		return fmt.Errorf("authorization request: unexpected action %s", az.GetAction())
	}

	// The user signed in and consented: issue the code.
	iss, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: az.GetTicket(), Subject: "user-1"})
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	fmt.Fprintf(out, "issue: action %s, redirect to %s?code=...\n", iss.GetAction(), a.RedirectURI)

	// The client exchanges the code at our token endpoint.
	form := url.Values{"grant_type": {"authorization_code"}, "code": {iss.GetAuthorizationCode()},
		"redirect_uri": {a.RedirectURI}, "code_verifier": {verifier}}
	// The client's credentials are optional members (a public client has
	// none): pointers, made with Ptr.
	tok, err := c.Token.Process(ctx, a.ServiceID, authlete.TokenRequest{
		Parameters: form.Encode(), ClientID: authlete.Ptr(a.ClientID), ClientSecret: authlete.Ptr(a.ClientSecret),
	})
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Fprintf(out, "token: action %s, a refresh token too: %t\n", tok.GetAction(), tok.GetRefreshToken() != "")
	if tok.GetAction() != authlete.TokenResponseActionOK {
		return fmt.Errorf("token: unexpected action %s", tok.GetAction())
	}

	// A resource server checks the access token it received.
	in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: tok.GetAccessToken(), Scopes: []string{"profile"}})
	if err != nil {
		return fmt.Errorf("introspection: %w", err)
	}
	fmt.Fprintf(out, "introspection: action %s, subject %s\n", in.GetAction(), in.GetSubject())
	return nil
}
