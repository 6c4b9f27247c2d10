package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// stepCounts counts what the generic import steps changed, for the report.
type stepCounts struct {
	unions, formats, defaults, closed, paged, listsMerged, variants, required, groups, merged int
}

func (c stepCounts) String() string {
	return fmt.Sprintf("%d duplicate union variants, %d formats, %d example defaults, %d schemas closed, %d lists paged "+
		"(%d answers merged from %d variants), %d undeclared required, %d groups joined, %d schemas merged",
		c.unions, c.formats, c.defaults, c.closed, c.paged, c.listsMerged, c.variants, c.required, c.groups, c.merged)
}

// beforeOverlay runs the steps that work on the upstream document.
func (sp *importSpec) beforeOverlay(doc *yaml.Node, c *stepCounts) error {
	if sp.UnionDuplicates {
		c.unions = dropDuplicateVariants(doc)
	}
	if len(sp.DropFormats) > 0 {
		c.formats = dropFormats(doc, sp.DropFormats)
	}
	if sp.ExampleDefaults {
		c.defaults = dropExampleDefaults(doc)
	}
	if sp.CloseObjects != nil {
		c.closed = closeObjects(doc, sp.keepOpen)
	}
	if sp.Paging != nil {
		if err := sp.Paging.apply(doc, c); err != nil {
			return fmt.Errorf("paging: %w", err)
		}
	}
	if sp.UndeclaredRequired != nil {
		c.required = sp.UndeclaredRequired.apply(doc)
	}
	if sp.GroupSeparator != "" {
		c.groups = joinGroups(doc, sp.GroupSeparator)
	}
	return nil
}

// dropDuplicateVariants drops the variants of a oneOf or anyOf that repeat
// an earlier one.
func dropDuplicateVariants(doc *yaml.Node) int {
	n := 0
	same := func(ref string) string { return ref }
	eachMapping(doc, func(m *yaml.Node) {
		for _, key := range []string{"oneOf", "anyOf"} {
			list := lookup(m, key)
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			seen := map[string]bool{}
			out := list.Content[:0]
			for _, v := range list.Content {
				k := canonicalText(v, same)
				if seen[k] {
					n++
					continue
				}
				seen[k] = true
				out = append(out, v)
			}
			list.Content = out
		}
	})
	return n
}

// dropFormats removes format wherever it names one of formats.
func dropFormats(doc *yaml.Node, formats []string) int {
	n := 0
	eachMapping(doc, func(m *yaml.Node) {
		f := lookup(m, "format")
		for _, want := range formats {
			if f != nil && f.Kind == yaml.ScalarNode && f.Value == want {
				deleteKey(m, "format")
				n++
				return
			}
		}
	})
	return n
}

// dropExampleDefaults removes the string defaults of the schemas that are
// not one of the schema's enum values: a document that gives an example
// as the default (Auth0's: "john.doe@gmail.com" for a user's e-mail, "abc"
// for its id, where the recorded traffic shows the server assumes
// neither) would make the docs state a false fact.
func dropExampleDefaults(doc *yaml.Node) int {
	n := 0
	eachMapping(doc, func(m *yaml.Node) {
		d := lookup(m, "default")
		if d == nil || d.Kind != yaml.ScalarNode || d.Tag != "!!str" || lookup(m, "type") == nil {
			return
		}
		if enum := lookup(m, "enum"); enum != nil && enum.Kind == yaml.SequenceNode {
			for _, v := range enum.Content {
				if v.Kind == yaml.ScalarNode && v.Value == d.Value {
					return
				}
			}
		}
		deleteKey(m, "default")
		n++
	})
	return n
}

// closeObjects drops additionalProperties: true from the component schemas
// that declare properties and declare every property they require (one
// that requires an undeclared member stays open), except keepOpen's.
// Generated models of open schemas carry a map and its methods each.
func closeObjects(doc *yaml.Node, keepOpen *regexp.Regexp) int {
	schemas := lookup(doc, "components", "schemas")
	n := 0
	for i := 0; i+1 < len(schemas.Content); i += 2 {
		name, s := schemas.Content[i].Value, schemas.Content[i+1]
		ap := lookup(s, "additionalProperties")
		if ap == nil || ap.ShortTag() != "!!bool" || ap.Value != "true" {
			continue
		}
		if props := lookup(s, "properties"); props == nil || len(props.Content) == 0 {
			continue
		}
		if len(undeclared(s)) > 0 || (keepOpen != nil && keepOpen.MatchString(name)) {
			continue
		}
		deleteKey(s, "additionalProperties")
		n++
	}
	return n
}

