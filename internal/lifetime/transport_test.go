package lifetime

import (
	"encoding/json"
	"testing"
)

// TestWholeExpiresIn: an expires_in x/oauth2 cannot parse (a float, an
// exponent, a number past int64) becomes whole seconds in [0, Max]; an
// integer, a numeric string, a body without expires_in or one that is not
// JSON is left as it came.
func TestWholeExpiresIn(t *testing.T) {
	max := int64(Max.Seconds())
	for body, want := range map[string]int64{
		`{"access_token":"at","expires_in":3600.5}`:               3600,
		`{"access_token":"at","expires_in":1e30}`:                 max,
		`{"access_token":"at","expires_in":1e400}`:                max,
		`{"access_token":"at","expires_in":-5.5}`:                 0,
		`{"access_token":"at","expires_in":99999999999999999999}`: max,
	} {
		var got struct {
			ExpiresIn json.Number `json:"expires_in"`
			Access    string      `json:"access_token"`
		}
		if err := json.Unmarshal(WholeExpiresIn([]byte(body)), &got); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if n, err := got.ExpiresIn.Int64(); err != nil || n != want || got.Access != "at" {
			t.Errorf("%s: expires_in %s, access %q, want %d", body, got.ExpiresIn, got.Access, want)
		}
	}
	for _, body := range []string{
		`{"access_token":"at","expires_in":3600}`,
		`{"access_token":"at","expires_in":"3600"}`,
		`{"access_token":"at"}`,
		`access_token=at&expires_in=1e30`,
		`{"expires_in": `,
	} {
		if got := string(WholeExpiresIn([]byte(body))); got != body {
			t.Errorf("%s changed to %s", body, got)
		}
	}
}
