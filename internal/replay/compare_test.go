package replay

import (
	"strings"
	"testing"
)

// TestLostFindsMissingAndChangedMembers checks the loss check on answers:
// a dropped member, a changed number and a list wrapped in an object.
func TestLostFindsMissingAndChangedMembers(t *testing.T) {
	cases := []struct {
		name, recorded, encoded, want string
	}{
		{"same", `{"a":1,"b":{"c":"x"}}`, `{"b":{"c":"x"},"a":1.0}`, ""},
		{"lost member", `{"a":1,"b":{"c":"x","d":true}}`, `{"a":1,"b":{"c":"x"}}`, "b.d: lost"},
		{"float32", `{"n":0.08333333333333333}`, `{"n":0.083333336}`, "n: 0.08333333333333333 became 0.083333336"},
		{"null may be absent", `{"a":null,"b":2}`, `{"b":2}`, ""},
		{"added member is fine", `{"a":1}`, `{"a":1,"z":0}`, ""},
		{"same instant", `{"t":"2023-01-25T17:42:12.320Z"}`, `{"t":"2023-01-25T17:42:12.32Z"}`, ""},
		{"wrapped list", `[{"id":"x","k":1}]`, `{"items":[{"id":"x"}],"total":1}`, "[0].k: lost"},
		{"empty wrapped list", `[]`, `{"logs":[]}`, ""},
	}
	for _, c := range cases {
		got := strings.Join(Lost([]byte(c.recorded), []byte(c.encoded)), "; ")
		if got != c.want {
			t.Errorf("%s: Lost = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestCompareRequest checks the request comparison: query as a multiset,
// paths by unescaped segments, a form body equal to the same JSON members.
func TestCompareRequest(t *testing.T) {
	in := &Interaction{Method: "POST", Path: "/users/auth0%7C1", Query: "b=2&a=1&a=0",
		ReqType: "application/x-www-form-urlencoded", ReqBody: "grant_type=x&n=5&ok=true"}
	same := &sent{method: "POST", path: "/users/auth0|1", query: "a=0&a=1&b=2",
		contentType: "application/json", body: []byte(`{"ok":true,"n":5,"grant_type":"x"}`)}
	if d := compareRequest(in, same); len(d) != 0 {
		t.Errorf("equal requests differ: %v", d)
	}
	other := &sent{method: "POST", path: "/users/auth0%7C2", query: "a=1&b=2",
		contentType: "application/json", body: []byte(`{"n":5,"grant_type":"x","extra":""}`)}
	got := strings.Join(compareRequest(in, other), "; ")
	for _, want := range []string{"path /users/auth0%7C2", `query a=["1"], recorded ["0" "1"]`, "body.ok: lost", `body.extra: sent, not recorded ("")`} {
		if !strings.Contains(got, want) {
			t.Errorf("differences %q lack %q", got, want)
		}
	}
}
