package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// initialismAllowed lists the words that spell an initialism
// case-insensitively but are English words where they stand (none in
// today's documents: every hit was an initialism).
var initialismAllowed = map[string]bool{}

// TestGeneratedNamesWriteInitialismsInCapitals walks every exported
// identifier of gen/*/ (types, constants, variables, functions, methods,
// fields of structs and interfaces) and fails on a word written in mixed
// case that is a Go initialism (oapi-codegen's list and codegen.yaml's):
// UserId, Jose, Fcmv1 (FCMv1), Snses (SNSes), and on any underscore
// (Organization_Subscription).
func TestGeneratedNamesWriteInitialismsInCapitals(t *testing.T) {
	setNaming(t)
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "gen", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no gen/* folders: %v", err)
	}
	hits := map[string][]string{}
	for _, dir := range dirs {
		for _, name := range exportedNames(t, dir) {
			if strings.Contains(name, "_") {
				hits["_ -> none"] = append(hits["_ -> none"], filepath.Base(dir)+"."+name)
			}
			for _, w := range camelWords(name) {
				if want, ok := goWord(w); ok && !initialismAllowed[w] {
					key := w + " -> " + want
					hits[key] = append(hits[key], filepath.Base(dir)+"."+name)
				}
			}
		}
	}
	keys := make([]string, 0, len(hits))
	for k := range hits {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		names := hits[k]
		sort.Strings(names)
		more := ""
		if len(names) > 5 {
			more = " ..."
			names = names[:5]
		}
		t.Errorf("%s (%d names): %s%s", k, len(hits[k]), strings.Join(names, ", "), more)
	}
}

// TestGoWordSpellsInitialismsAsGoDoes covers the word rules of goName
// and the word split both goName and the scan above use.
func TestGoWordSpellsInitialismsAsGoDoes(t *testing.T) {
	setNaming(t)
	for in, want := range map[string]string{
		"Id":        "ID",
		"Jwt":       "JWT",
		"Fcmv1":     "FCMv1",
		"Snses":     "SNSes",
		"Ids":       "IDs",
		"Urls":      "URLs",
		"Oauth2":    "OAuth2",
		"Ipv4":      "IPv4",
		"Jose":      "JOSE",
		"Fapi2":     "FAPI2",
		"Pkcs7":     "PKCS7",
		"Xss":       "XSS",
		"Jwtissuer": "JWTIssuer",
		"FCMv1":     "",
		"JWT":       "",
		"Vci":       "VCI",
		"User":      "",
		"Idle":      "",
		"Ds":        "",
	} {
		got, ok := goWord(in)
		if ok != (want != "") || got != want {
			t.Errorf("goWord(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{
		"put_fcmv1":           "PutFCMv1",
		"PutFCMv1":            "PutFCMv1",
		"supportedSnses":      "SupportedSNSes",
		"x-xss-protection":    "XXSSProtection",
		"vci_jwtissuer_api":   "VCIJWTIssuerAPI",
		"enable_idtoken_api2": "EnableIDTokenAPI2",
		"user_id":             "UserID",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string][]string{
		"UserId":                {"User", "Id"},
		"JWKSURIs":              {"JWKSUR", "Is"},
		"UpdateFcmv1Provider":   {"Update", "Fcmv1", "Provider"},
		"HTTPServer":            {"HTTP", "Server"},
		"IPv4Address":           {"I", "Pv4", "Address"},
		"ServiceSupportedSnses": {"Service", "Supported", "Snses"},
	} {
		got := camelWords(in)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("camelWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// exportedNames lists the exported identifiers declared in the non-test
// Go files of dir, methods as Type.Method and fields as Type.Field.
func exportedNames(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	add := func(prefix string, id *ast.Ident) {
		if id != nil && id.IsExported() {
			names = append(names, prefix+id.Name)
		}
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				prefix := ""
				if d.Recv != nil {
					prefix = receiverName(d) + "."
				}
				add(prefix, d.Name)
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add("", s.Name)
						if s.Name.IsExported() {
							memberNames(s.Name.Name, s.Type, add)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add("", n)
						}
					}
				}
			}
		}
	}
	return names
}

// memberNames adds the exported fields and methods of a struct or
// interface type, nested anonymous structs included.
func memberNames(owner string, typ ast.Expr, add func(string, *ast.Ident)) {
	ast.Inspect(typ, func(n ast.Node) bool {
		var fields *ast.FieldList
		switch n := n.(type) {
		case *ast.StructType:
			fields = n.Fields
		case *ast.InterfaceType:
			fields = n.Methods
		default:
			return true
		}
		for _, f := range fields.List {
			for _, id := range f.Names {
				add(owner+".", id)
			}
		}
		return true
	})
}
