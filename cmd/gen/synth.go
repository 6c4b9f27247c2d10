package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// synth builds a small JSON value that satisfies schema, for requests the
// generated contract tests send: required properties only, the first enum
// value, formats and bounds honoured. forRequest skips readOnly properties.
func synth(ref *openapi3.SchemaRef, forRequest bool) any {
	return (&synthesizer{forRequest: forRequest, seen: map[*openapi3.Schema]int{}}).value(ref, 0)
}

// synthJSON is synth encoded as JSON.
func synthJSON(ref *openapi3.SchemaRef, forRequest bool) string {
	b, err := json.Marshal(synth(ref, forRequest))
	if err != nil {
		return "null"
	}
	return string(b)
}

type synthesizer struct {
	forRequest bool
	seen       map[*openapi3.Schema]int
}

func (s *synthesizer) value(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 12 {
		return nil
	}
	sc := ref.Value
	if s.seen[sc] > 1 {
		return nil
	}
	s.seen[sc]++
	defer func() { s.seen[sc]-- }()

	if len(sc.Enum) > 0 {
		for _, e := range sc.Enum {
			if e != nil {
				return e
			}
		}
		return sc.Enum[0]
	}
	if c, ok := sc.Extensions["const"]; ok {
		return c
	}
	if len(sc.AllOf) > 0 {
		merged := map[string]any{}
		for _, part := range sc.AllOf {
			if m, ok := s.value(part, depth+1).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		if m, ok := s.object(sc, depth).(map[string]any); ok {
			for k, v := range m {
				merged[k] = v
			}
		}
		return merged
	}
	if len(sc.OneOf) > 0 {
		return s.value(s.pick(sc.OneOf), depth+1)
	}
	if len(sc.AnyOf) > 0 {
		return s.value(s.pick(sc.AnyOf), depth+1)
	}
	switch primaryType(sc) {
	case "string":
		return s.str(sc)
	case "integer", "number":
		return num(sc)
	case "boolean":
		return true
	case "array":
		n := int(sc.MinItems)
		out := make([]any, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, s.value(sc.Items, depth+1))
		}
		return out
	case "null":
		return nil
	default:
		return s.object(sc, depth)
	}
}

// pick prefers a variant that is not null.
func (s *synthesizer) pick(refs openapi3.SchemaRefs) *openapi3.SchemaRef {
	for _, r := range refs {
		if r.Value != nil && primaryType(r.Value) != "null" {
			return r
		}
	}
	return refs[0]
}

func (s *synthesizer) object(sc *openapi3.Schema, depth int) any {
	out := map[string]any{}
	req := append([]string(nil), sc.Required...)
	sort.Strings(req)
	for _, name := range req {
		p := sc.Properties[name]
		if p == nil || p.Value == nil {
			continue
		}
		if s.forRequest && p.Value.ReadOnly {
			continue
		}
		out[name] = s.value(p, depth+1)
	}
	// minProperties: add optional properties, in name order, until there
	// are enough (objects that may be empty but not too empty, such as
	// PATCH bodies).
	if uint64(len(out)) < sc.MinProps {
		names := make([]string, 0, len(sc.Properties))
		for name := range sc.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if uint64(len(out)) >= sc.MinProps {
				break
			}
			p := sc.Properties[name]
			if _, done := out[name]; done || p == nil || p.Value == nil || (s.forRequest && p.Value.ReadOnly) {
				continue
			}
			if v := s.value(p, depth+1); v != nil {
				out[name] = v
			}
		}
		for i := 0; uint64(len(out)) < sc.MinProps && sc.AdditionalProperties.Schema != nil && i < 8; i++ {
			out[fmt.Sprintf("key%d", i)] = s.value(sc.AdditionalProperties.Schema, depth+1)
		}
	}
	return out
}

func primaryType(sc *openapi3.Schema) string {
	if sc.Type == nil {
		if len(sc.Properties) > 0 {
			return "object"
		}
		if sc.Items != nil {
			return "array"
		}
		return ""
	}
	for _, t := range sc.Type.Slice() {
		if t != "null" {
			return t
		}
	}
	return "null"
}

