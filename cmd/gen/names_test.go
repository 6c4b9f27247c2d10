package main

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// setNaming runs oapi-codegen once over an empty document with the rules
// of codegen.yaml: its naming functions read the initialisms Generate sets.
func setNaming(t *testing.T) {
	t.Helper()
	oc := codegen.Configuration{PackageName: "p", Generate: codegen.GenerateOptions{Models: true}}
	if err := applyRules(&oc); err != nil {
		t.Fatal(err)
	}
	spec := &openapi3.T{OpenAPI: "3.0.3", Info: &openapi3.Info{Title: "t", Version: "1"}, Paths: openapi3.NewPaths()}
	if _, err := codegen.Generate(spec, oc.UpdateDefaults()); err != nil {
		t.Fatal(err)
	}
}

func TestEnumWordIsGoStyle(t *testing.T) {
	setNaming(t)
	for in, want := range map[string]string{
		"INTERACTION":           "Interaction",
		"NO_INTERACTION":        "NoInteraction",
		"INTERNAL_SERVER_ERROR": "InternalServerError",
		"client_secret_basic":   "ClientSecretBasic",
		"id_token":              "IDToken",
		"RS256":                 "RS256",
		"A128GCM":               "A128GCM",
		"en-US":                 "EnUS",
		"entity-bound":          "EntityBound",
		"authorizationCode":     "AuthorizationCode",
		"http":                  "HTTP",
		"OK":                    "OK",
		"mfa-sms":               "MFASMS",
		"":                      "",
		"-":                     "",
	} {
		if got := enumWord(in); got != want {
			t.Errorf("enumWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnumConstantsAreRenamedWithTheirUses(t *testing.T) {
	src := `package p

// Defines values for Action.
const (
	ActionINTERACTION Action = "INTERACTION"
	ActionNOINTERACTION Action = "NO_INTERACTION"
	ActionNoInteraction2 Action = "no-interaction"
)

type Action string

func (e Action) Valid() bool { return e == ActionINTERACTION || e == ActionNOINTERACTION }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	setNaming(t)
	if err := renameEnumValues(f); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{
		`ActionInteraction Action = "INTERACTION"`,
		// Two values with one CamelCase form: the one that sorts first
		// keeps the name, the other gets 2, whatever the source order.
		`ActionNoInteraction Action = "NO_INTERACTION"`,
		`ActionNoInteraction2 Action = "no-interaction"`,
		`e == ActionInteraction || e == ActionNoInteraction }`,
		"// The values the document lists for Action.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
