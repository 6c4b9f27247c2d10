// Doc comments of the models made of the document's facts: each schema
// and property gets a description that oapi-codegen writes as its doc
// comment (type, format, enum values, limits, required, read-only,
// nullable), never vendor prose (the committed documents have none).

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxEnumListed is how many enum values a field's doc lists.
const maxEnumListed = 8

// synthOrigins are the schemas the generator adds under components (an
// inline answer, the items of one, a union body), by name: where in the
// document each comes from ("the application/json answer (status 200) of
// operation AppUpdate (PATCH /app)"). The document has no schema of that
// name, so the docs say where the type comes from instead.
type synthOrigins map[string]string

// describeSchemas gives every schema under components, and every property
// and inline schema under them, a description of facts. A property that is
// a $ref gets a copy of the referenced schema carrying its own description,
// so the schema it names keeps the schema's. A schema of origins is
// described by its origin, never as a schema of the document.
func describeSchemas(spec *openapi3.T, origins synthOrigins) {
	if spec.Components == nil {
		return
	}
	seen := map[*openapi3.Schema]bool{}
	names := make([]string, 0, len(spec.Components.Schemas))
	for n := range spec.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := spec.Components.Schemas[n]
		if r == nil || r.Value == nil {
			continue
		}
		if r.Ref != "" {
			// Another name for a schema (the import merges identical
			// schemas into one and refers to it): its Go type is an alias,
			// whose doc says both names. A copy carries that doc, so the
			// schema referred to keeps its own.
			c := *r.Value
			c.Description = "is schema " + strconv.Quote(n) + " of the document, which refers to schema " + strconv.Quote(refBase(r.Ref)) + "."
			spec.Components.Schemas[n] = &openapi3.SchemaRef{Ref: r.Ref, Value: &c, Extensions: r.Extensions}
			continue
		}
		what := "schema " + strconv.Quote(n) + " of the document"
		if o := origins[n]; o != "" {
			what = o
		}
		r.Value.Description = "is " + what + ": " + article(strings.Join(typeFacts(r, false), "; ")) + "."
		describeInner(r.Value, seen)
	}
	// Responses, parameters and inline bodies become types too.
	describeResponses(spec, seen)
	describeOperations(spec, seen)
	for _, n := range sortedKeys(spec.Components.Parameters) {
		p := spec.Components.Parameters[n]
		if p == nil || p.Value == nil {
			continue
		}
		p.Value.Description = paramFieldFacts(p.Value)
		if sr := p.Value.Schema; sr != nil && sr.Ref == "" && sr.Value != nil {
			sr.Value.Description = "is parameter " + strconv.Quote(n) + " of the document: " + article(strings.Join(typeFacts(sr, true), "; ")) + "."
		}
	}
}

// describeResponses describes the bodies of the responses under
// components.
func describeResponses(spec *openapi3.T, seen map[*openapi3.Schema]bool) {
	for _, n := range sortedKeys(spec.Components.Responses) {
		r := spec.Components.Responses[n]
		if r == nil || r.Value == nil {
			continue
		}
		for _, ct := range sortedContent(r.Value.Content) {
			mt := r.Value.Content[ct]
			if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
				continue
			}
			what := "is the " + ct + " body of response " + strconv.Quote(n) + " of the document"
			if mt.Schema.Ref != "" {
				// Its Go type is an alias of the schema's: a copy carries
				// the alias's own doc.
				c := *mt.Schema.Value
				c.Description = what + ", schema " + strconv.Quote(refBase(mt.Schema.Ref)) + "."
				mt.Schema = &openapi3.SchemaRef{Ref: mt.Schema.Ref, Value: &c, Extensions: mt.Schema.Extensions}
				continue
			}
			mt.Schema.Value.Description = what + ": " + article(strings.Join(typeFacts(mt.Schema, false), "; ")) + "."
			describeInner(mt.Schema.Value, seen)
		}
	}
}

