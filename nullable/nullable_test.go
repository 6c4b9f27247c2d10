package nullable_test

import (
	"testing"

	"github.com/idsdk/idsdk-go/nullable"
)

func TestStates(t *testing.T) {
	var absent nullable.Nullable[string]
	null := nullable.NewNullNullable[string]()
	set := nullable.NewNullableWithValue("ada")
	for _, tc := range []struct {
		name            string
		n               nullable.Nullable[string]
		null, specified bool
		value           string
		ok              bool
	}{
		{"absent", absent, false, false, "", false},
		{"null", null, true, true, "", false},
		{"value", set, false, true, "ada", true},
		{"empty value", nullable.NewNullableWithValue(""), false, true, "", true},
	} {
		v, ok := nullable.Get(tc.n)
		if tc.n.IsNull() != tc.null || nullable.IsSpecified(tc.n) != tc.specified || v != tc.value || ok != tc.ok {
			t.Errorf("%s: IsNull %v IsSpecified %v Get (%q, %v)", tc.name, tc.n.IsNull(), nullable.IsSpecified(tc.n), v, ok)
		}
	}
}
