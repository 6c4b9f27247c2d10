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
			b.WriteString(goName(strings.ToLower(w)))
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

// goName is the name normalizer of every generated name (codegen.yaml's
// name-normalizer, whose entry init replaces): oapi-codegen's CamelCase
// with initialisms, and then each word in mixed case that is an initialism
// followed by a version, digits or a plural spelt as Go spells it (Fcmv1 ->
// FCMv1, Fapi2 -> FAPI2, Snses -> SNSes, Xss -> XSS), as are the
// run-together words of goWords (Jwtissuer -> JWTIssuer).
func goName(s string) string {
	name := codegen.ToCamelCaseWithInitialisms(s)
	words := camelWords(name)
	changed := false
	for i, w := range words {
		if to, ok := goWord(w); ok {
			words[i], changed = to, true
		}
	}
	if !changed {
		return name
	}
	return strings.Join(words, "")
}

func init() {
	// oapi-codegen, used as a library, takes a program's own normalizers
	// in NameNormalizers; goName takes the place of
	// ToCamelCaseWithInitialisms, the only name under which oapi-codegen
	// reads additional-initialisms.
	codegen.NameNormalizers[codegen.NameNormalizerFunctionToCamelCaseWithInitialisms] = goName
}

// goWords spells the words of these APIs that run an initialism and
// another word together, which no rule can split.
var goWords = map[string]string{
	"idtoken":    "IDToken",
	"jsonarray":  "JSONArray",
	"jsonlines":  "JSONLines",
	"jsonobject": "JSONObject",
	"jwtca":      "JWTCA", // a JWT client assertion
	"jwtissuer":  "JWTIssuer",
}

// goWord is the Go spelling of a word in mixed case (upper case, then
// lower case or digits) that holds an initialism, or false.
func goWord(w string) (string, bool) {
	if len(w) < 2 || !unicode.IsUpper(rune(w[0])) || strings.ToUpper(w) == w {
		return "", false
	}
	to, ok := goWords[strings.ToLower(w)]
	if !ok {
		to, ok = goInitialism(w)
	}
	if !ok || to == w {
		return "", false
	}
	return to, true
}

// goInitialism is the Go spelling of a word that is, case-insensitively,
// an initialism of codegen.yaml or oapi-codegen ("jwt" -> JWT), one
// followed by a version ("fcmv1" -> FCMv1, as the standard library writes
// PKCS1v15), by digits ("fapi2" -> FAPI2) or by a plural ("snses" ->
// SNSes, "ids" -> IDs); false for any other word.
func goInitialism(w string) (string, bool) {
	lw := strings.ToLower(w)
	if s, ok := initialism(lw); ok {
		return s, true
	}
	if stem := strings.TrimRight(lw, "0123456789"); stem != lw {
		if s, ok := initialism(stem); ok {
			return s + lw[len(stem):], true
		}
		if v, ok := strings.CutSuffix(stem, "v"); ok {
			if s, ok := initialism(v); ok {
				return s + lw[len(v):], true
			}
		}
	}
	for _, plural := range []string{"s", "es"} {
		if stem, ok := strings.CutSuffix(lw, plural); ok {
			if s, ok := initialism(stem); ok {
				return s + plural, true
			}
		}
	}
	return "", false
}

// initialism is the spelling of the initialisms list for a lower-case
// word in that list ("oauth2" -> OAuth2).
func initialism(lw string) (string, bool) {
	if lw == "" {
		return "", false
	}
	title := strings.ToUpper(lw[:1]) + lw[1:]
	if codegen.ToCamelCaseWithDigits(lw) != title {
		return "", false // more than one word ("a128gcm")
	}
	s := codegen.ToCamelCaseWithInitialisms(lw)
	return s, s != title
}

// camelWords splits a Go identifier into words at each capital that
// follows a lower-case letter (or digits after one), and at the last
// capital of a run followed by a lower-case letter: UserId -> User, Id;
// HTTPServer -> HTTP, Server; Fcmv1Provider -> Fcmv1, Provider. Only a
// word in mixed case can misspell an initialism; a run of capitals stays
// as it is (JWKSURIs -> JWKSUR, Is).
func camelWords(s string) []string {
	var words []string
	r := []rune(s)
	start := 0
	for i := 1; i < len(r); i++ {
		if !unicode.IsUpper(r[i]) {
			continue
		}
		prev := r[i-1]
		lowerBefore := unicode.IsLower(prev) || (unicode.IsDigit(prev) && lastLetterLower(r[start:i]))
		endsRun := unicode.IsUpper(prev) && i+1 < len(r) && unicode.IsLower(r[i+1])
		if lowerBefore || endsRun {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

// lastLetterLower reports whether the last letter of r is lower case.
func lastLetterLower(r []rune) bool {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsLetter(r[i]) {
			return unicode.IsLower(r[i])
		}
	}
	return false
}
