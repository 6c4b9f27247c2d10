package zaikio_test

import (
	"testing"

	"github.com/idsdk/idsdk-go/auth/zaikio"
)

// TestJoinScopes joins with commas and no spaces, the Hub's scope
// parameter; SplitScopes reads it back.
func TestJoinScopes(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"Per.directory.person.r"}, "Per.directory.person.r"},
		{[]string{"Per.directory.person.r", "Org/42.directory.sites.rw"}, "Per.directory.person.r,Org/42.directory.sites.rw"},
	} {
		got := zaikio.JoinScopes(tt.in...)
		if got != tt.want {
			t.Errorf("JoinScopes(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := zaikio.SplitScopes(got); len(back) != len(tt.in) {
			t.Errorf("SplitScopes(%q) = %q", got, back)
		}
	}
}
