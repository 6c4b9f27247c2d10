package wire

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/idsdk/idsdk-go/nullable"
)

// site is shaped as a generated model with a nullable inline object.
type site struct {
	Name    string `json:"name"`
	Address nullable.Nullable[struct {
		Town     string                       `json:"town"`
		Location []nullable.Nullable[float64] `json:"location"`
		Unknown  jsontext.Value               `json:",unknown"`
	}] `json:"address"`
	Parent  nullable.Nullable[string] `json:"parent,omitempty"`
	Unknown jsontext.Value            `json:",unknown"`
}

// A nullable inline object keeps the members it does not declare and its
// numbers as sent, both ways; null stays null and an unset optional member
// stays out.
func TestNullableInlineObjectRoundTrip(t *testing.T) {
	for _, body := range []string{
		`{"name":"north","address":{"town":"Osaka","location":[35.077502,null],"plus_code":"8Q6QMG7C+2W"}}`,
		`{"name":"north","address":null,"parent":null}`,
		`{"name":"north","address":{"town":"Mainz","location":[]},"parent":"p-1"}`,
	} {
		var s site
		if err := Decode([]byte(body), &s); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		out, err := Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, out, body) {
			t.Errorf("round trip of %s gave %s", body, out)
		}
	}
	var s site
	s.Name = "south"
	s.Address = nullable.NewNullNullable[struct {
		Town     string                       `json:"town"`
		Location []nullable.Nullable[float64] `json:"location"`
		Unknown  jsontext.Value               `json:",unknown"`
	}]()
	out, err := Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, out, `{"name":"south","address":null}`) {
		t.Errorf("explicit null, unset parent: %s", out)
	}
	var empty site
	if out, err = Marshal(&empty); err != nil || !sameJSON(t, out, `{"name":"","address":null}`) {
		t.Errorf("unset required nullable: %s %v", out, err)
	}
}

// sameJSON compares two JSON texts ignoring member order and spacing.
func sameJSON(t *testing.T, a []byte, b string) bool {
	t.Helper()
	x, y := jsontext.Value(append([]byte(nil), a...)), jsontext.Value(b)
	if err := x.Canonicalize(); err != nil {
		t.Fatal(err)
	}
	if err := y.Canonicalize(); err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}
