// The Nexaas ID step: a signed-in user's profile read with the user's own
// tokens, kept in the application's user record; when the access token
// ends, the client refreshes it and writes the new tokens back to the
// record before using them.

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/gen/nexaasid"
	"github.com/idsdk/idsdk-go/sandbox"
)

func init() {
	register(3, "Nexaas ID: a profile, with a refresh written back to the user record", nexaasStep)
}

// nexaasUser is the application's record of a user (a database row in a
// real application).
type nexaasUser struct {
	Email                     string
	AccessToken, RefreshToken string
	TokenExpiry               time.Time
}

// tokens adapts the record to an auth.Store.
func (u *nexaasUser) tokens() auth.Store {
	return auth.StoreFuncs{
		LoadFunc: func(context.Context) (*oauth2.Token, error) {
			return &oauth2.Token{AccessToken: u.AccessToken, RefreshToken: u.RefreshToken, Expiry: u.TokenExpiry}, nil
		},
		SaveFunc: func(_ context.Context, t *oauth2.Token) error {
			u.AccessToken, u.RefreshToken, u.TokenExpiry = t.AccessToken, t.RefreshToken, t.Expiry
			return nil
		},
	}
}

func nexaasStep(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error {
	// The user signed in earlier (the authorization code flow); the record
	// holds their tokens.
	user := &nexaasUser{Email: sb.Nexaas.UserEmail}
	var err error
	user.AccessToken, user.RefreshToken, user.TokenExpiry, err = sb.Nexaas.SignIn(sb.Nexaas.UserID, "profile")
	if err != nil {
		return err
	}

	// With the real service: nexaasid.WithRegion(regions.NexaasProduction)
	// and the application's own client ID and secret.
	app := nexaas.Config{ClientID: sb.Nexaas.ClientID, ClientSecret: auth.Secret(sb.Nexaas.ClientSecret)}
	c, err := nexaasid.New(nexaasid.WithBaseURL(sb.Nexaas.BaseURL), nexaasid.WithIdentity(app, user.tokens()))
	if err != nil {
		return err
	}
	p, err := c.Profile.Get(ctx)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	fmt.Fprintf(out, "profile of %s: %s\n", p.GetEmail(), p.GetName())

	// The server ends the access token early (a revocation, a restart):
	// the next call is refused once, the client refreshes and retries.
	before := user.RefreshToken
	sb.Nexaas.ExpireTokens()
	pi, err := c.Profile.ProfessionalInfo(ctx)
	if err != nil {
		return fmt.Errorf("professional info: %w", err)
	}
	fmt.Fprintf(out, "professional info: %s at %s\n", pi.GetPosition(), pi.GetCompany())
	fmt.Fprintf(out, "the record now holds a new refresh token: %t\n", user.RefreshToken != before)
	if user.RefreshToken == before {
		return fmt.Errorf("the refreshed tokens were not written back")
	}
	return nil
}
