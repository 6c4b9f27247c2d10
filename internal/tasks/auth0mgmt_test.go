package tasks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/retry"
)

// The Auth0 Management tasks, each as a user writes it.

// usersByEmail returns the ids of the users with this email.
func usersByEmail(ctx context.Context, m *auth0mgmt.Client, email string) ([]string, error) {
	users, err := m.Users.ListByEmail(ctx, &auth0mgmt.UsersListByEmailParams{Email: email})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, u := range users {
		ids = append(ids, u.GetUserID())
	}
	return ids, nil
}

// createUser creates a database user and returns its id.
func createUser(ctx context.Context, m *auth0mgmt.Client, email, password string) (string, error) {
	u, err := m.Users.Create(ctx, auth0mgmt.CreateUserRequest{
		Connection: "Username-Password-Authentication",
		// Email and Password are optional members of the body (a user of a
		// passwordless or social connection has none), so they are pointers:
		// absent is told apart from "".
		Email:    auth0mgmt.Ptr(email),
		Password: auth0mgmt.Ptr(password),
	})
	if err != nil {
		return "", err
	}
	return u.GetUserID(), nil
}

// setPlan sets the user's app_metadata.plan.
func setPlan(ctx context.Context, m *auth0mgmt.Client, id, plan string) error {
	_, err := m.Users.Update(ctx, id, auth0mgmt.UpdateUserRequest{
		AppMetadata: auth0mgmt.AppMetadata{"plan": plan},
	})
	return err
}

// assignRoles gives the user the roles.
func assignRoles(ctx context.Context, m *auth0mgmt.Client, id string, roles ...string) error {
	return m.Users.Roles.Assign(ctx, id, auth0mgmt.AssignUserRolesRequest{Roles: roles})
}

// allEmails pages through every user and returns their emails.
func allEmails(ctx context.Context, m *auth0mgmt.Client) ([]string, error) {
	var emails []string
	for u, err := range m.Users.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if email := u.GetEmail(); email != "" {
			emails = append(emails, email)
		}
	}
	return emails, nil
}

// deleteUser deletes the user.
func deleteUser(ctx context.Context, m *auth0mgmt.Client, id string) error {
	return m.Users.Delete(ctx, id)
}

// The tests: what reaches the server, and what the task returns.

const mgmtToken = "mgmt-token"

// newAuth0 returns a Management client of the tenant the loopback server plays.
func newAuth0(t *testing.T, srv string) *auth0mgmt.Client {
	t.Helper()
	u, err := url.Parse(srv)
	if err != nil {
		t.Fatal(err)
	}
	m, err := auth0mgmt.New(u.Host, auth0mgmt.WithStaticToken(mgmtToken, time.Time{}), auth0mgmt.WithRetry(retry.Off()))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAuth0UsersByEmail(t *testing.T) {
	srv := serve(t, mgmtToken, exchange{
		method: http.MethodGet, path: "/api/v2/users-by-email",
		query: url.Values{"email": {"jane@example.com"}},
		reply: `[{"user_id":"auth0|1","email":"jane@example.com"},{"user_id":"google-oauth2|2","email":"jane@example.com"}]`,
	})
	ids, err := usersByEmail(t.Context(), newAuth0(t, srv.URL), "jane@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"auth0|1", "google-oauth2|2"}; !slices.Equal(ids, want) {
		t.Errorf("ids %q, want %q", ids, want)
	}
}

func TestAuth0CreateUser(t *testing.T) {
	srv := serve(t, mgmtToken, exchange{
		method: http.MethodPost, path: "/api/v2/users",
		body:   `{"connection":"Username-Password-Authentication","email":"jane@example.com","password":"correct horse battery"}`,
		status: http.StatusCreated,
		reply:  `{"user_id":"auth0|1","email":"jane@example.com","created_at":"2025-01-20T17:02:44.901Z"}`,
	})
	id, err := createUser(t.Context(), newAuth0(t, srv.URL), "jane@example.com", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if id != "auth0|1" {
		t.Errorf("id %q, want auth0|1", id)
	}
}

func TestAuth0UpdateAppMetadata(t *testing.T) {
	srv := serve(t, mgmtToken, exchange{
		method: http.MethodPatch, path: "/api/v2/users/auth0|1",
		body:  `{"app_metadata":{"plan":"business"}}`,
		reply: `{"user_id":"auth0|1","app_metadata":{"plan":"business","seats":25}}`,
	})
	if err := setPlan(t.Context(), newAuth0(t, srv.URL), "auth0|1", "business"); err != nil {
		t.Fatal(err)
	}
}

func TestAuth0AssignRoles(t *testing.T) {
	srv := serve(t, mgmtToken, exchange{
		method: http.MethodPost, path: "/api/v2/users/auth0|1/roles",
		body:   `{"roles":["rol_billing","rol_support"]}`,
		status: http.StatusNoContent,
	})
	if err := assignRoles(t.Context(), newAuth0(t, srv.URL), "auth0|1", "rol_billing", "rol_support"); err != nil {
		t.Fatal(err)
	}
}

func TestAuth0PageThroughAllUsers(t *testing.T) {
	// 51 users: a full first page of 50 (the default page size), then 1.
	page := func(from, n, total int) string {
		users := make([]string, n)
		for i := range users {
			users[i] = fmt.Sprintf(`{"user_id":"auth0|%d","email":"user%d@example.com"}`, from+i, from+i)
		}
		return fmt.Sprintf(`{"start":%d,"limit":50,"length":%d,"total":%d,"users":[%s]}`, from, n, total, strings.Join(users, ","))
	}
	q := func(n string) url.Values {
		return url.Values{"page": {n}, "per_page": {"50"}, "include_totals": {"true"}}
	}
	srv := serve(t, mgmtToken,
		exchange{method: http.MethodGet, path: "/api/v2/users", query: q("0"), reply: page(0, 50, 51)},
		exchange{method: http.MethodGet, path: "/api/v2/users", query: q("1"), reply: page(50, 1, 51)},
	)
	emails, err := allEmails(t.Context(), newAuth0(t, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != 51 {
		t.Fatalf("got %d emails, want 51", len(emails))
	}
	if emails[0] != "user0@example.com" || emails[50] != "user50@example.com" {
		t.Errorf("emails %q ... %q, want user0@example.com ... user50@example.com", emails[0], emails[50])
	}
}

func TestAuth0DeleteUser(t *testing.T) {
	srv := serve(t, mgmtToken, exchange{
		method: http.MethodDelete, path: "/api/v2/users/auth0|1",
		status: http.StatusNoContent,
	})
	if err := deleteUser(t.Context(), newAuth0(t, srv.URL), "auth0|1"); err != nil {
		t.Fatal(err)
	}
}
