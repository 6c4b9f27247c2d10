// Go names for what oapi-codegen writes: enum constants named after their
// type and value (AuthorizationResponseActionNoInteraction), with the
// initialisms of codegen.yaml.

package main

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// renameEnumValues names every constant of a string enum type T as T
// followed by its value in CamelCase ("NO_INTERACTION" -> NoInteraction,
// "client_secret_basic" -> ClientSecretBasic, "RS256" stays RS256), and
// renames its uses in f. Two values that would share a name (or a name
// taken by another declaration) get 2, 3, ... in the order of their
// values, so the result never depends on map order.
func renameEnumValues(f *ast.File) error {
	taken := map[string]bool{}
	type enumConst struct {
		id    *ast.Ident
		typ   string
		value string
	}
	var consts []enumConst
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				taken[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					taken[s.Name.Name] = true
				case *ast.ValueSpec:
					if c, ok := enumSpec(d.Tok, s); ok {
						consts = append(consts, enumConst{s.Names[0], c.typ, c.value})
						continue
					}
					for _, n := range s.Names {
						taken[n.Name] = true
					}
				}
			}
		}
	}
	sort.SliceStable(consts, func(i, j int) bool {
		if consts[i].typ != consts[j].typ {
			return consts[i].typ < consts[j].typ
		}
		return consts[i].value < consts[j].value
	})
	renames := map[string]string{}
	for _, c := range consts {
		word := enumWord(c.value)
		if word == "" {
			// A value with no letter or digit ("", "-"): keep the word
			// oapi-codegen made of it (Empty, Minus).
			word = strings.TrimPrefix(c.id.Name, c.typ)
		}
		name := c.typ + word
		for n := 2; taken[name]; n++ {
			name = c.typ + word + strconv.Itoa(n)
		}
		taken[name] = true
		if name != c.id.Name {
			if _, dup := renames[c.id.Name]; dup {
				return fmt.Errorf("enum constant %s declared twice", c.id.Name)
			}
			renames[c.id.Name] = name
		}
	}
	renameIdents(f, renames)
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "// Defines values for ") {
				c.Text = "// The values the document lists for " + strings.TrimPrefix(c.Text, "// Defines values for ")
			}
		}
	}
	return nil
}

type enumValue struct{ typ, value string }

// enumSpec reports whether s is one constant of a string enum: a single
// name, a type name, and a string literal.
func enumSpec(tok token.Token, s *ast.ValueSpec) (enumValue, bool) {
	if tok != token.CONST || len(s.Names) != 1 || len(s.Values) != 1 {
		return enumValue{}, false
	}
	typ, ok := s.Type.(*ast.Ident)
	lit, ok2 := s.Values[0].(*ast.BasicLit)
	if !ok || !ok2 || lit.Kind != token.STRING {
		return enumValue{}, false
	}
	v, err := strconv.Unquote(lit.Value)
	if err != nil {
		return enumValue{}, false
	}
	return enumValue{typ.Name, v}, true
}

// renameIdents renames the identifiers of f that name a declaration
// (not a struct field or a selected member) after renames.
func renameIdents(f *ast.File, renames map[string]string) {
	if len(renames) == 0 {
		return
	}
	skip := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.Ident:
			if to, ok := renames[n.Name]; ok && !skip[n] {
				n.Name = to
			}
		}
		return true
	})
}

// enumWord is an enum value in CamelCase with Go initialisms. Words are
// split at anything that is not a letter or a digit and where a lower-case
// letter meets an upper-case one. A value written all in capitals
// (SCREAMING_SNAKE) has its words title-cased; otherwise a word in
// capitals stays so ("en-US" -> EnUS), as does a capital word with a digit
// ("RS256", "A128GCM").
func enumWord(v string) string {
	screaming := strings.ToUpper(v) == v
	var b strings.Builder
	for _, w := range splitWords(v) {
		upper := strings.ToUpper(w) == w && strings.ToLower(w) != w
		switch {
		case upper && (!screaming || strings.ContainsAny(w, "0123456789")):
			b.WriteString(w)
		case upper || strings.ToLower(w) == w:
			b.WriteString(codegen.ToCamelCaseWithInitialisms(strings.ToLower(w)))
		default:
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			b.WriteString(string(r))
		}
	}
	return b.String()
}

// splitWords splits s into runs of letters and digits, and a run where a
// lower-case letter or digit is followed by an upper-case one
// ("clientSecret" -> client, Secret).
func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) && unicode.IsLower(cur[len(cur)-1]) {
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}
