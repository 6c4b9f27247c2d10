package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/speakeasy-api/openapi/overlay"
	"gopkg.in/yaml.v3"
)

// importSpec is api/<api>/import.yaml: which of the import's generic steps
// run on an upstream document, with their settings. A step runs only when
// the file names it. The steps run in a fixed order:
//
//  1. before overlay.yaml, on the upstream document: union-duplicates,
//     drop-formats, example-defaults, close-objects, paging,
//     undeclared-required, group-separator;
//  2. overlay.yaml, then the facts file;
//  3. after the prose and the duplicate form bodies are dropped:
//     merge-identical-schemas.
type importSpec struct {
	// UnionDuplicates keeps one of the variants of a oneOf or anyOf that
	// lists the same schema twice (a generated union would have two
	// methods of one name).
	UnionDuplicates bool `yaml:"union-duplicates"`
	// DropFormats removes `format` where it names one of these formats.
	DropFormats []string `yaml:"drop-formats"`
	// ExampleDefaults drops the string defaults that are examples, not
	// what the server assumes: every string `default` of a schema but one
	// of the schema's own enum values.
	ExampleDefaults bool `yaml:"example-defaults"`
	// CloseObjects drops `additionalProperties: true` beside declared
	// properties in the component schemas.
	CloseObjects *closeSpec `yaml:"close-objects"`
	// Paging describes list operations (x-idsdk-paging) and merges the
	// variants of a list answer into one object.
	Paging *pagingSpec `yaml:"paging"`
	// UndeclaredRequired fixes component schemas that require properties
	// they do not declare.
	UndeclaredRequired *requiredSpec `yaml:"undeclared-required"`
	// GroupSeparator joins an x-operation-group given as a list into one
	// dotted service path.
	GroupSeparator string `yaml:"group-separator"`
	// Facts names a file beside import.yaml of what the real service sends
	// and accepts beyond its document (see factEntry).
	Facts string `yaml:"facts"`
	// MergeIdenticalSchemas makes the component schemas that are equal once
	// the prose is dropped references to one of them.
	MergeIdenticalSchemas bool `yaml:"merge-identical-schemas"`

	keepOpen *regexp.Regexp
	facts    []byte
}

// closeSpec configures close-objects.
type closeSpec struct {
	// KeepOpen matches the names of the schemas that stay open (records
	// that really carry members their document cannot name).
	KeepOpen string `yaml:"keep-open"`
}

// requiredSpec configures undeclared-required: a required name listed in
// Declare becomes a property of that schema; any other is no longer
// required.
type requiredSpec struct {
	Declare map[string]yaml.Node `yaml:"declare"`
}

// pagingSpec configures paging: the parameters that tell a list operation
// and its style, and the x-idsdk-paging each style gets.
type pagingSpec struct {
	// PageSize is the page size, unless the size parameter's maximum is less.
	PageSize   int             `yaml:"page-size"`
	Page       pageStyle       `yaml:"page"`
	Checkpoint checkpointStyle `yaml:"checkpoint"`
	// IntegerCounts are the members of a merged list answer that become
	// integers where the document says number.
	IntegerCounts []string `yaml:"integer-counts"`
}

// pageStyle names the parameters and members of page/per_page paging.
type pageStyle struct {
	Page          string `yaml:"page"`
	PerPage       string `yaml:"per-page"`
	First         int    `yaml:"first"`
	Total         string `yaml:"total"`
	IncludeTotals string `yaml:"include-totals"`
}

// checkpointStyle names the parameters and members of from/take paging.
type checkpointStyle struct {
	From string `yaml:"from"`
	Take string `yaml:"take"`
	Next string `yaml:"next"`
}

// factEntry is one entry of a facts file: one behaviour of the real
// service, why it is there, and what it adds to the document.
type factEntry struct {
	Why string `yaml:"why"`
	// Schemas get Properties added (or merged into theirs).
	Schemas    []string  `yaml:"schemas"`
	Properties yaml.Node `yaml:"properties"`
	// Operation ("get /path") gets Parameters added.
	Operation  string    `yaml:"operation"`
	Parameters yaml.Node `yaml:"parameters"`
	// Actions are plain overlay actions.
	Actions []overlay.Action `yaml:"actions"`
}

// readImportSpec reads dir/import.yaml and the facts file it names; with no
// import.yaml it returns nil (no generic steps).
func readImportSpec(dir string) (*importSpec, error) {
	b, err := os.ReadFile(filepath.Join(dir, "import.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sp, err := parseImportSpec(b)
	if err != nil {
		return nil, fmt.Errorf("import.yaml: %w", err)
	}
	if sp.Facts != "" {
		if sp.facts, err = os.ReadFile(filepath.Join(dir, sp.Facts)); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

func parseImportSpec(b []byte) (*importSpec, error) {
	var sp importSpec
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&sp); err != nil {
		return nil, err
	}
	if sp.CloseObjects != nil && sp.CloseObjects.KeepOpen != "" {
		re, err := regexp.Compile(sp.CloseObjects.KeepOpen)
		if err != nil {
			return nil, fmt.Errorf("close-objects.keep-open: %w", err)
		}
		sp.keepOpen = re
	}
	if p := sp.Paging; p != nil && p.PageSize <= 0 {
		return nil, errors.New("paging.page-size must be positive")
	}
	return &sp, nil
}

// factsOverlay turns a facts file into overlay actions, each described by
// its entry's why.
func factsOverlay(b []byte) (*overlay.Overlay, error) {
	var entries []factEntry
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		return nil, err
	}
	ov := &overlay.Overlay{Version: "1.0.0", JSONPathVersion: overlay.JSONPathRFC9535,
		Info: overlay.Info{Title: "facts", Version: "1"}}
	for i, e := range entries {
		if e.Why == "" {
			return nil, fmt.Errorf("entry %d has no why", i+1)
		}
		for _, s := range e.Schemas {
			ov.Actions = append(ov.Actions, overlay.Action{Target: fmt.Sprintf("$.components.schemas['%s'].properties", s),
				Description: e.Why, Update: e.Properties})
		}
		if e.Operation != "" {
			method, path, ok := splitOperation(e.Operation)
			if !ok {
				return nil, fmt.Errorf("entry %d: operation %q is not \"<method> <path>\"", i+1, e.Operation)
			}
			ov.Actions = append(ov.Actions, overlay.Action{Target: fmt.Sprintf("$.paths['%s'].%s.parameters", path, method),
				Description: e.Why, Update: e.Parameters})
		}
		for _, a := range e.Actions {
			a.Description = e.Why
			ov.Actions = append(ov.Actions, a)
		}
	}
	return ov, nil
}

func splitOperation(s string) (method, path string, ok bool) {
	method, path, ok = strings.Cut(s, " ")
	return method, path, ok && isMethod(method) && strings.HasPrefix(path, "/")
}
