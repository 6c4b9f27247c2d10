package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestImportReproducesCommitted re-imports each API's upstream document
// from the copies in $IDSDK_REFERENCE or ../shared/reference beside the
// module (found by the sha256 its source.yaml records) and checks that the import writes the
// committed openapi.yaml byte for byte, and the same source.yaml but for
// the date.
func TestImportReproducesCommitted(t *testing.T) {
	refDir := os.Getenv("IDSDK_REFERENCE")
	if refDir == "" {
		refDir = filepath.Join(repoRoot, "..", "shared", "reference")
	}
	if _, err := os.Stat(refDir); err != nil {
		t.Skipf("no upstream documents at %s (the shared reference copies sit beside the module in CI): %v", refDir, err)
	}
	bySum := hashFiles(t, refDir)
	sources, err := filepath.Glob(filepath.Join(repoRoot, "api", "*", "source.yaml"))
	if err != nil || len(sources) == 0 {
		t.Fatalf("no api/*/source.yaml: %v", err)
	}
	for _, src := range sources {
		api := filepath.Base(filepath.Dir(src))
		t.Run(api, func(t *testing.T) {
			var source sourceFile
			committed, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(committed, &source); err != nil {
				t.Fatal(err)
			}
			upstream := bySum[source.SHA256]
			if upstream == "" {
				t.Skipf("no copy of %s (sha256 %s) in %s", source.URL, source.SHA256, refDir)
			}
			root := copyAPI(t, api)
			if err := gen(t, "-root", root, "import", api, "-from", upstream, "-source-url", source.URL); err != nil {
				t.Fatal(err)
			}
			sameFile(t, filepath.Join(root, "api", api, "openapi.yaml"), filepath.Join(repoRoot, "api", api, "openapi.yaml"))
			got, _ := os.ReadFile(filepath.Join(root, "api", api, "source.yaml"))
			if withoutDate(got) != withoutDate(committed) {
				t.Errorf("api/%s/source.yaml is not what the import writes:\n%s", api, got)
			}
		})
	}
}

// hashFiles maps the sha256 of every file under dir to its path.
func hashFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[hex.EncodeToString(sum[:])] = path
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFile fails the test, naming the first line that differs, unless the
// two files are equal.
func sameFile(t *testing.T, got, want string) {
	t.Helper()
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(g, w) {
		return
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Fatalf("%s differs from the import at line %d:\n  import:    %q\n  committed: %q", want, i+1, gl[i], wl[i])
		}
	}
	t.Fatalf("%s differs from the import in length: %d lines imported, %d committed", want, len(gl), len(wl))
}

