// Command signup creates a user in an Auth0 database connection with the
// Authentication API (POST /dbconnections/signup), the call behind a
// custom sign-up form.
//
//	AUTH0_DOMAIN=tenant.us.auth0.com AUTH0_CLIENT_ID=... \
//	    go run ./examples/auth0auth/signup -email ada@example.com -password '...' \
//	    -connection Username-Password-Authentication -given Ada -family Lovelace
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/idsdk/idsdk-go/auth/auth0"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

func main() {
	email := flag.String("email", "", "the new user's e-mail address")
	password := flag.String("password", "", "the new user's password")
	connection := flag.String("connection", "Username-Password-Authentication", "the database connection")
	given := flag.String("given", "", "given name (optional)")
	family := flag.String("family", "", "family name (optional)")
	flag.Parse()
	c, err := auth0.New(os.Getenv("AUTH0_DOMAIN"), os.Getenv("AUTH0_CLIENT_ID"))
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := signup(ctx, c, auth0.SignupParams{
		Email: *email, Password: *password, Connection: *connection, GivenName: *given, FamilyName: *family,
		UserMetadata: map[string]any{"signed_up_with": "idsdk-go example"},
	}); err != nil {
		log.Fatal(err)
	}
}

func signup(ctx context.Context, c *auth0.Client, p auth0.SignupParams) error {
	u, err := c.Signup(ctx, p)
	var ae *sdkerrors.Auth0AuthError
	switch {
	case errors.As(err, &ae) && (ae.Code == "user_exists" || ae.Code == "invalid_signup"):
		return fmt.Errorf("%s is already signed up (or the sign-up was refused): %s", p.Email, ae.Description)
	case errors.As(err, &ae) && ae.Code == "invalid_password":
		return fmt.Errorf("the password does not meet the connection's policy: %s", ae.Description)
	case err != nil:
		return err
	}
	fmt.Printf("created user %s (%s), e-mail verified: %t\n", u.ID, u.Email, u.EmailVerified)
	return nil
}
