package auth0

import (
	"context"
	"strings"
	"testing"
)

// TestSignupByPhoneNumber signs up with a phone number and no e-mail
// address: the body carries phone_number and no email member, and the
// answer's phone number comes back.
func TestSignupByPhoneNumber(t *testing.T) {
	f := newFake(t)
	f.on("/dbconnections/signup", answer{status: 200, body: map[string]any{
		"_id": "668fbaafd0c86eb15afa2100", "phone_number": "+15551234567", "phone_verified": false,
	}})
	c := newTest(t, f)
	got, err := c.Signup(context.Background(), SignupParams{PhoneNumber: "+15551234567", Password: "Fixture-Passw0rd", Connection: "db"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests("/dbconnections/signup")
	if len(reqs) != 1 {
		t.Fatalf("%d sign-up requests, want 1", len(reqs))
	}
	body := reqs[0].json
	if body["phone_number"] != "+15551234567" || body["connection"] != "db" || body["client_id"] != testID || body["password"] != "Fixture-Passw0rd" {
		t.Errorf("body %v", body)
	}
	for _, absent := range []string{"email", "username"} {
		if _, ok := body[absent]; ok {
			t.Errorf("body has %s: %v", absent, body)
		}
	}
	if got.ID != "668fbaafd0c86eb15afa2100" || got.PhoneNumber != "+15551234567" || got.PhoneVerified || got.Email != "" {
		t.Errorf("result %+v", got)
	}
}

// TestSignupByUsernameAndPhone sends both identifiers and reads both back.
func TestSignupByUsernameAndPhone(t *testing.T) {
	f := newFake(t)
	f.on("/dbconnections/signup", answer{status: 200, body: map[string]any{
		"_id": "u-2", "username": "jane", "phone_number": "+15551234567", "phone_verified": true,
	}})
	c := newTest(t, f)
	got, err := c.Signup(context.Background(), SignupParams{Username: "jane", PhoneNumber: "+15551234567", Password: "pw", Connection: "db"})
	if err != nil {
		t.Fatal(err)
	}
	body := f.requests("/dbconnections/signup")[0].json
	if body["username"] != "jane" || body["phone_number"] != "+15551234567" {
		t.Errorf("body %v", body)
	}
	if got.Username != "jane" || got.PhoneNumber != "+15551234567" || !got.PhoneVerified {
		t.Errorf("result %+v", got)
	}
}

// TestSignupNeedsAnIdentifier refuses, before sending anything, a sign-up
// without an e-mail address, phone number or username, or without a
// password or connection.
func TestSignupNeedsAnIdentifier(t *testing.T) {
	f := newFake(t)
	c := newTest(t, f)
	for _, tc := range []struct {
		p    SignupParams
		want string
	}{
		{SignupParams{Password: "pw", Connection: "db"}, "needs an Email, a PhoneNumber or a Username"},
		{SignupParams{PhoneNumber: "+15551234567", Connection: "db"}, "needs Password and Connection"},
		{SignupParams{Email: "a@b.example", Password: "pw"}, "needs Password and Connection"},
	} {
		_, err := c.Signup(context.Background(), tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.p, err, tc.want)
		}
	}
	if n := len(f.requests("/dbconnections/signup")); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}
