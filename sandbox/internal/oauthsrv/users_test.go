package oauthsrv

import (
	"slices"
	"sync"
	"testing"
)

func TestPeopleUsers(t *testing.T) {
	var mu sync.Mutex
	people := []Person{
		{Subject: "p1", Email: "ada@example.com", Password: "pw", Claims: map[string]any{"name": "Ada"}},
		{Subject: "p2", Email: "bob@example.com"},
	}
	u := PeopleUsers(&mu, slices.Values(people))
	if sub, ok := u.Authenticate("", "ADA@example.com", "pw"); !ok || sub != "p1" {
		t.Errorf("e-mail in another case: %q %v", sub, ok)
	}
	if _, ok := u.Authenticate("", "ada@example.com", "wrong"); ok {
		t.Error("a wrong password signed in")
	}
	if _, ok := u.Authenticate("", "bob@example.com", ""); ok {
		t.Error("an empty password signed in")
	}
	if c, ok := u.Claims("p1"); !ok || c["name"] != "Ada" {
		t.Errorf("claims: %v %v", c, ok)
	}
	if _, ok := u.Claims("gone"); ok {
		t.Error("claims of an unknown subject")
	}
	people[0].Email = "lovelace@example.com" // a change is seen by the next sign-in
	if _, ok := u.Authenticate("", "lovelace@example.com", "pw"); !ok {
		t.Error("the changed e-mail does not sign in")
	}
}