var formats = map[string]string{
	"date-time":     "2024-01-02T03:04:05Z",
	"date":          "2024-01-02",
	"time":          "03:04:05Z",
	"email":         "user@example.com",
	"idn-email":     "user@example.com",
	"uuid":          "3fa85f64-5717-4562-b3fc-2c963f66afa6",
	"uri":           "https://example.com/x",
	"url":           "https://example.com/x",
	"iri":           "https://example.com/x",
	"uri-reference": "/x",
	"hostname":      "example.com",
	"ipv4":          "192.0.2.1",
	"ipv6":          "2001:db8::1",
	"byte":          "eA==",
	"binary":        "x",
	"password":      "Secret-pass1",
	"duration":      "P1D",
	"regex":         "x",
	"json-pointer":  "/x",
}

func (s *synthesizer) str(sc *openapi3.Schema) string {
	var candidates []string
	if ex, ok := sc.Example.(string); ok {
		candidates = append(candidates, ex)
	}
	if f, ok := formats[sc.Format]; ok {
		candidates = append(candidates, f)
	}
	if d, ok := sc.Default.(string); ok {
		candidates = append(candidates, d)
	}
	candidates = append(candidates, "x", "example", "a1", "1", "abc", "x-1", "ab_1", "A", "user@example.com", "https://example.com/x", "2024-01-02", "3fa85f64-5717-4562-b3fc-2c963f66afa6")
	var re *regexp.Regexp
	if sc.Pattern != "" {
		re, _ = regexp.Compile(sc.Pattern)
		if m, ok := matching(sc.Pattern, int(sc.MinLength)); ok {
			candidates = append(candidates[:len(candidates):len(candidates)], m)
		}
	}
	for _, c := range candidates {
		c = fitLength(c, sc)
		if re == nil || re.MatchString(c) {
			return c
		}
	}
	return fitLength("x", sc)
}

func fitLength(v string, sc *openapi3.Schema) string {
	for uint64(len(v)) < sc.MinLength {
		v += "x"
	}
	if sc.MaxLength != nil && uint64(len(v)) > *sc.MaxLength {
		v = v[:*sc.MaxLength]
	}
	return v
}

func num(sc *openapi3.Schema) any {
	v := 1.0
	if sc.Min != nil {
		v = *sc.Min
		if sc.ExclusiveMin.IsTrue() {
			v++
		}
	}
	if sc.ExclusiveMin.Value != nil && v <= *sc.ExclusiveMin.Value {
		v = *sc.ExclusiveMin.Value + 1
	}
	if sc.Max != nil && v > *sc.Max {
		v = *sc.Max
	}
	if primaryType(sc) == "integer" || !strings.Contains(sc.Format, "float") {
		return int64(v)
	}
	return v
}

// matching builds a short string that pattern matches, walking the parsed
// regular expression: the first choice of every alternative and class, the
// fewest repetitions allowed (at least minLen characters where a
// repetition can stretch).
func matching(pattern string, minLen int) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(r *syntax.Regexp)
	walk = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			if len(r.Rune) > 0 {
				b.WriteRune(classRune(r.Rune))
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case syntax.OpCapture:
			walk(r.Sub[0])
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				walk(sub)
			}
		case syntax.OpAlternate:
			walk(r.Sub[0])
		case syntax.OpPlus:
			walk(r.Sub[0])
		case syntax.OpRepeat:
			n := r.Min
			if n == 0 && r.Max != 0 {
				n = 1
			}
			for i := 0; i < n; i++ {
				walk(r.Sub[0])
			}
		}
	}
	walk(re)
	out := b.String()
	if len(out) < minLen {
		return out, false
	}
	check, err := regexp.Compile(pattern)
	return out, err == nil && check.MatchString(out)
}

// classRune picks a readable rune of a character class: a lower-case
// letter or a digit when the class has one, else its first rune.
func classRune(ranges []rune) rune {
	for _, want := range []rune{'a', 'x', '1', 'A'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want
			}
		}
	}
	return ranges[0]
}
