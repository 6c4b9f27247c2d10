package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// importCmd implements `gen import <api> -from <file|URL>`: it keeps the
// contract of an upstream OpenAPI document, runs the generic steps of
// api/<api>/import.yaml, applies api/<api>/overlay.yaml and the facts, and
// writes api/<api>/openapi.yaml and source.yaml.
func importCmd(root string, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return errors.New("usage: gen import <api> -from <file|URL> [-source-url URL]")
	}
	api := args[0]
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "the upstream document: a file or an http(s) URL")
	sourceURL := fs.String("source-url", "", "where the document is published (default: -from when it is a URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("import: -from is required")
	}
	upstream, err := readSource(*from)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "api", api)
	var ov []byte
	if b, err := os.ReadFile(filepath.Join(dir, "overlay.yaml")); err == nil {
		ov = b
	} else if !os.IsNotExist(err) {
		return err
	}
	spec, err := readImportSpec(dir)
	if err != nil {
		return fmt.Errorf("import %s: %w", api, err)
	}
	doc, info, err := importDocument(upstream, ov, spec)
	if err != nil {
		return fmt.Errorf("import %s: %w", api, err)
	}
	src := *sourceURL
	if src == "" {
		if isURL(*from) {
			src = *from
		} else {
			src = "file:" + filepath.Base(*from)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "openapi.yaml"), doc, 0o644); err != nil {
		return err
	}
	if err := writeSource(dir, api, src, info.version, upstream, ov); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s %s: %d operations, %d bytes -> %d bytes (%d prose fields, %d form bodies dropped)\n",
		api, info.version, info.operations, len(upstream), len(doc), info.dropped, info.formBodies)
	if spec != nil {
		fmt.Fprintf(stdout, "  steps: %s\n", info.steps)
	}
	return nil
}

// writeSource writes dir/source.yaml: where the upstream document came
// from and the sums of it and of the overlay.
func writeSource(dir, api, url, version string, upstream, ov []byte) error {
	sum := sha256.Sum256(upstream)
	source := sourceFile{
		URL:      url,
		Version:  version,
		SHA256:   hex.EncodeToString(sum[:]),
		Imported: time.Now().UTC().Format("2006-01-02"),
	}
	if ov != nil {
		osum := sha256.Sum256(ov)
		source.OverlaySHA256 = hex.EncodeToString(osum[:])
	}
	sb, err := yaml.Marshal(source)
	if err != nil {
		return err
	}
	sb = append([]byte("# Where api/"+api+"/openapi.yaml was imported from (go run ./cmd/gen import).\n"), sb...)
	return os.WriteFile(filepath.Join(dir, "source.yaml"), sb, 0o644)
}

// sourceFile is api/<api>/source.yaml.
type sourceFile struct {
	URL           string `yaml:"url"`
	Version       string `yaml:"version"`
	SHA256        string `yaml:"sha256"`
	Imported      string `yaml:"imported"`
	OverlaySHA256 string `yaml:"overlay_sha256,omitempty"`
}

func isURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

