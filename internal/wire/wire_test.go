package wire

import (
	"errors"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

func TestGoPath(t *testing.T) {
	for ptr, want := range map[jsontext.Pointer]string{
		"/users/3/created_at": "users[3].created_at",
		"/0/name":             "[0].name",
		"/a~1b/c~0d":          "a/b.c~d",
		"":                    "",
	} {
		if got := GoPath(ptr); got != want {
			t.Errorf("GoPath(%q) = %q, want %q", ptr, got, want)
		}
	}
}

type item struct {
	At      *time.Time     `json:"at,omitempty"`
	N       int            `json:"n"`
	Unknown jsontext.Value `json:",unknown"`
}

type answer struct {
	Items []item          `json:"items"`
	ByKey map[string]item `json:"by_key"`
	Total int             `json:"total"`
}

// Every member that fails is set aside and reported; the others decode.
func TestDecodeSetsAsideEachFailingMember(t *testing.T) {
	body := []byte(`{"items":[{"n":1},{"n":"two","x":1},{"at":"soon","n":3}],"by_key":{"k":{"n":4,"at":false}},"total":7}`)
	var a answer
	err := Decode(body, &a)
	var paths []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		if errors.As(e, &fe) {
			paths = append(paths, fe.Path)
		}
	}
	if len(paths) != 3 || paths[0] != "items[1].n" || paths[1] != "items[2].at" || paths[2] != "by_key.k.at" {
		t.Fatalf("paths %v (%v)", paths, err)
	}
	if len(a.Items) != 3 || a.Items[2].N != 3 || string(a.Items[1].Unknown) != `{"x":1}` || a.ByKey["k"].N != 4 || a.Total != 7 {
		t.Errorf("the rest: %+v", a)
	}
}

// Malformed JSON is no member's fault: the error is the codec's.
func TestDecodeBadJSON(t *testing.T) {
	var a answer
	err := Decode([]byte(`{"items":[`), &a)
	var fe *FieldError
	if err == nil || errors.As(err, &fe) {
		t.Fatalf("err %v", err)
	}
}