// undeclared returns the names schema s requires but does not declare, sorted.
func undeclared(s *yaml.Node) []string {
	props := lookup(s, "properties")
	var out []string
	if req := lookup(s, "required"); req != nil {
		for _, r := range req.Content {
			if keyIndex(props, r.Value) < 0 {
				out = append(out, r.Value)
			}
		}
	}
	sort.Strings(out)
	return out
}

// apply declares the undeclared required names Declare lists and stops
// requiring the others, in component schemas that declare properties.
func (r *requiredSpec) apply(doc *yaml.Node) int {
	schemas := lookup(doc, "components", "schemas")
	n := 0
	for i := 1; i < len(schemas.Content); i += 2 {
		s := schemas.Content[i]
		props := lookup(s, "properties")
		if props == nil || len(props.Content) == 0 {
			continue
		}
		for _, name := range undeclared(s) {
			n++
			if decl, ok := r.Declare[name]; ok {
				setKey(props, name, cloneNode(&decl))
				continue
			}
			req := lookup(s, "required")
			out := req.Content[:0]
			for _, v := range req.Content {
				if v.Value != name {
					out = append(out, v)
				}
			}
			req.Content = out
		}
	}
	return n
}

// joinGroups turns every x-operation-group given as a list into one text.
func joinGroups(doc *yaml.Node, sep string) int {
	n := 0
	operations(doc, func(_, _ string, op *yaml.Node) error {
		g := lookup(op, "x-operation-group")
		if g == nil || g.Kind != yaml.SequenceNode {
			return nil
		}
		parts := make([]string, len(g.Content))
		for i, p := range g.Content {
			parts[i] = p.Value
		}
		setKey(op, "x-operation-group", strNode(strings.Join(parts, sep)))
		n++
		return nil
	})
	return n
}

// mergeIdenticalSchemas makes each component schema (an object or a union)
// that equals another once prose is dropped a reference to one of them:
// the one with the shortest name, preferring a name that does not end in
// RequestContent or ResponseContent. It repeats until nothing changes
// (schemas that differ only by references to merged ones merge next).
// The merged names move to the end, sorted; schemas with an x-go- name
// hint keep their own.
func mergeIdenticalSchemas(doc *yaml.Node) int {
	schemas := lookup(doc, "components", "schemas")
	if schemas == nil {
		return 0
	}
	canon := map[string]string{}
	root := func(n string) string {
		for c, ok := canon[n]; ok; c, ok = canon[n] {
			n = c
		}
		return n
	}
	rename := func(ref string) string { return schemaRefPrefix + root(ref[strings.LastIndex(ref, "/")+1:]) }
	for changed := true; changed; {
		changed = false
		groups := map[string][]string{}
		for i := 0; i+1 < len(schemas.Content); i += 2 {
			name, s := schemas.Content[i].Value, schemas.Content[i+1]
			if _, done := canon[name]; done || !mergeable(s) {
				continue
			}
			k := canonicalText(s, rename)
			groups[k] = append(groups[k], name)
		}
		for _, names := range groups {
			if len(names) < 2 {
				continue
			}
			sort.Slice(names, func(a, b int) bool { return mergeRank(names[a], names[b]) })
			for _, n := range names[1:] {
				canon[n] = names[0]
				changed = true
			}
		}
	}
	for _, n := range sortedKeys(canon) {
		moveKey(schemas, n, refTo(root(n)))
	}
	return len(canon)
}

// mergeable reports whether s may merge with an equal schema: an object or
// a union, not a bare reference, without x-go- hints.
func mergeable(s *yaml.Node) bool {
	if s.Kind != yaml.MappingNode || (len(s.Content) == 2 && s.Content[0].Value == "$ref") {
		return false
	}
	for i := 0; i < len(s.Content); i += 2 {
		if strings.HasPrefix(s.Content[i].Value, "x-go-") {
			return false
		}
	}
	return scalar(lookup(s, "type")) == "object" || lookup(s, "oneOf") != nil || lookup(s, "anyOf") != nil || lookup(s, "allOf") != nil
}

// mergeRank orders the names of equal schemas: the first one stays.
func mergeRank(a, b string) bool {
	ga, gb := genericName(a), genericName(b)
	if ga != gb {
		return !ga
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func genericName(n string) bool {
	return strings.HasSuffix(n, "ResponseContent") || strings.HasSuffix(n, "RequestContent")
}