// describeOperations describes what the operations declare inline: each
// parameter (the field of its parameter struct, and the type of an inline
// schema), each inline request body and what it holds.
func describeOperations(spec *openapi3.T, seen map[*openapi3.Schema]bool) {
	if spec.Paths == nil {
		return
	}
	for _, path := range spec.Paths.InMatchingOrder() {
		item := spec.Paths.Value(path)
		for _, method := range []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			where := fmt.Sprintf("operation %s (%s %s)", op.OperationID, method, path)
			for _, pr := range append(append(openapi3.Parameters{}, op.Parameters...), item.Parameters...) {
				if pr == nil || pr.Ref != "" || pr.Value == nil {
					continue // a parameter under components: described there
				}
				p := pr.Value
				p.Description = paramFieldFacts(p)
				if sr := p.Schema; sr != nil && sr.Ref == "" && sr.Value != nil {
					sr.Value.Description = "is the type of " + p.In + " parameter " + strconv.Quote(p.Name) + " of " + where + ": " + article(strings.Join(typeFacts(sr, true), "; ")) + "."
				}
			}
			describeAnswers(op, where, seen)
			rb := op.RequestBody
			if rb == nil || rb.Ref != "" || rb.Value == nil {
				continue
			}
			for _, ct := range sortedContent(rb.Value.Content) {
				mt := rb.Value.Content[ct]
				if mt == nil || mt.Schema == nil || mt.Schema.Ref != "" || mt.Schema.Value == nil {
					continue
				}
				mt.Schema.Value.Description = "is the " + ct + " request body of " + where + ": " + article(strings.Join(typeFacts(mt.Schema, false), "; ")) + "."
				describeInner(mt.Schema.Value, seen)
			}
		}
	}
}

// describeAnswers describes the inline answers of op (those left inline
// by nameInlineAnswers: unions, arrays, answers that are not 2xx).
func describeAnswers(op *openapi3.Operation, where string, seen map[*openapi3.Schema]bool) {
	if op.Responses == nil {
		return
	}
	for _, code := range sortedKeys(op.Responses.Map()) {
		r := op.Responses.Value(code)
		if r == nil || r.Ref != "" || r.Value == nil {
			continue
		}
		for _, ct := range sortedContent(r.Value.Content) {
			mt := r.Value.Content[ct]
			if mt == nil || mt.Schema == nil || mt.Schema.Ref != "" || mt.Schema.Value == nil {
				continue
			}
			mt.Schema.Value.Description = "is the " + ct + " answer (status " + code + ") of " + where + ": " + article(strings.Join(typeFacts(mt.Schema, false), "; ")) + "."
			describeInner(mt.Schema.Value, seen)
		}
	}
}

// paramFieldFacts is the doc of a parameter struct's field: where the
// parameter goes, under which name, its facts, required or not.
func paramFieldFacts(p *openapi3.Parameter) string {
	var facts []string
	if p.Schema != nil {
		facts = typeFacts(p.Schema, true)
	} else {
		facts = []string{"JSON text"}
	}
	if p.Required {
		facts = append(facts, "required")
	}
	if p.Deprecated {
		facts = append(facts, "deprecated")
	}
	return "(" + p.In + " parameter " + strconv.Quote(p.Name) + ") is " + article(strings.Join(facts, "; ")) + "."
}

// describeInner describes the properties of s and of the inline schemas
// inside it.
func describeInner(s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	required := map[string]bool{}
	for _, n := range s.Required {
		required[n] = true
	}
	for _, name := range sortedSchemaNames(s.Properties) {
		p := s.Properties[name]
		if p == nil || p.Value == nil {
			continue
		}
		facts := fieldFacts(name, p, required[name])
		if p.Ref != "" {
			c := *p.Value
			c.Description = facts
			s.Properties[name] = &openapi3.SchemaRef{Ref: p.Ref, Value: &c, Extensions: p.Extensions}
			continue
		}
		p.Value.Description = facts
		describeInner(p.Value, seen)
	}
	inline := func(r *openapi3.SchemaRef) {
		if r != nil && r.Ref == "" && r.Value != nil {
			if r.Value.Description == "" {
				r.Value.Description = "is " + article(strings.Join(typeFacts(r, true), "; ")) + "."
			}
			describeInner(r.Value, seen)
		}
	}
	inline(s.Items)
	if s.AdditionalProperties.Schema != nil {
		inline(s.AdditionalProperties.Schema)
	}
	// A variant of a union becomes a type of its own; the members of an
	// allOf are merged into their parent, whose description stays.
	for _, rs := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, r := range rs {
			inline(r)
		}
	}
	requireAcrossAllOf(s)
	for _, r := range s.AllOf {
		if r != nil && r.Ref == "" && r.Value != nil {
			describeInner(r.Value, seen)
		}
	}
}

