// Package redacttest renders a value every way this module promises to keep
// credentials out of, so tests can check that no secret shows up.
package redacttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// Verbs are the fmt verbs every credential-holding value is printed with.
var Verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3s", "%-8q", "%+q", "%#q"}

// Outputs renders v: every verb of Verbs, Error for an error, the error
// wrapped with %w, slog's text and JSON handlers with v as an attribute,
// nested in a slice, as a map value and as a struct field, and
// encoding/json of the same nestings.
func Outputs(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range Verbs {
		out["fmt "+verb] = fmt.Sprintf(verb, v)
	}
	if err, ok := v.(error); ok && !isNil(v) {
		out["Error()"] = err.Error()
		out["wrapped %v"] = fmt.Sprintf("%v", fmt.Errorf("wrapped: %w", err))
		out["wrapped %+v"] = fmt.Sprintf("%+v", fmt.Errorf("wrapped: %w", err))
	}
	nest := map[string]any{
		"top":            v,
		"slice":          []any{v},
		"map":            map[string]any{"k": v},
		"struct":         struct{ Field any }{v},
		"slog.Any group": slog.GroupValue(slog.Any("k", v)),
	}
	for name, n := range nest {
		var tb, jb bytes.Buffer
		slog.New(slog.NewTextHandler(&tb, nil)).Info("m", "v", n)
		slog.New(slog.NewJSONHandler(&jb, nil)).Info("m", "v", n)
		out["slog text "+name] = tb.String()
		out["slog json "+name] = jb.String()
		if b, err := json.Marshal(n); err == nil {
			out["json "+name] = string(b)
		}
		out["fmt %+v "+name] = fmt.Sprintf("%+v", n)
		out["fmt %#v "+name] = fmt.Sprintf("%#v", n)
	}
	return out
}

func isNil(v any) bool {
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// Check fails t for every output of v that holds one of the needles.
func Check(t testing.TB, name string, v any, needles ...string) {
	t.Helper()
	for how, s := range Outputs(v) {
		for _, n := range needles {
			if n != "" && strings.Contains(s, n) {
				t.Errorf("%s: %s shows %q: %s", name, how, n, s)
			}
		}
	}
}

// CheckValueAndPointer checks *p and p.
func CheckValueAndPointer[T any](t testing.TB, name string, p *T, needles ...string) {
	t.Helper()
	Check(t, name+" (value)", *p, needles...)
	Check(t, name+" (pointer)", p, needles...)
}
