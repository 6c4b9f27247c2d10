package auth0

import (
	"context"
	"errors"

	"github.com/idsdk/idsdk-go/gen/auth0auth"
)

// SignupParams are the fields of a database connection sign-up.
type SignupParams struct {
	// Email, Password and Connection (the database connection's name) are
	// required.
	Email      string
	Password   string
	Connection string
	// Username, when the connection requires one.
	Username string
	// GivenName, FamilyName, Name, Nickname and Picture fill the profile.
	GivenName  string
	FamilyName string
	Name       string
	Nickname   string
	Picture    string
	// UserMetadata is stored as the user's user_metadata.
	UserMetadata map[string]any
}

// SignupResult is the user Auth0 created.
type SignupResult struct {
	// ID is the user's id in the connection (without the "auth0|" prefix).
	ID string
	// Email is the user's e-mail address.
	Email string
	// EmailVerified reports whether the address is verified.
	EmailVerified bool
}

// Signup creates a user in a database connection
// (POST /dbconnections/signup). A taken e-mail address gives an error
// whose *errors.Auth0AuthError has Code "invalid_signup" or "user_exists".
func (c *Client) Signup(ctx context.Context, p SignupParams) (*SignupResult, error) {
	if p.Email == "" || p.Password == "" || p.Connection == "" {
		return nil, errors.New("auth0: Signup needs Email, Password and Connection")
	}
	body := auth0auth.SignupJSONRequestBody{
		ClientId: c.clientID, Connection: p.Connection, Email: p.Email, Password: p.Password,
		Username: opt(p.Username), GivenName: opt(p.GivenName), FamilyName: opt(p.FamilyName),
		Name: opt(p.Name), Nickname: opt(p.Nickname), Picture: opt(p.Picture),
	}
	if p.UserMetadata != nil {
		m := p.UserMetadata
		body.UserMetadata = &m
	}
	out, err := c.api.Database.Signup(ctx, body)
	if err != nil {
		return nil, err
	}
	r := &SignupResult{}
	if out.UnderscoreId != nil {
		r.ID = *out.UnderscoreId
	}
	if out.Email != nil {
		r.Email = *out.Email
	}
	if out.EmailVerified != nil {
		r.EmailVerified = *out.EmailVerified
	}
	return r, nil
}

// ChangePassword makes Auth0 e-mail the user of a database connection a
// link to change their password (POST /dbconnections/change_password).
// organization may be empty. It returns Auth0's message.
func (c *Client) ChangePassword(ctx context.Context, email, connection, organization string) (string, error) {
	if email == "" || connection == "" {
		return "", errors.New("auth0: ChangePassword needs an e-mail address and a connection")
	}
	body := auth0auth.ChangePasswordJSONRequestBody{
		ClientId: c.clientID, Connection: connection, Email: email, Organization: opt(organization),
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
	return c.api.UserInfo.Get(ctx, auth0auth.WithRequestHeader("Authorization", "Bearer "+accessToken))
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