// requireAcrossAllOf: an allOf member may require what another declares
// (allOf: [$ref: Request, {required: [token]}]); the Go type merges the
// members, and its field says required. The member schema is shared, so
// the allOf gets a copy of it whose properties say what this allOf
// requires.
func requireAcrossAllOf(s *openapi3.Schema) {
	req := map[string]bool{}
	for _, n := range s.Required {
		req[n] = true
	}
	for _, r := range s.AllOf {
		if r != nil && r.Value != nil {
			for _, n := range r.Value.Required {
				req[n] = true
			}
		}
	}
	for i, r := range s.AllOf {
		if r == nil || r.Ref == "" || r.Value == nil {
			continue
		}
		own := map[string]bool{}
		for _, n := range r.Value.Required {
			own[n] = true
		}
		more := false
		for n := range r.Value.Properties {
			more = more || (req[n] && !own[n])
		}
		if !more {
			continue
		}
		c := *r.Value
		c.Properties = openapi3.Schemas{}
		for _, n := range sortedSchemaNames(r.Value.Properties) {
			p := r.Value.Properties[n]
			if p == nil || p.Value == nil {
				c.Properties[n] = p
				continue
			}
			v := *p.Value
			v.Description = fieldFacts(n, p, req[n])
			c.Properties[n] = &openapi3.SchemaRef{Ref: p.Ref, Value: &v, Extensions: p.Extensions}
		}
		s.AllOf[i] = &openapi3.SchemaRef{Ref: r.Ref, Value: &c, Extensions: r.Extensions}
	}
}

// fieldFacts is the description of property name: its JSON name where it
// is more than the Go name's letters (UserID ("user_id") is a string),
// its facts, required or not.
func fieldFacts(name string, p *openapi3.SchemaRef, required bool) string {
	facts := typeFacts(p, true)
	if required {
		facts = append(facts, "required")
	}
	d := "is " + article(strings.Join(facts, "; ")) + "."
	if !sameLetters(name) {
		d = "(" + strconv.Quote(name) + ") " + d
	}
	return d
}

// sameLetters reports whether a JSON name reads as its Go field name
// does: letters and digits only, e.g. "email" or "userId" (not "user_id").
func sameLetters(name string) bool {
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return name != ""
}

// typeFacts lists what the document says of one schema: its type and
// format (or the schema it refers to), enum values (when enums), limits,
// read-only, write-only, nullable, default.
func typeFacts(r *openapi3.SchemaRef, enums bool) []string {
	if r.Ref != "" {
		facts := []string{"schema " + strconv.Quote(refBase(r.Ref))}
		if r.Value != nil && r.Value.ReadOnly {
			facts = append(facts, "read-only")
		}
		return facts
	}
	s := r.Value
	facts := []string{typeWord(s)}
	if len(s.Enum) > 0 {
		if enums {
			facts = append(facts, "one of "+enumList(s.Enum))
		} else {
			facts = append(facts, fmt.Sprintf("%d values", len(s.Enum)))
			if len(s.Enum) == 1 {
				facts[len(facts)-1] = "1 value"
			}
		}
	}
	facts = append(facts, limits(s)...)
	if s.Default != nil {
		facts = append(facts, "default "+literal(s.Default))
	}
	if s.ReadOnly {
		facts = append(facts, "read-only")
	}
	if s.WriteOnly {
		facts = append(facts, "write-only")
	}
	if s.Nullable || s.Type.IncludesNull() {
		facts = append(facts, "may be null")
	}
	return facts
}