func withoutDate(b []byte) string {
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "imported:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// stepsDoc has one case of each generic import step.
const stepsDoc = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
 "paths": {
  "/things": {"get": {"x-operation-group": ["things", "all"], "parameters": [
     {"name": "page", "in": "query", "schema": {"type": "integer"}},
     {"name": "per_page", "in": "query", "schema": {"type": "integer", "maximum": 20}},
     {"name": "from", "in": "query", "schema": {"type": "string"}},
     {"name": "take", "in": "query", "schema": {"type": "integer"}}],
   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"oneOf": [
     {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
     {"$ref": "#/components/schemas/ThingPage"},
     {"$ref": "#/components/schemas/ThingCheckpoint"}]}}}}}}}},
 "components": {"schemas": {
  "Thing": {"type": "object", "additionalProperties": true, "required": ["id", "secret", "owner"],
   "properties": {"id": {"type": "string", "default": "abc"}, "mail": {"type": "string", "format": "email"},
    "kind": {"type": "string", "enum": ["a", "b"], "default": "b"}, "n": {"type": "integer", "default": 7}}},
  "ThingPage": {"type": "object", "properties": {"total": {"type": "number", "example": 3},
   "things": {"type": "array", "description": "The things.", "items": {"$ref": "#/components/schemas/Thing"}}}},
  "ThingCheckpoint": {"type": "object", "properties": {"next": {"type": "string"},
   "things": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
  "Open": {"type": "object", "additionalProperties": true, "properties": {"a": {"type": "string"}}},
  "Shut": {"type": "object", "additionalProperties": true, "properties": {"b": {"type": "string"}}},
  "Pet": {"type": "object", "properties": {"name": {"type": "string", "description": "one"}}},
  "CreatePetResponseContent": {"type": "object", "properties": {"name": {"type": "string", "description": "two"}}},
  "Owner": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/CreatePetResponseContent"}}},
  "AnOwner": {"type": "object", "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
  "Either": {"oneOf": [{"$ref": "#/components/schemas/Pet"}, {"$ref": "#/components/schemas/Owner"},
   {"$ref": "#/components/schemas/Pet"}]}}}}`

const stepsSpec = `
union-duplicates: true
drop-formats: [email]
example-defaults: true
close-objects: {keep-open: ^Open$}
paging:
  page-size: 50
  page: {page: page, per-page: per_page, first: 0, total: total}
  checkpoint: {from: from, take: take, next: next}
  integer-counts: [total]
undeclared-required: {declare: {owner: {type: string}}}
group-separator: "."
merge-identical-schemas: true
`

const stepsFacts = `
- why: things carry their color
  schemas: [Thing]
  properties: {color: {type: string}}
- why: the list takes a filter
  operation: get /things
  parameters: [{name: q, in: query, schema: {type: string}}]
`

// TestImportSteps runs every generic step on a small document and checks
// the document each leaves behind.
func TestImportSteps(t *testing.T) {
	spec, err := parseImportSpec([]byte(stepsSpec))
	if err != nil {
		t.Fatal(err)
	}
	spec.Facts, spec.facts = "facts.yaml", []byte(stepsFacts)
	out, info, err := importDocument([]byte(stepsDoc), nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]map[string]any
		Components struct{ Schemas map[string]map[string]any }
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Components.Schemas
	get := doc.Paths["/things"]["get"]
	checks := []struct {
		what      string
		got, want any
	}{
		{"union without its repeated variant", len(s["Either"]["oneOf"].([]any)), 2},
		{"format email dropped", s["Thing"]["properties"].(map[string]any)["mail"], map[string]any{"type": "string"}},
		{"example default dropped", s["Thing"]["properties"].(map[string]any)["id"], map[string]any{"type": "string"}},
		{"enum default kept", s["Thing"]["properties"].(map[string]any)["kind"].(map[string]any)["default"], "b"},
		{"number default kept", s["Thing"]["properties"].(map[string]any)["n"].(map[string]any)["default"], 7},
		{"Shut closed", s["Shut"]["additionalProperties"], nil},
		{"Thing, which requires members it lacks, kept open", s["Thing"]["additionalProperties"], true},
		{"Open kept open", s["Open"]["additionalProperties"], true},
		{"owner declared, secret no longer required", s["Thing"]["required"], []any{"id", "owner"}},
		{"facts: color", s["Thing"]["properties"].(map[string]any)["color"], map[string]any{"type": "string"}},
		{"facts: q", len(get["parameters"].([]any)), 5},
		{"group joined", get["x-operation-group"], "things.all"},
		{"checkpoint paging", get["x-idsdk-paging"], map[string]any{"style": "checkpoint", "items": "things", "page-size": 50,
			"from-param": "from", "take-param": "take", "next": "next"}},
		{"answer named", get["responses"].(map[string]any)["200"].(map[string]any)["content"], map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ListThingsAllResponseContent"}}}},
		{"variants merged", s["ListThingsAllResponseContent"], map[string]any{"type": "object", "properties": map[string]any{
			"total":  map[string]any{"type": "integer"},
			"things": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/Thing"}},
			"next":   map[string]any{"type": "string"}}}},
		{"variants gone", s["ThingPage"] == nil && s["ThingCheckpoint"] == nil, true},
		{"identical schemas merged", s["CreatePetResponseContent"], map[string]any{"$ref": "#/components/schemas/Pet"}},
		{"then what refers to them", s["AnOwner"], map[string]any{"$ref": "#/components/schemas/Owner"}},
	}
	for _, c := range checks {
		if !equalYAML(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.what, c.got, c.want)
		}
	}
	if info.steps.merged != 2 || info.steps.variants != 2 {
		t.Errorf("counts: %v", info.steps)
	}
	if t.Failed() {
		t.Logf("imported:\n%s", out)
	}
}

func equalYAML(a, b any) bool {
	x, _ := yaml.Marshal(a)
	y, _ := yaml.Marshal(b)
	return bytes.Equal(x, y)
}
