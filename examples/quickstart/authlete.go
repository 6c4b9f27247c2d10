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
	fmt.Fprintf(out, "authorization request: action %s\n", *az.Action)
	if *az.Action != authlete.AuthorizationResponseActionINTERACTION {
		return fmt.Errorf("authorization request: unexpected action %s", *az.Action)
	}

	// The user signed in and consented: issue the code.
	iss, err := c.Authorization.Issue(ctx, a.ServiceID, authlete.AuthorizationIssueRequest{Ticket: *az.Ticket, Subject: "user-1"})
	if err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	fmt.Fprintf(out, "issue: action %s, redirect to %s?code=...\n", *iss.Action, a.RedirectURI)

	// The client exchanges the code at our token endpoint.
	form := url.Values{"grant_type": {"authorization_code"}, "code": {*iss.AuthorizationCode},
		"redirect_uri": {a.RedirectURI}, "code_verifier": {verifier}}
	tok, err := c.Token.Process(ctx, a.ServiceID, authlete.TokenRequest{
		Parameters: form.Encode(), ClientId: &a.ClientID, ClientSecret: &a.ClientSecret,
	})
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	fmt.Fprintf(out, "token: action %s, a refresh token too: %t\n", *tok.Action, tok.RefreshToken != nil)
	if *tok.Action != authlete.TokenResponseActionOK {
		return fmt.Errorf("token: unexpected action %s", *tok.Action)
	}

	// A resource server checks the access token it received.
	in, err := c.Introspection.Process(ctx, a.ServiceID, authlete.IntrospectionRequest{Token: *tok.AccessToken, Scopes: &[]string{"profile"}})
	if err != nil {
		return fmt.Errorf("introspection: %w", err)
	}
	fmt.Fprintf(out, "introspection: action %s, subject %s\n", *in.Action, *in.Subject)
	return nil
}
