package auth0

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/idsdk/idsdk-go/gen/auth0auth"
	"github.com/idsdk/idsdk-go/internal/redact"
)

// SignupParams are the fields of a database connection sign-up.
type SignupParams struct {
	// Password and Connection (the database connection's name) are
	// required.
	Password   string
	Connection string
	// Email, PhoneNumber and Username identify the user: at least one is
	// required, and the connection decides which it accepts (sign-up by
	// phone number or username needs the connection's flexible
	// identifiers, and a connection that requires a username needs it in
	// addition).
	Email       string
	PhoneNumber string
	Username    string
	// GivenName, FamilyName, Name, Nickname and Picture fill the profile.
	GivenName  string
	FamilyName string
	Name       string
	Nickname   string
	Picture    string
	// UserMetadata is stored as the user's user_metadata.
	UserMetadata map[string]any
}

// String shows the identifiers and the connection, not the password.
func (p SignupParams) String() string {
	return fmt.Sprintf("auth0.SignupParams{Email: %q, PhoneNumber: %q, Username: %q, Connection: %q, Password: %s}",
		p.Email, p.PhoneNumber, p.Username, p.Connection, redact.Placeholder)
}

// GoString is String.
func (p SignupParams) GoString() string { return p.String() }

// Format prints String for every verb.
func (p SignupParams) Format(f fmt.State, verb rune) { redact.Format(f, verb, p.String()) }

// LogValue keeps the password out of slog output.
func (p *SignupParams) LogValue() slog.Value { return redact.PointerLogValue(p) }

// MarshalJSON writes String.
func (p SignupParams) MarshalJSON() ([]byte, error) { return redact.JSON(p.String()) }

// SignupResult is the user Auth0 created.
type SignupResult struct {
	// ID is the user's id in the connection (without the "auth0|" prefix).
	ID string
	// Email is the user's e-mail address, when it signed up with one.
	Email string
	// EmailVerified reports whether the address is verified.
	EmailVerified bool
	// PhoneNumber is the user's phone number, when it signed up with one.
	PhoneNumber string
	// PhoneVerified reports whether the phone number is verified.
	PhoneVerified bool
	// Username is the user's username, when it signed up with one.
	Username string
}

// Signup creates a user in a database connection
// (POST /dbconnections/signup), identified by its e-mail address, phone
// number or username (at least one). A taken identifier gives an error
// whose *errors.Auth0AuthError has Code "invalid_signup" or "user_exists".
func (c *Client) Signup(ctx context.Context, p SignupParams) (*SignupResult, error) {
	if p.Email == "" && p.PhoneNumber == "" && p.Username == "" {
		return nil, errors.New("auth0: Signup needs an Email, a PhoneNumber or a Username")
	}
	if p.Password == "" || p.Connection == "" {
		return nil, errors.New("auth0: Signup needs Password and Connection")
	}
	body := auth0auth.DatabaseSignupBody{
		ClientID: c.clientID, Connection: p.Connection, Password: p.Password,
		Email: opt(p.Email), PhoneNumber: opt(p.PhoneNumber), Username: opt(p.Username),
		GivenName: opt(p.GivenName), FamilyName: opt(p.FamilyName),
		Name: opt(p.Name), Nickname: opt(p.Nickname), Picture: opt(p.Picture),
	}
	body.UserMetadata = p.UserMetadata
	out, err := c.api.Database.Signup(ctx, body)
	if err != nil {
		return nil, c.scrub(err, p.Password)
	}
	return &SignupResult{
		ID: deref(out.UnderscoreID), Email: deref(out.Email), EmailVerified: deref(out.EmailVerified),
		PhoneNumber: deref(out.PhoneNumber), PhoneVerified: deref(out.PhoneVerified), Username: deref(out.Username),
	}, nil
}

// ChangePassword makes Auth0 e-mail the user of a database connection a
// link to change their password (POST /dbconnections/change_password).
// organization may be empty. It returns Auth0's message.
func (c *Client) ChangePassword(ctx context.Context, email, connection, organization string) (string, error) {
	if email == "" || connection == "" {
		return "", errors.New("auth0: ChangePassword needs an e-mail address and a connection")
	}
	body := auth0auth.DatabaseChangePasswordBody{
		ClientID: c.clientID, Connection: connection, Email: email, Organization: opt(organization),
	}
	msg, err := c.api.Database.ChangePassword(ctx, body)
	if err != nil {
		return "", err
	}
	return string(msg), nil
}

// UserInfo returns the profile of the user an access token was issued to
// (GET /userinfo).
func (c *Client) UserInfo(ctx context.Context, accessToken string) (*auth0auth.UserInfo, error) {
	if accessToken == "" {
		return nil, errors.New("auth0: UserInfo needs an access token")
	}
	u, err := c.api.UserInfo.Get(ctx, auth0auth.WithRequestHeader("Authorization", "Bearer "+accessToken))
	if err != nil {
		return nil, c.scrub(err, accessToken)
	}
	return u, nil
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref is the value p points to, or T's zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
