// The Auth0 step: a machine-to-machine token, then a user created, found,
// updated and deleted through the Management API.

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/idsdk/idsdk-go/nullable"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0/m2m"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/sandbox"
)

func init() {
	register(1, "Auth0: a machine-to-machine token, then a user created, listed, updated and deleted", auth0Step)
}

func auth0Step(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error {
	// With a real tenant: the tenant domain and an application authorized
	// for the Management API.
	domain, clientID, secret := sb.Auth0.Domain, sb.Auth0.ClientID, auth.Secret(sb.Auth0.ClientSecret)

	// The token source fetches, caches and refreshes the application's
	// token; the client sends it with every call.
	tokens, err := m2m.ClientCredentials(domain, clientID, secret)
	if err != nil {
		return err
	}
	tok, err := tokens.TokenContext(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "token for the Management API, valid for %s\n", time.Until(tok.Expiry).Round(time.Minute))

	m, err := auth0mgmt.New(domain, auth0mgmt.WithToken(tokens))
	if err != nil {
		return err
	}
	email, password := "ada@example.com", "correct horse battery staple"
	// Email and Password may be absent from the body, so they are pointers;
	// Ptr makes one of a value.
	u, err := m.Users.Create(ctx, auth0mgmt.CreateUserRequest{
		Connection: sb.Auth0.Connection, Email: auth0mgmt.Ptr(email), Password: auth0mgmt.Ptr(password),
	})
	if err != nil {
		return fmt.Errorf("create a user: %w", err)
	}
	id := u.GetUserID()
	fmt.Fprintf(out, "created %s (%s)\n", id, email)

	found, err := m.Users.ListByEmail(ctx, &auth0mgmt.UsersListByEmailParams{Email: email})
	if err != nil {
		return fmt.Errorf("list users by email: %w", err)
	}
	for _, f := range found {
		fmt.Fprintf(out, "found %s by email\n", f.GetUserID())
	}

	// PATCH sends only what is set: a value, or an explicit null that
	// removes the member.
	updated, err := m.Users.Update(ctx, id, auth0mgmt.UpdateUserRequest{
		Name:     nullable.NewNullableWithValue("Ada Lovelace"),
		Nickname: nullable.NewNullNullable[string](),
	})
	if err != nil {
		return fmt.Errorf("update the user: %w", err)
	}
	fmt.Fprintf(out, "renamed to %q, nickname removed: %t\n", updated.GetName(), updated.GetNickname() == "")

	if err := m.Users.Delete(ctx, id); err != nil {
		return fmt.Errorf("delete the user: %w", err)
	}
	fmt.Fprintf(out, "deleted %s\n", id)
	return nil
}
