// Command auth0mgmt runs the Auth0 Management API quick start with the
// idsdk-go client: it searches users, reads one, and can create a role,
// with a machine-to-machine application's tokens fetched and refreshed for
// it.
//
// It is configured from the environment: AUTH0_DOMAIN (the tenant domain,
// such as tenant.us.auth0.com), AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET of
// an application authorized for the Management API with read:users (and
// create:roles for -role).
//
//	go run ./examples/auth0mgmt -q 'email:*@example.com' [-role invoice-reader]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
)

func main() {
	query := flag.String("q", "", "a user search query (Lucene syntax), e.g. email:*@example.com")
	role := flag.String("role", "", "also create a role with this name")
	flag.Parse()
	if err := run(*query, *role); err != nil {
		log.Fatal(err)
	}
}

func run(query, role string) error {
	domain := os.Getenv("AUTH0_DOMAIN")
	if domain == "" {
		return errors.New("set AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	// One call: the client and its machine-to-machine credentials. The
	// token (audience https://{domain}/api/v2/) is fetched on the first
	// call, shared by every call and refreshed before it expires; if it
	// cannot be had, the call fails with that error and nothing is sent.
	c, err := auth0mgmt.New(domain,
		auth0mgmt.WithClientCredentials(os.Getenv("AUTH0_CLIENT_ID"), auth.Secret(os.Getenv("AUTH0_CLIENT_SECRET"))),
		auth0mgmt.WithTimeout(10*time.Second), auth0mgmt.WithMaxRetries(3))
	if err != nil {
		return err
	}

	// Every matching user; the pages are fetched as the loop goes.
	params := &auth0mgmt.UsersListParams{}
	if query != "" {
		params.Q = &query
	}
	var first string
	n := 0
	for u, err := range c.Users.All(ctx, params) {
		if err != nil {
			return explain("list users", err)
		}
		n++
		if first == "" {
			first = u.GetUserID()
		}
		fmt.Printf("%s\t%s\n", u.GetUserID(), u.GetEmail())
	}
	fmt.Println(n, "users")

	if first != "" {
		u, err := c.Users.Get(ctx, first, nil)
		if err != nil {
			return explain("get a user", err)
		}
		fmt.Printf("first: %s, %d logins\n", u.GetName(), u.GetLoginsCount())
	}

	if role != "" {
		r, err := c.Roles.Create(ctx, auth0mgmt.CreateRoleRequest{Name: role})
		if err != nil {
			return explain("create a role", err)
		}
		fmt.Println("role:", r.GetID())
	}
	return nil
}

// explain adds what Auth0 said to an error.
func explain(what string, err error) error {
	var ae *sdkerrors.Auth0Error
	var rl *sdkerrors.RateLimitError
	switch {
	case errors.As(err, &rl):
		return fmt.Errorf("%s: rate limited, try again in %s: %w", what, rl.RetryAfter, err)
	case errors.Is(err, sdkerrors.ErrForbidden) && errors.As(err, &ae):
		return fmt.Errorf("%s: the application lacks a scope (%s): %w", what, ae.Message, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
