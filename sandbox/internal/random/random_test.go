package random

import (
	"regexp"
	"testing"
)

func TestShapes(t *testing.T) {
	for _, c := range []struct {
		name, got string
		want      *regexp.Regexp
	}{
		{"Alnum(32)", Alnum(32), regexp.MustCompile(`^[A-Za-z0-9]{32}$`)},
		{"Hex(7)", Hex(7), regexp.MustCompile(`^[0-9a-f]{7}$`)},
		{"Base64URL(12)", Base64URL(12), regexp.MustCompile(`^[A-Za-z0-9_-]{16}$`)},
		{"UUID()", UUID(), regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
	} {
		if !c.want.MatchString(c.got) {
			t.Errorf("%s = %q, want %v", c.name, c.got, c.want)
		}
	}
	if Alnum(32) == Alnum(32) {
		t.Error("two Alnum(32) are equal")
	}
}
