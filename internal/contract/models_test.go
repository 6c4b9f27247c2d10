package contract_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/nullable"

	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/gen/authlete"
)

// TestPatchBodySaysExactlyWhatItMeans encodes PATCH bodies as the facade
// sends them: a false set with Ptr is sent, a nil field is left out, a
// nullable field can send null, and an empty non-nil list is sent as [].
func TestPatchBodySaysExactlyWhatItMeans(t *testing.T) {
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"false is sent", auth0mgmt.UpdateUserRequest{Blocked: auth0mgmt.Ptr(false)}, `{"blocked":false}`},
		{"nothing set sends nothing", auth0mgmt.UpdateUserRequest{}, `{}`},
		{"null is sent", auth0mgmt.UpdateUserRequest{GivenName: nullable.NewNullNullable[string]()}, `{"given_name":null}`},
		{"a value through a nullable", auth0mgmt.UpdateUserRequest{GivenName: nullable.NewNullableWithValue("Ana")}, `{"given_name":"Ana"}`},
		{"an empty map is sent", auth0mgmt.UpdateUserRequest{AppMetadata: auth0mgmt.AppMetadata{}}, `{"app_metadata":{}}`},
		{"a nil list is left out", auth0mgmt.UpdateClientRequest{Callbacks: nil}, `{}`},
		{"an empty list is sent", auth0mgmt.UpdateClientRequest{Callbacks: []string{}}, `{"callbacks":[]}`},
		{"a list is sent", auth0mgmt.UpdateClientRequest{Callbacks: []string{"https://app.example/cb"}}, `{"callbacks":["https://app.example/cb"]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.body)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.want {
				t.Errorf("sent %s, want %s", b, c.want)
			}
		})
	}
}

// TestGettersNeverPanic reads optional fields through their getters: on a
// nil model, on a model without the field, and through a nested model.
func TestGettersNeverPanic(t *testing.T) {
	var none *auth0mgmt.UserResponseSchema
	if none.GetEmail() != "" || none.GetBlocked() || none.GetLoginsCount() != 0 {
		t.Error("a nil user reads as non-zero")
	}
	var u auth0mgmt.UserResponseSchema
	if err := json.Unmarshal([]byte(`{"user_id":"auth0|1","email":"ana@example.com","blocked":false,"multifactor":[]}`), &u); err != nil {
		t.Fatal(err)
	}
	if u.GetUserID() != "auth0|1" || u.GetEmail() != "ana@example.com" || u.GetBlocked() || u.GetName() != "" {
		t.Errorf("read %q %q %v %q", u.GetUserID(), u.GetEmail(), u.GetBlocked(), u.GetName())
	}
	if u.Blocked == nil || u.Multifactor == nil || u.Identities != nil {
		t.Errorf("absent and zero are told apart: blocked %v, multifactor %#v, identities %#v", u.Blocked, u.Multifactor, u.Identities)
	}
	// An empty list read from the server is written back as [].
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"multifactor":[]`) || !strings.Contains(string(b), `"blocked":false`) {
		t.Errorf("re-encoded %s", b)
	}
	var res authlete.AuthorizationResponse
	if res.GetClient().GetClientName() != "" || res.GetAction() != "" {
		t.Error("an empty answer reads as non-zero")
	}
	res.Action = authlete.Ptr(authlete.AuthorizationResponseActionNoInteraction)
	if res.GetAction() != authlete.AuthorizationResponseActionNoInteraction {
		t.Errorf("action %q", res.GetAction())
	}
}

// TestNullableGetterReadsNullAsZero reads a nullable field sent as null,
// as a value and absent.
func TestNullableGetterReadsNullAsZero(t *testing.T) {
	for body, want := range map[string]string{`{"custom_client_ip_header":null}`: "", `{"custom_client_ip_header":"cf-connecting-ip"}`: "cf-connecting-ip", `{}`: ""} {
		var d auth0mgmt.CustomDomain
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		if got := d.GetCustomClientIPHeader(); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}

// TestEnumValidKnowsItsValues checks the Valid method of an enum over
// strings (one call into the runtime) and of one over booleans.
func TestEnumValidKnowsItsValues(t *testing.T) {
	for v, want := range map[auth0mgmt.ActionBindingRefType]bool{
		auth0mgmt.ActionBindingRefTypeActionID:  true,
		auth0mgmt.ActionBindingRefTypeBindingID: true,
		"action_name":                           true,
		"":                                      false,
		"Action_ID":                             false,
	} {
		if got := v.Valid(); got != want {
			t.Errorf("%q: Valid() = %v", v, got)
		}
	}
	if !auth0mgmt.ClientGrantAllowAnyOrganizationTrue.Valid() || auth0mgmt.ClientGrantAllowAnyOrganization(false).Valid() {
		t.Error("boolean enum: Valid wrong")
	}
}
