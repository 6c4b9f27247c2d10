package auth0

// Tests that WithParam cannot replace what a grant sets itself and that
// every value of a repeated parameter is sent or refused, over every grant
// that takes TokenOptions.

import (
	"context"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
)

// paramGrant is one grant that takes TokenOptions.
type paramGrant struct {
	name string
	json bool     // the grant sends a JSON body
	own  []string // the parameters it sets from its own arguments
	call func(ctx context.Context, c *Client, opts ...TokenOption) error
}

func paramGrants() []paramGrant {
	return []paramGrant{
		{"ExchangeCode", false, []string{"code", "code_verifier", "redirect_uri"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.ExchangeCode(ctx, "CODE", "", "", opts...)
				return err
			}},
		{"PollDeviceToken", false, []string{"device_code"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.PollDeviceToken(ctx, &DeviceCode{DeviceCode: "DC"}, opts...)
				return err
			}},
		{"PollBackchannelToken", false, []string{"auth_req_id"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.PollBackchannelToken(ctx, &Backchannel{AuthReqID: "REQ"}, opts...)
				return err
			}},
		{"Login", true, []string{"username", "password", "realm", "scope", "audience"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.Login(ctx, "ada", "pw", LoginParams{}, opts...)
				return err
			}},
		{"Login/realm", true, []string{"username", "password", "realm", "scope", "audience"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.Login(ctx, "ada", "pw", LoginParams{Realm: "db"}, opts...)
				return err
			}},
		{"VerifyPasswordless", true, []string{"username", "otp", "realm", "scope", "audience"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.VerifyPasswordless(ctx, ChannelEmail, "ada@example.com", "123456", "", "", opts...)
				return err
			}},
		{"VerifyMFAOTP", true, []string{"mfa_token", "otp"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.VerifyMFAOTP(ctx, "MFA", "123456", opts...)
				return err
			}},
		{"VerifyMFAOOB", true, []string{"mfa_token", "oob_code", "binding_code"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.VerifyMFAOOB(ctx, "MFA", "OOB", "", opts...)
				return err
			}},
		{"VerifyMFARecoveryCode", true, []string{"mfa_token", "recovery_code"},
			func(ctx context.Context, c *Client, opts ...TokenOption) error {
				_, err := c.VerifyMFARecoveryCode(ctx, "MFA", "RC", opts...)
				return err
			}},
	}
}

// paramValue is the value given to refused parameters: no error may show it.
const paramValue = "attacker-chosen-value-4711"

// TestWithParamCannotReplaceWhatTheGrantSets: for every grant and every
// client authentication, WithParam on grant_type, the client
// authentication or one of the grant's own parameters fails the call
// before any request, with an error that names the parameter and never
// shows its value.
func TestWithParamCannotReplaceWhatTheGrantSets(t *testing.T) {
	ctx := context.Background()
	common := []string{"", "grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type"}
	for _, method := range []auth.AuthMethod{auth.ClientSecretPost, auth.ClientSecretBasic} {
		for _, g := range paramGrants() {
			for _, key := range append(append([]string{}, common...), g.own...) {
				t.Run(string(method)+"/"+g.name+"/"+key, func(t *testing.T) {
					f := newFake(t)
					f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
					c := newTest(t, f, WithAuthMethod(method))
					err := g.call(ctx, c, WithParam("acr_values", "mfa"), WithParam(key, paramValue))
					if err == nil {
						t.Fatalf("WithParam(%q) accepted", key)
					}
					if msg := err.Error(); !strings.Contains(msg, `"`+key+`"`) || strings.Contains(msg, paramValue) {
						t.Fatalf("error %q: want the name %q and not the value", msg, key)
					}
					if n := len(f.requests("/oauth/token")); n != 0 {
						t.Fatalf("%d requests sent", n)
					}
				})
			}
		}
	}
}

// TestWithParamRepeatedKey: a repeated parameter is sent with every value
// on the form grants, and refused on the JSON grants (Auth0's token
// endpoint takes one string per member), naming it without its values.
func TestWithParamRepeatedKey(t *testing.T) {
	ctx := context.Background()
	for _, g := range paramGrants() {
		t.Run(g.name, func(t *testing.T) {
			f := newFake(t)
			f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
			c := newTest(t, f)
			err := g.call(ctx, c, WithParam("resource", "https://api.one"), WithParam("acr_values", "mfa"), WithParam("resource", "https://api.two"))
			reqs := f.requests("/oauth/token")
			if g.json {
				if err == nil || !strings.Contains(err.Error(), `"resource"`) || strings.Contains(err.Error(), "api.one") || len(reqs) != 0 {
					t.Fatalf("JSON grant with a repeated parameter: err %v, %d requests", err, len(reqs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			form := reqs[0].form
			if got := form["resource"]; len(got) != 2 || got[0] != "https://api.one" || got[1] != "https://api.two" || form.Get("acr_values") != "mfa" {
				t.Fatalf("form %v", form)
			}
		})
	}
}

// TestWithParamSingleValueOnJSONGrants: one value per parameter reaches
// every JSON grant's body beside the grant's own members.
func TestWithParamSingleValueOnJSONGrants(t *testing.T) {
	ctx := context.Background()
	for _, g := range paramGrants() {
		if !g.json {
			continue
		}
		t.Run(g.name, func(t *testing.T) {
			f := newFake(t)
			f.on("/oauth/token", answer{status: 200, body: tokenBody(nil)})
			c := newTest(t, f)
			if err := g.call(ctx, c, WithParam("acr_values", "mfa")); err != nil {
				t.Fatal(err)
			}
			body := f.requests("/oauth/token")[0].json
			if body["acr_values"] != "mfa" || body["grant_type"] == nil || body["client_id"] != testID || body["client_secret"] != testSecret {
				t.Fatalf("JSON body %v", body)
			}
		})
	}
}