func readSource(from string) ([]byte, error) {
	if !isURL(from) {
		return os.ReadFile(from)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, from, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", from, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 256<<20))
}

type importInfo struct {
	version    string
	operations int
	dropped    int
	formBodies int
	steps      stepCounts
}

// importDocument turns an upstream document (YAML or JSON) into the
// committed form: the generic steps spec names (it may be nil) and the
// overlay applied, vendor prose dropped, duplicate form bodies dropped,
// block-style YAML.
func importDocument(upstream, overlayYAML []byte, spec *importSpec) ([]byte, importInfo, error) {
	var info importInfo
	var root yaml.Node
	if err := yaml.Unmarshal(upstream, &root); err != nil {
		return nil, info, fmt.Errorf("parsing the upstream document: %w", err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) != 1 || root.Content[0].Kind != yaml.MappingNode {
		return nil, info, errors.New("the upstream document is not a mapping")
	}
	doc := root.Content[0]
	if spec != nil {
		if err := spec.beforeOverlay(doc, &info.steps); err != nil {
			return nil, info, err
		}
	}
	if len(overlayYAML) > 0 {
		ov, err := overlay.ParseReader(bytes.NewReader(overlayYAML))
		if err != nil {
			return nil, info, fmt.Errorf("overlay.yaml: %w", err)
		}
		if err := applyOverlay(&root, ov, "overlay.yaml"); err != nil {
			return nil, info, err
		}
	}
	if spec != nil && spec.Facts != "" {
		ov, err := factsOverlay(spec.facts)
		if err != nil {
			return nil, info, fmt.Errorf("%s: %w", spec.Facts, err)
		}
		if err := applyOverlay(&root, ov, spec.Facts); err != nil {
			return nil, info, err
		}
	}
	s := &stripper{}
	s.object(doc, "root")
	info.dropped = s.dropped
	info.formBodies = dropFormBodies(doc, &info.operations)
	if spec != nil && spec.MergeIdenticalSchemas {
		info.steps.merged = mergeIdenticalSchemas(doc)
	}
	if v := lookup(doc, "info", "version"); v != nil {
		info.version = v.Value
	}
	plain(&root)
	var buf bytes.Buffer
	buf.WriteString("# Imported by `go run ./cmd/gen import`; see source.yaml. The contract of the\n")
	buf.WriteString("# upstream document with overlay.yaml applied and its prose left out.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, info, err
	}
	if err := enc.Close(); err != nil {
		return nil, info, err
	}
	return buf.Bytes(), info, nil
}

// applyOverlay applies ov to root, failing on an action that selects nothing.
func applyOverlay(root *yaml.Node, ov *overlay.Overlay, name string) error {
	if err := ov.Validate(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	warnings, err := ov.ApplyToStrict(root)
	if err != nil {
		return fmt.Errorf("applying %s: %w", name, err)
	}
	if len(warnings) > 0 {
		return fmt.Errorf("%s: %s", name, strings.Join(warnings, "; "))
	}
	return nil
}

// nameMaps are the keys whose values map names (not keywords) to objects.
var nameMaps = map[string]bool{
	"properties": true, "patternProperties": true, "paths": true, "schemas": true,
	"responses": true, "requestBodies": true, "headers": true, "securitySchemes": true,
	"links": true, "callbacks": true, "content": true, "encoding": true, "variables": true,
	"definitions": true, "$defs": true, "dependentSchemas": true, "webhooks": true,
	"pathItems": true,
}

// keptExtensions are the x- keys that carry contract or generator hints.
var keptExtensionPrefixes = []string{"x-operation-group", "x-operation-name", "x-idsdk-", "x-go-", "x-oapi-codegen-", "x-omitempty", "x-enum-varnames", "x-order"}

// stripper drops vendor prose from a document tree.
type stripper struct{ dropped int }

// object walks a mapping whose keys are OpenAPI/JSON Schema keywords.
// where names the parent key, for the rules that depend on it.
func (s *stripper) object(n *yaml.Node, where string) {
	if n.Kind != yaml.MappingNode {
		return
	}
	out := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "description" && where == "in:responses" {
			// A Response object must have a description: keep it empty.
			if v.Value != "" {
				s.dropped++
			}
			n.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""}
			out = append(out, k, n.Content[i+1])
			continue
		}
		if s.drop(k.Value, v, where) {
			s.dropped++
			continue
		}
		switch {
		case k.Value == "parameters" && where == "components":
			s.names(v, k.Value)
		case k.Value == "examples" && where == "components":
			s.dropped++
			continue
		case k.Value == "scopes" && v.Kind == yaml.MappingNode:
			// Scope names stay; what they mean is prose.
			for j := 1; j < len(v.Content); j += 2 {
				v.Content[j] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ""}
			}
		case k.Value == "mapping" || k.Value == "enum" || k.Value == "required" || k.Value == "default" || k.Value == "const" || k.Value == "example":
			// values, not keywords
		case nameMaps[k.Value] && v.Kind == yaml.MappingNode:
			s.names(v, k.Value)
		case v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				s.object(item, k.Value)
			}
		default:
			s.object(v, k.Value)
		}
		out = append(out, k, v)
	}
	n.Content = out
}

// names walks a mapping whose keys are names and whose values are objects
// of the kind the map's key (kind) holds.
func (s *stripper) names(n *yaml.Node, kind string) {
	for i := 1; i < len(n.Content); i += 2 {
		s.object(n.Content[i], "in:"+kind)
	}
}

// drop reports whether key (with value v, under parent key where) is prose.
func (s *stripper) drop(key string, v *yaml.Node, where string) bool {
	switch key {
	case "description", "externalDocs", "termsOfService", "contact", "license", "x-logo", "examples":
		return true
	case "title":
		return where != "info"
	case "summary":
		// Short operation titles stay; other summaries go.
		return !(v.Kind == yaml.ScalarNode && len(v.Value) <= 100 && isMethod(where))
	case "example":
		return !(v.Kind == yaml.ScalarNode && len(v.Value) <= 80)
	case "tags":
		if where == "root" && v.Kind == yaml.SequenceNode {
			for _, t := range v.Content {
				s.object(t, "tag")
			}
		}
		return false
	}
	if strings.HasPrefix(key, "x-") {
		for _, p := range keptExtensionPrefixes {
			if strings.HasPrefix(key, p) {
				return false
			}
		}
		return true
	}
	return false
}

func isMethod(s string) bool {
	switch s {
	case "get", "put", "post", "delete", "options", "head", "patch", "trace":
		return true
	}
	return false
}

// dropFormBodies removes application/x-www-form-urlencoded request bodies
// from operations that also take JSON, and counts operations.
func dropFormBodies(doc *yaml.Node, ops *int) int {
	paths := lookup(doc, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return 0
	}
	dropped := 0
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if !isMethod(item.Content[j].Value) {
				continue
			}
			*ops++
			content := lookup(item.Content[j+1], "requestBody", "content")
			if content == nil || content.Kind != yaml.MappingNode {
				continue
			}
			hasJSON := false
			for k := 0; k < len(content.Content); k += 2 {
				ct := strings.ToLower(content.Content[k].Value)
				if ct == "application/json" || strings.HasSuffix(ct, "+json") {
					hasJSON = true
				}
			}
			if !hasJSON {
				continue
			}
			out := content.Content[:0]
			for k := 0; k+1 < len(content.Content); k += 2 {
				if strings.EqualFold(content.Content[k].Value, "application/x-www-form-urlencoded") {
					dropped++
					continue
				}
				out = append(out, content.Content[k], content.Content[k+1])
			}
			content.Content = out
		}
	}
	return dropped
}

// lookup follows keys through nested mappings.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, key := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

// plain resets styles (JSON input is all flow style and quoted) so the
// document is written as block YAML, and drops comments.
func plain(n *yaml.Node) {
	n.Style = 0
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		plain(c)
	}
}