// typeWord names the JSON type of s: "string (date-time)", "array of
// integer", "object", "one of 3 schemas".
func typeWord(s *openapi3.Schema) string {
	var types []string
	for _, t := range s.Type.Slice() {
		if t != openapi3.TypeNull {
			types = append(types, t)
		}
	}
	w := strings.Join(types, " or ")
	union := func(how string, members openapi3.SchemaRefs) string {
		if f := formatsOnly(members); f != "" {
			return f
		}
		u := fmt.Sprintf("%s of %d schemas", how, len(members))
		if names := refNames(members); names != "" {
			u = how + " of schemas " + names
		}
		if w != "" {
			u = w + ", " + u
		}
		return u
	}
	switch {
	case len(s.OneOf) > 0:
		w = union("one", s.OneOf)
	case len(s.AnyOf) > 0:
		w = union("any", s.AnyOf)
	case len(s.AllOf) > 0:
		w = fmt.Sprintf("all of %d schemas", len(s.AllOf))
	case w == "array" && s.Items != nil:
		if s.Items.Ref != "" {
			w = "array of schema " + strconv.Quote(refBase(s.Items.Ref))
		} else if it := s.Items.Value; it != nil {
			w = "array of " + typeWord(it)
			var each []string
			if len(it.Enum) > 0 {
				each = append(each, "one of "+enumList(it.Enum))
			}
			if each = append(each, limits(it)...); len(each) > 0 {
				w += " (each " + strings.Join(each, ", ") + ")"
			}
		}
	case w == "" && len(s.Properties) > 0:
		w = "object"
	case w == "":
		w = "any JSON value"
	}
	if s.Format != "" {
		w += " (" + s.Format + ")"
	}
	return w
}

// refNames lists the schemas a union's members refer to ("\"A\", \"B\"",
// up to maxEnumListed and how many more), "" when a member is inline.
func refNames(members openapi3.SchemaRefs) string {
	var names []any
	for _, m := range members {
		if m == nil || m.Ref == "" {
			return ""
		}
		names = append(names, refBase(m.Ref))
	}
	return enumList(names)
}

// formatsOnly describes a union whose members differ only in their
// format ("string (ipv4 or ipv6)"), "" for any other.
func formatsOnly(members openapi3.SchemaRefs) string {
	typ := ""
	var formats []string
	for _, m := range members {
		if m == nil || m.Ref != "" || m.Value == nil || m.Value.Format == "" || len(m.Value.Type.Slice()) != 1 ||
			len(m.Value.Properties) > 0 || len(m.Value.Enum) > 0 || len(m.Value.OneOf)+len(m.Value.AnyOf)+len(m.Value.AllOf) > 0 {
			return ""
		}
		if t := m.Value.Type.Slice()[0]; typ == "" {
			typ = t
		} else if t != typ {
			return ""
		}
		formats = append(formats, m.Value.Format)
	}
	return typ + " (" + strings.Join(formats, " or ") + ")"
}

// limits are the constraints of s on numbers, strings, arrays and objects.
func limits(s *openapi3.Schema) []string {
	var out []string
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	if s.Min != nil {
		op := ">="
		if s.ExclusiveMin.IsTrue() {
			op = ">"
		}
		out = append(out, op+" "+num(*s.Min))
	}
	if v := s.ExclusiveMin.Value; v != nil {
		out = append(out, "> "+num(*v))
	}
	if s.Max != nil {
		op := "<="
		if s.ExclusiveMax.IsTrue() {
			op = "<"
		}
		out = append(out, op+" "+num(*s.Max))
	}
	if v := s.ExclusiveMax.Value; v != nil {
		out = append(out, "< "+num(*v))
	}
	if s.MultipleOf != nil {
		out = append(out, "multiple of "+num(*s.MultipleOf))
	}
	out = append(out, between(s.MinLength, s.MaxLength, "characters")...)
	if s.Pattern != "" {
		out = append(out, "pattern "+printable(s.Pattern))
	}
	out = append(out, between(s.MinItems, s.MaxItems, "items")...)
	if s.UniqueItems {
		out = append(out, "unique items")
	}
	out = append(out, between(s.MinProps, s.MaxProps, "members")...)
	return out
}

