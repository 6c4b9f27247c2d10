package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

const repoRoot = "../.."

// copyAPI copies api/<api> of the repository into a temporary module root.
func copyAPI(t *testing.T, api string) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join(repoRoot, "api", api)
	dst := filepath.Join(root, "api", api)
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func gen(t *testing.T, args ...string) error {
	t.Helper()
	return run(args, io.Discard, io.Discard)
}

// TestGeneratedCodeIsCurrent is `go run ./cmd/gen -check` as a test.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if err := gen(t, "-root", repoRoot, "-check"); err != nil {
		t.Fatal(err)
	}
}

// TestGenerationIsDeterministic runs the generator twice over the smallest
// documents and compares the bytes. Every API is covered across runs by
// TestGeneratedCodeIsCurrent, which regenerates all of them and compares
// with the committed output of an earlier run.
func TestGenerationIsDeterministic(t *testing.T) {
	for _, api := range []string{"nexaasid", "zaikiohub"} {
		root := copyAPI(t, api)
		if err := gen(t, "-root", root); err != nil {
			t.Fatal(err)
		}
		first := readTree(t, root)
		if err := gen(t, "-root", root); err != nil {
			t.Fatal(err)
		}
		second := readTree(t, root)
		if len(first) == 0 || len(first) != len(second) {
			t.Fatalf("%s: %d files, then %d", api, len(first), len(second))
		}
		for p, b := range first {
			if !bytes.Equal(b, second[p]) {
				t.Errorf("%s: %s changed on the second run", api, p)
			}
			if strings.HasPrefix(p, "gen/") && !bytes.HasPrefix(b, []byte(genHeader)) {
				t.Errorf("%s: %s lacks the generated-code header", api, p)
			}
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNamesLock(t *testing.T) {
	root := copyAPI(t, "nexaasid")
	if err := gen(t, "-root", root); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(root, "api", "nexaasid", "openapi.yaml")
	orig, _ := os.ReadFile(doc)

	renamed := bytes.Replace(orig, []byte("x-operation-name: Emails"), []byte("x-operation-name: EmailAddresses"), 1)
	os.WriteFile(doc, renamed, 0o644)
	err := gen(t, "-root", root)
	if err == nil || !strings.Contains(err.Error(), "GetEmails would change from Profile.Emails to Profile.EmailAddresses") {
		t.Fatalf("rename: err = %v", err)
	}
	if err := gen(t, "-root", root, "-check"); err == nil {
		t.Errorf("-check passed with a renamed method")
	}
	if err := gen(t, "-root", root, "-update-lock"); err != nil {
		t.Fatalf("-update-lock: %v", err)
	}
	lock, _ := os.ReadFile(filepath.Join(root, "api", "nexaasid", "names.lock"))
	if !bytes.Contains(lock, []byte("GetEmails Profile.EmailAddresses\n")) {
		t.Errorf("lock not updated:\n%s", lock)
	}
	services, _ := os.ReadFile(filepath.Join(root, "gen", "nexaasid", "services.gen.go"))
	if !bytes.Contains(services, []byte(") EmailAddresses(ctx context.Context")) {
		t.Errorf("services.gen.go lacks the new method name")
	}

	// An operation that disappears is refused the same way.
	i := bytes.Index(renamed, []byte("  /api/v1/profile/emails:"))
	j := bytes.Index(renamed, []byte("  /api/v1/sign_up:"))
	os.WriteFile(doc, append(append([]byte{}, renamed[:i]...), renamed[j:]...), 0o644)
	if err := gen(t, "-root", root); err == nil || !strings.Contains(err.Error(), "GetEmails") {
		t.Fatalf("removal: err = %v", err)
	}
}

// TestNamesLockCoversTypes shows that renaming a schema, and so the
// exported type made of it, is refused until the lock is updated.
func TestNamesLockCoversTypes(t *testing.T) {
	root := copyAPI(t, "nexaasid")
	if err := gen(t, "-root", root, "-update-lock"); err != nil {
		t.Fatal(err)
	}
	lockPath := filepath.Join(root, "api", "nexaasid", "names.lock")
	lock, _ := os.ReadFile(lockPath)
	for _, want := range []string{"\ntype ProfessionalInfo\n", "\ntype ProfileService\n"} {
		if !bytes.Contains(lock, []byte(want)) {
			t.Fatalf("lock lacks %q:\n%s", want, lock)
		}
	}
	doc := filepath.Join(root, "api", "nexaasid", "openapi.yaml")
	orig, _ := os.ReadFile(doc)
	renamed := bytes.ReplaceAll(orig, []byte("schemas/ProfessionalInfo\""), []byte("schemas/WorkInfo\""))
	renamed = bytes.ReplaceAll(renamed, []byte("\n    ProfessionalInfo:\n"), []byte("\n    WorkInfo:\n"))
	os.WriteFile(doc, renamed, 0o644)
	err := gen(t, "-root", root)
	if err == nil || !strings.Contains(err.Error(), "type ProfessionalInfo is gone") {
		t.Fatalf("rename: err = %v", err)
	}
	if err := gen(t, "-root", root, "-check"); err == nil {
		t.Errorf("-check passed with a renamed type")
	}
	if err := gen(t, "-root", root, "-update-lock"); err != nil {
		t.Fatalf("-update-lock: %v", err)
	}
	lock, _ = os.ReadFile(lockPath)
	if !bytes.Contains(lock, []byte("\ntype WorkInfo\n")) || bytes.Contains(lock, []byte("type ProfessionalInfo\n")) {
		t.Errorf("lock not updated:\n%s", lock)
	}
}

func TestHandWrittenFileUnderGenIsRefused(t *testing.T) {
	root := copyAPI(t, "nexaasid")
	if err := gen(t, "-root", root); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "gen", "nexaasid", "extra.go"), []byte("package nexaasid\n"), 0o644)
	if err := gen(t, "-root", root); err == nil || !strings.Contains(err.Error(), "not generated") {
		t.Fatalf("err = %v", err)
	}
}

const upstreamDoc = `{
  "openapi": "3.0.3",
  "info": {"title": "Example", "version": "7.1", "description": "Long vendor prose.", "contact": {"email": "x@example.com"}},
  "tags": [{"name": "Things", "description": "Vendor words about things."}],
  "paths": {
    "/things/{id}": {
      "summary": "path summary prose",
      "get": {
        "summary": "Get a thing",
        "description": "Several paragraphs of vendor documentation.",
        "tags": ["Things"],
        "x-codeSamples": [{"lang": "go", "source": "code"}],
        "parameters": [{"name": "id", "in": "path", "required": true, "description": "The id.", "schema": {"type": "string", "example": "t1"}}],
        "responses": {"200": {"description": "The thing.", "content": {"application/json": {
          "schema": {"$ref": "#/components/schemas/Thing"},
          "examples": {"big": {"summary": "x", "value": {"id": "t1"}}}}}}}
      },
      "post": {
        "summary": "Update a thing",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"content": {
          "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
          "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
        "responses": {"204": {"description": "Updated."}}
      }
    }
  },
  "components": {"schemas": {"Thing": {
    "type": "object", "title": "Thing", "description": "A thing.",
    "properties": {
      "id": {"type": "string", "description": "Identifier."},
      "description": {"type": "string", "description": "The thing's own description field."},
      "title": {"type": "string"},
      "kind": {"type": "string", "enum": ["a", "b"], "x-enum-varnames": ["KindA", "KindB"], "x-internal-docs": "drop me"}
    }}}}
}`

const overlayDoc = `overlay: 1.0.0
info: {title: fixes, version: "1"}
actions:
  - target: $.paths['/things/{id}'].get
    update: {operationId: GetThing, x-operation-group: Things, x-operation-name: Get}
  - target: $.paths['/things/{id}'].post
    update: {operationId: UpdateThing}
`

func TestImportKeepsContractDropsProse(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join(root, "upstream.json")
	os.WriteFile(src, []byte(upstreamDoc), 0o644)
	os.MkdirAll(filepath.Join(root, "api", "things"), 0o755)
	os.WriteFile(filepath.Join(root, "api", "things", "overlay.yaml"), []byte(overlayDoc), 0o644)
	if err := gen(t, "-root", root, "import", "things", "-from", src, "-source-url", "https://example.com/openapi.json"); err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(root, "api", "things", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, gone := range []string{"vendor", "Vendor", "paragraphs", "x-codeSamples", "Identifier.", "x-internal-docs", "contact", "path summary", "x-www-form-urlencoded", "examples", "own description"} {
		if strings.Contains(text, gone) {
			t.Errorf("imported document still holds %q:\n%s", gone, text)
		}
	}
	for _, kept := range []string{"summary: Get a thing", "operationId: GetThing", "x-operation-group: Things", "x-enum-varnames", "example: t1", "title: Example"} {
		if !strings.Contains(text, kept) {
			t.Errorf("imported document lost %q:\n%s", kept, text)
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData(out)
	if err != nil {
		t.Fatalf("imported document does not load: %v", err)
	}
	if err := doc.Validate(openapi3.NewLoader().Context); err != nil {
		t.Errorf("imported document is not valid: %v", err)
	}
	thing := doc.Components.Schemas["Thing"].Value
	for _, p := range []string{"id", "description", "title", "kind"} {
		if thing.Properties[p] == nil {
			t.Errorf("property %q lost", p)
		}
	}
	if thing.Description != "" || thing.Title != "" {
		t.Errorf("schema prose kept: %q %q", thing.Description, thing.Title)
	}
	source, _ := os.ReadFile(filepath.Join(root, "api", "things", "source.yaml"))
	for _, want := range []string{"url: https://example.com/openapi.json", "version: \"7.1\"", "sha256: ", "overlay_sha256: "} {
		if !strings.Contains(string(source), want) {
			t.Errorf("source.yaml lacks %q:\n%s", want, source)
		}
	}
}

// TestModelRules generates testdata/rulestest, a small document with one
// case of each rule of codegen.yaml and models.go, into a package of this
// module and runs testdata/rulestest/rules_test.go.txt there: unknown
// members survive a round trip (nested, in arrays, in maps, in inline and
// open objects), numbers keep float64 precision, formats and patterns
// refuse nothing, an unknown union variant is kept, a decode error names
// its field and leaves the rest of the answer.
func TestModelRules(t *testing.T) {
	root := t.TempDir()
	src := filepath.Join("testdata", "rulestest")
	if err := os.MkdirAll(filepath.Join(root, "api", "rulestest"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"openapi.yaml", "codegen.yaml"} {
		copyFile(t, filepath.Join(src, n), filepath.Join(root, "api", "rulestest", n))
	}
	files, err := generateAPI(root, "rulestest", true)
	if err != nil {
		t.Fatal(err)
	}
	// A uuid path parameter takes any string.
	if services := string(files["gen/rulestest/services.gen.go"]); !strings.Contains(services, "GetThing(ctx context.Context, thingID string, opts ...Option)") {
		t.Errorf("the uuid path parameter is not a string:\n%s", services)
	}
	pkg, err := os.MkdirTemp("testdata", "rulestest-pkg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pkg) })
	if err := os.WriteFile(filepath.Join(pkg, "rulestest.gen.go"), files["gen/rulestest/rulestest.gen.go"], 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(src, "rules_test.go.txt"), filepath.Join(pkg, "rules_test.go"))
	cmd := exec.Command("go", "test", "-v", "-count=1", "-timeout=5m", "./"+filepath.ToSlash(pkg))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPerOperationBodyTypesAreNotWritten shows that oapi-codegen's
// per-operation body types (<Op>JSONRequestBody, a second name for the
// body's own type that no method takes) stay out of the package.
func TestPerOperationBodyTypesAreNotWritten(t *testing.T) {
	files, err := generateAPI(repoRoot, "nexaasid", true)
	if err != nil {
		t.Fatal(err)
	}
	models := string(files["gen/nexaasid/nexaasid.gen.go"])
	if models == "" {
		t.Fatal("no gen/nexaasid/nexaasid.gen.go")
	}
	if strings.Contains(models, "RequestBody defines body for") {
		t.Error("nexaasid.gen.go declares per-operation body types")
	}
	if !strings.Contains(models, "type SignUpRequest struct") {
		t.Error("nexaasid.gen.go lacks the body's own type SignUpRequest")
	}
}

// TestInlineBodiesAreNamedAfterTheirMethod shows the rule of typeRenames
// on a whole document: an inline body, JSON or form, is
// <Service><Method>Body, like the method's parameter struct, and the
// content type is in no type name.
func TestInlineBodiesAreNamedAfterTheirMethod(t *testing.T) {
	files, err := generateAPI(repoRoot, "auth0auth", false)
	if err != nil {
		t.Fatal(err)
	}
	services := string(files["gen/auth0auth/services.gen.go"])
	for _, want := range []string{
		") Signup(ctx context.Context, body DatabaseSignupBody, opts ...Option)",
		") Revoke(ctx context.Context, body OAuthRevokeBody, opts ...Option)",
	} {
		if !strings.Contains(services, want) {
			t.Errorf("services.gen.go lacks %q", want)
		}
	}
	models := string(files["gen/auth0auth/auth0auth.gen.go"])
	for _, word := range []string{"JSONBody", "FormdataBody"} {
		if strings.Contains(models, word) {
			t.Errorf("auth0auth.gen.go still names a type ...%s", word)
		}
	}
}

// TestWithArticle: "an" before a vowel, "a" otherwise.
func TestWithArticle(t *testing.T) {
	for in, want := range map[string]string{"Auth0 API": "an Auth0 API", "Authlete": "an Authlete", "Zaikio Hub": "a Zaikio Hub", "Nexaas ID": "a Nexaas ID", "": "a "} {
		if got := withArticle(in); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", in, got, want)
		}
	}
}
