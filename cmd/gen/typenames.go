// Go names for the types oapi-codegen derives from an operation or from a
// schema name that says more than Go needs: parameter structs named after
// their method, inline request bodies without the content type in their
// name, Smithy-style schema names without "Content".

package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// smithyWords end the schema names of documents made with Smithy (Auth0's
// CreateUserRequestContent, PromptLanguageEnum): the type drops the word,
// which says nothing in Go, when the shorter name is free.
var smithyWords = []struct{ suffix, word string }{
	{"RequestContent", "Content"},
	{"ResponseContent", "Content"},
	{"Enum", "Enum"},
}

// typeRenames maps the type names oapi-codegen writes (code) to the
// facade's. A type made for one method alone is named after the method,
// as its call reads (Sites.Create):
//   - its parameter struct is <Service><Method>Params ("GetUsersParams" ->
//     "UsersListParams");
//   - its inline request body is <Service><Method>Body, whatever the
//     content type ("SitesCreateJSONBody" -> "SitesCreateBody",
//     "RevokeTokenFormdataBody" -> "OAuthRevokeBody"), an inline union
//     body too (unions: the names nameUnionBodies gave).
//
// And a schema name in Smithy's style drops the word that says nothing in
// Go (smithyWords): "<X>RequestContent" and "<X>ResponseContent" are
// "<X>Request" and "<X>Response", "<X>Enum" is "<X>" (its constants
// follow: "PromptLanguageEnumEn" is "PromptLanguageEn").
//
// A name with underscores loses them.
//
// A body or a Smithy name is renamed only when its new name is declared by
// nothing else and wanted by no other rename, so every name stays unique;
// a name derived from a renamed one ("GetUsersParamsSort") follows it
// (renameType).
func typeRenames(code string, defs []codegen.OperationDefinition, m *facadeModel, unions map[string]bool) (map[string]string, error) {
	declared := map[string]bool{}
	for _, match := range topLevelType.FindAllStringSubmatch(code, -1) {
		declared[match[1]] = true
	}
	out := paramRenames(defs, m)
	wanted := map[string]string{}
	for from, to := range out {
		if other, dup := wanted[to]; dup {
			return nil, fmt.Errorf("the parameters of two methods would both be named %s (from %s and %s)", to, other, from)
		}
		wanted[to] = from
	}
	// add renames from to to, in the order of from, unless to is taken.
	add := func(pairs [][2]string) {
		sort.Slice(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })
		for _, p := range pairs {
			from, to := p[0], p[1]
			if _, moving := out[from]; moving || declared[to] || wanted[to] != "" {
				continue
			}
			out[from], wanted[to] = to, from
		}
	}
	byGoID := map[string]*facadeOp{}
	for _, op := range m.Ops {
		byGoID[op.GoID] = op
	}
	var bodies [][2]string
	for i := range defs {
		d := &defs[i]
		op, b := byGoID[d.OperationId], chosenBody(d)
		if op == nil || b == nil {
			continue
		}
		name := b.Schema.TypeDecl()
		if name == d.OperationId+b.NameTag+"Body" || unions[name] {
			bodies = append(bodies, [2]string{name, op.TypeName + "Body"})
		}
	}
	add(bodies)
	var smithy [][2]string
	for name := range declared {
		for _, w := range smithyWords {
			if strings.HasSuffix(name, w.suffix) && len(name) > len(w.suffix) {
				smithy = append(smithy, [2]string{name, strings.TrimSuffix(name, w.word)})
			}
		}
	}
	add(smithy)
	// A name oapi-codegen joined with underscores (a union inside a
	// model: "Organization_Subscription") is written as Go writes names,
	// after the renames above ("...ResponseContent_Item" ->
	// "...ResponseItem").
	var joined [][2]string
	for name := range declared {
		if strings.Contains(name, "_") {
			joined = append(joined, [2]string{name, renameType(strings.ReplaceAll(name, "_", ""), out)})
		}
	}
	add(joined)
	return out, nil
}

// topLevelType matches a type declaration of oapi-codegen's output.
var topLevelType = regexp.MustCompile(`(?m)^type ([A-Za-z_][A-Za-z0-9_]*)\b`)

// chosenBody is the request body a method takes: the JSON one when the
// operation has several, else the first the runtime can send; nil for a
// raw body (or none).
func chosenBody(d *codegen.OperationDefinition) *codegen.RequestBodyDefinition {
	var chosen *codegen.RequestBodyDefinition
	for i := range d.Bodies {
		b := &d.Bodies[i]
		if b.IsSupportedByClient() && (chosen == nil || (b.IsJSON() && !chosen.IsJSON())) {
			chosen = b
		}
	}
	return chosen
}

// renameType renames a type that is a key of renames, or a name derived
// from one by appending words: "GetUsersParamsSort" follows
// "GetUsersParams", "CreateUserRequestContentAppMetadata" follows
// "CreateUserRequestContent". The longest renamed prefix that ends
// before an upper-case letter or a digit wins.
func renameType(name string, renames map[string]string) string {
	if to, ok := renames[name]; ok {
		return to
	}
	for i := len(name) - 1; i > 0; i-- {
		if c := name[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			continue
		}
		if to, ok := renames[name[:i]]; ok {
			return to + name[i:]
		}
	}
	return name
}

// typeRenamer applies renames to identifiers, remembering each answer:
// the generated files repeat a few thousand names a million times.
type typeRenamer struct {
	renames map[string]string
	memo    map[string]string
}

func newTypeRenamer(renames map[string]string) *typeRenamer {
	return &typeRenamer{renames: renames, memo: map[string]string{}}
}

func (r *typeRenamer) name(s string) string {
	if len(r.renames) == 0 {
		return s
	}
	to, ok := r.memo[s]
	if !ok {
		to = renameType(s, r.renames)
		r.memo[s] = to
	}
	return to
}

// text renames the Go identifiers in a comment or a type expression
// ("[]CreateUserResponseContent"). A word in double quotes is the
// document's own name for something ("schema \"CreateUserRequestContent\"")
// and stays as it is.
func (r *typeRenamer) text(s string) string {
	if len(r.renames) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range identWord.FindAllStringIndex(s, -1) {
		if loc[0] > 0 && s[loc[0]-1] == '"' {
			continue
		}
		b.WriteString(s[last:loc[0]])
		b.WriteString(r.name(s[loc[0]:loc[1]]))
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// renameModelTypes gives the types the facade's methods take and return
// their new names, in the methods' signatures and docs.
func renameModelTypes(m *facadeModel, r *typeRenamer) {
	for _, op := range m.Ops {
		for i := range op.PathParams {
			op.PathParams[i].Type = r.text(op.PathParams[i].Type)
		}
		op.BodyType = r.text(op.BodyType)
		op.Result = r.text(op.Result)
		op.ItemType = r.text(op.ItemType)
		op.Doc = r.text(op.Doc)
		op.PagerDoc = r.text(op.PagerDoc)
	}
}