// between says "1 to 64 characters", "at least 1 item", "at most 10 items".
func between(min uint64, max *uint64, what string) []string {
	one := strings.TrimSuffix(what, "s")
	switch {
	case max != nil && min == *max && min == 1:
		return []string{"exactly 1 " + one}
	case max != nil && min == *max:
		return []string{fmt.Sprintf("exactly %d %s", min, what)}
	case min > 0 && max != nil:
		return []string{fmt.Sprintf("%d to %d %s", min, *max, what)}
	case min == 1:
		return []string{"at least 1 " + one}
	case min > 0:
		return []string{fmt.Sprintf("at least %d %s", min, what)}
	case max != nil && *max == 1:
		return []string{"at most 1 " + one}
	case max != nil:
		return []string{fmt.Sprintf("at most %d %s", *max, what)}
	}
	return nil
}

// enumList lists up to maxEnumListed values and says how many more.
func enumList(values []any) string {
	var parts []string
	for i, v := range values {
		if i == maxEnumListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(values)-i))
			break
		}
		parts = append(parts, literal(v))
	}
	return strings.Join(parts, ", ")
}

// literal writes a JSON value from the document as Go doc text.
func literal(v any) string {
	switch v := v.(type) {
	case string:
		return strconv.Quote(v)
	case nil:
		return "null"
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool, int, int64:
		return fmt.Sprint(v)
	}
	return "a " + fmt.Sprintf("%T", v)
}

// article puts "a" or "an" before a type word ("a string", "an array of
// integer"); other facts ("one of 3 schemas", "schema X") stay as they are.
func article(w string) string {
	for _, t := range []string{"integer", "object", "array"} {
		if strings.HasPrefix(w, t) {
			return "an " + w
		}
	}
	for _, t := range []string{"string", "number", "boolean"} {
		if strings.HasPrefix(w, t) {
			return "a " + w
		}
	}
	return w
}

// printable writes the control characters of s as \uXXXX, so a pattern
// or a value cannot break the comment it is written in.
func printable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func sortedSchemaNames(m openapi3.Schemas) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// fieldDoc matches the doc oapi-codegen gives a type made from a property
// (an enum, an inline object): the property's description (fieldFacts),
// which says what the member is: "T ("json") is a string; ...; required."
var fieldDoc = regexp.MustCompile(`^// (\w+) (?:\("([^"]+)"\) )?is (.*?)(; required)?\.$`)

// memberTypeDocs rewrites the docs of the types made from a property,
// which carry the field's description, to speak of the type: "T is the
// type of member "json": a string; one of ...". Whether the member is
// required is a fact of the field, not of the type.
func memberTypeDocs(f *ast.File) {
	memberOf := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok {
			return true
		}
		for _, fl := range st.Fields.List {
			name := jsonTagName(fl)
			if name == "" {
				continue
			}
			ast.Inspect(fl.Type, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if _, seen := memberOf[id.Name]; !seen {
						memberOf[id.Name] = name
					}
				}
				_, inline := n.(*ast.StructType)
				return !inline
			})
		}
		return true
	})
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE || gd.Doc == nil || len(gd.Specs) != 1 {
			continue
		}
		c := gd.Doc.List[0] // the facts; an example may follow
		m := fieldDoc.FindStringSubmatch(c.Text)
		if m == nil || (m[2] == "" && m[4] == "") || m[1] != gd.Specs[0].(*ast.TypeSpec).Name.Name {
			continue
		}
		member := m[2]
		if member == "" {
			member = memberOf[m[1]]
		}
		if member == "" {
			c.Text = "// " + m[1] + " is " + m[3] + "."
			continue
		}
		c.Text = "// " + m[1] + " is the type of member " + strconv.Quote(member) + ": " + m[3] + "."
	}
}

// jsonTagName is the member name of a struct field's json tag, "" for
// none.
func jsonTagName(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	tag, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}
