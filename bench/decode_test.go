package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/auth0/go-auth0/management"

	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/internal/wire"
)

// userJSON is one user as GET /users answers it: root attributes,
// app_metadata, user_metadata, and two identities with profile data.
const userJSON = `{
  "user_id": "auth0|65f1c0ffee%03d",
  "email": "user%03d@example.com",
  "email_verified": true,
  "username": "user%03d",
  "phone_number": "+15555550%03d",
  "phone_verified": false,
  "created_at": "2024-03-12T09:41:07.318Z",
  "updated_at": "2025-01-20T17:02:44.901Z",
  "identities": [
    {
      "connection": "Username-Password-Authentication",
      "user_id": "65f1c0ffee%03d",
      "provider": "auth0",
      "isSocial": false
    },
    {
      "connection": "google-oauth2",
      "user_id": "10876543210987654%03d",
      "provider": "google-oauth2",
      "isSocial": true,
      "profileData": {
        "email": "user%03d@gmail.example",
        "email_verified": true,
        "name": "Jane Roe",
        "given_name": "Jane",
        "family_name": "Roe",
        "picture": "https://lh3.example.com/a/photo.jpg",
        "locale": "en"
      }
    }
  ],
  "app_metadata": {
    "plan": "business",
    "roles": ["billing", "support"],
    "tenant_id": 4182,
    "flags": {"beta": true, "seats": 25}
  },
  "user_metadata": {
    "theme": "dark",
    "language": "pt-BR",
    "newsletter": false,
    "address": {"city": "Lisbon", "country": "PT"}
  },
  "picture": "https://s.gravatar.example/avatar/5f3c.png",
  "name": "Jane Roe",
  "nickname": "jane.roe",
  "given_name": "Jane",
  "family_name": "Roe",
  "multifactor": ["guardian"],
  "last_ip": "203.0.113.42",
  "last_login": "2025-01-20T17:02:44.856Z",
  "logins_count": 137,
  "blocked": false
}`

// usersPage is the answer of GET /users?include_totals=true with n users.
func usersPage(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"start":0,"limit":%d,"length":%d,"total":%d,"users":[`, n, n, 4*n)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, userJSON, i, i, i, i, i, i, i)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkDecodeUsers decodes a 100-user page: into idsdk-go's answer
// type the way its client does, into it through encoding/json, and into
// go-auth0 v1's management.UserList.
func BenchmarkDecodeUsers(b *testing.B) {
	body := usersPage(100)
	b.Run("impl=idsdk", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out auth0mgmt.ListUsersResponse
			if err := wire.Decode(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=idsdk-encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out auth0mgmt.ListUsersResponse
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=go-auth0", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var out management.UserList
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestFixtureDecodes checks that both SDKs read every user of the page.
func TestFixtureDecodes(t *testing.T) {
	body := usersPage(100)
	var ours auth0mgmt.ListUsersResponse
	if err := wire.Decode(body, &ours); err != nil {
		t.Fatal(err)
	}
	var theirs management.UserList
	if err := json.Unmarshal(body, &theirs); err != nil {
		t.Fatal(err)
	}
	if len(ours.Users) != 100 || len(theirs.Users) != 100 {
		t.Fatalf("users: ours %d, go-auth0 %d", len(ours.Users), len(theirs.Users))
	}
	u := ours.Users[7]
	if u.GetEmail() != "user007@example.com" || len(u.Identities) != 2 || u.AdditionalProperties != nil {
		t.Errorf("user 7: %+v", u)
	}
}
