package main

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// apply finds the list operations (a GET taking the page or the checkpoint
// parameters and answering a JSON object with one array member) and
// describes their paging in x-idsdk-paging. A list that answers one of
// several shapes (a bare array, a page object, a checkpoint object) gets
// one object schema with the members of them all, and the variants that
// nothing else references go.
func (p *pagingSpec) apply(doc *yaml.Node, c *stepCounts) error {
	schemas := lookup(doc, "components", "schemas")
	refs := countRefs(doc)
	gone := map[string]bool{}
	err := operations(doc, func(path, method string, op *yaml.Node) error {
		if method != "get" {
			return nil
		}
		l, err := p.list(schemas, op)
		if l == nil || err != nil {
			if err != nil {
				err = fmt.Errorf("%s %s: %w", method, path, err)
			}
			return err
		}
		setKey(op, "x-idsdk-paging", l.ext)
		c.paged++
		if lookup(l.answer, "oneOf") == nil {
			return nil
		}
		if err := p.mergeVariants(schemas, op, l); err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		c.listsMerged++
		for _, v := range l.variants {
			if name := refName(v); name != "" && refs[name] == 1 && typeOf(schemas, v) == "object" {
				gone[name] = true
			}
		}
		return nil
	})
	for name := range gone {
		deleteKey(schemas, name)
	}
	c.variants = len(gone)
	return err
}

// listOp is what apply learns of one list operation.
type listOp struct {
	media    *yaml.Node // the JSON answer's media type
	answer   *yaml.Node // its schema, resolved
	variants []*yaml.Node
	props    [][2]*yaml.Node // the members of every object variant, first seen first
	ext      *yaml.Node      // x-idsdk-paging
}

// list returns the paging of op, or nil when op is not a list.
func (p *pagingSpec) list(schemas, op *yaml.Node) (*listOp, error) {
	query := map[string]*yaml.Node{}
	if params := lookup(op, "parameters"); params != nil {
		for _, q := range params.Content {
			if scalar(lookup(q, "in")) == "query" {
				query[scalar(lookup(q, "name"))] = q
			}
		}
	}
	hasPage := query[p.Page.Page] != nil && query[p.Page.PerPage] != nil
	hasCheckpoint := query[p.Checkpoint.From] != nil && query[p.Checkpoint.Take] != nil
	media := lookup(op, "responses", "200", "content", "application/json")
	if !hasPage && !hasCheckpoint || media == nil {
		return nil, nil
	}
	l := &listOp{media: media, answer: resolve(schemas, lookup(media, "schema"))}
	if v := lookup(l.answer, "oneOf"); v != nil {
		l.variants = v.Content
	} else {
		l.variants = []*yaml.Node{lookup(media, "schema")}
	}
	l.props = objectMembers(schemas, l.variants)
	if len(l.props) == 0 {
		return nil, nil // a bare array without paging members
	}
	var arrays []string
	has := map[string]bool{}
	for _, kv := range l.props {
		has[kv[0].Value] = true
		if typeOf(schemas, kv[1]) == "array" {
			arrays = append(arrays, kv[0].Value)
		}
	}
	if len(arrays) != 1 {
		return nil, fmt.Errorf("cannot tell the items member among %v", arrays)
	}
	switch {
	case hasCheckpoint && has[p.Checkpoint.Next]:
		l.ext = p.checkpointExt(arrays[0], pageSize(schemas, query[p.Checkpoint.Take], p.PageSize))
	case hasPage:
		l.ext = p.pageExt(arrays[0], pageSize(schemas, query[p.Page.PerPage], p.PageSize), has[p.Page.Total], query[p.Page.IncludeTotals] != nil)
	default:
		return nil, fmt.Errorf("no paging style fits")
	}
	return l, nil
}

// objectMembers returns the properties of the object variants, the first
// variant that declares a member giving its schema.
func objectMembers(schemas *yaml.Node, variants []*yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for _, v := range variants {
		r := resolve(schemas, v)
		props := lookup(r, "properties")
		if scalar(lookup(r, "type")) != "object" && props == nil {
			continue
		}
		for i := 0; props != nil && i+1 < len(props.Content); i += 2 {
			if k := props.Content[i]; !seen[k.Value] {
				seen[k.Value] = true
				out = append(out, [2]*yaml.Node{k, props.Content[i+1]})
			}
		}
	}
	return out
}

// pageSize is size, or the size parameter's maximum when that is less.
func pageSize(schemas, param *yaml.Node, size int) int {
	if m, err := strconv.ParseFloat(scalar(lookup(resolve(schemas, lookup(param, "schema")), "maximum")), 64); err == nil && int(m) < size {
		return int(m)
	}
	return size
}

func (p *pagingSpec) pageExt(items string, size int, total, includeTotals bool) *yaml.Node {
	ext := mapNode("style", strNode("page"), "items", strNode(items), "page-size", intNode(size),
		"page-param", strNode(p.Page.Page), "per-page-param", strNode(p.Page.PerPage), "first-page", intNode(p.Page.First))
	if total {
		setKey(ext, "total", strNode(p.Page.Total))
	}
	if includeTotals {
		setKey(ext, "include-totals-param", strNode(p.Page.IncludeTotals))
	}
	return ext
}

func (p *pagingSpec) checkpointExt(items string, size int) *yaml.Node {
	return mapNode("style", strNode("checkpoint"), "items", strNode(items), "page-size", intNode(size),
		"from-param", strNode(p.Checkpoint.From), "take-param", strNode(p.Checkpoint.Take), "next", strNode(p.Checkpoint.Next))
}

// mergeVariants replaces a list answer's union by one object with every
// member of its variants (counts as integers, no examples), named as the
// union was or List<group>ResponseContent when the answer was inline.
func (p *pagingSpec) mergeVariants(schemas, op *yaml.Node, l *listOp) error {
	props := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, kv := range l.props {
		v := withoutProse(cloneNode(kv[1]), false)
		if typeOf(schemas, kv[1]) == "number" && contains(p.IntegerCounts, kv[0].Value) {
			v = mapNode("type", strNode("integer"))
		}
		props.Content = append(props.Content, strNode(kv[0].Value), v)
	}
	name := refName(lookup(l.media, "schema"))
	if name == "" {
		name = "List" + groupName(lookup(op, "x-operation-group")) + "ResponseContent"
		if keyIndex(schemas, name) >= 0 {
			return fmt.Errorf("the merged answer's name %s is taken", name)
		}
		moveKey(l.media, "schema", refTo(name))
	}
	moveKey(schemas, name, mapNode("type", strNode("object"), "properties", props))
	return nil
}

// groupName is an x-operation-group (text or list) as one Go-style name.
func groupName(g *yaml.Node) string {
	parts := []*yaml.Node{g}
	if g != nil && g.Kind == yaml.SequenceNode {
		parts = g.Content
	}
	var b strings.Builder
	for _, p := range parts {
		if s := scalar(p); s != "" {
			b.WriteString(strings.ToUpper(s[:1]) + s[1:])
		}
	}
	return b.String()
}

// withoutProse drops prose keywords (description, title, example,
// examples, externalDocs) with scalar or list values, property names
// excepted.
func withoutProse(n *yaml.Node, inNames bool) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		out := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !inNames && v.Kind != yaml.MappingNode && contains([]string{"description", "title", "example", "examples", "externalDocs"}, k.Value) {
				continue
			}
			out = append(out, k, withoutProse(v, k.Value == "properties" && !inNames))
		}
		n.Content = out
	case yaml.SequenceNode:
		for _, c := range n.Content {
			withoutProse(c, false)
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// countRefs counts the references to each component schema.
func countRefs(doc *yaml.Node) map[string]int {
	refs := map[string]int{}
	eachMapping(doc, func(m *yaml.Node) {
		if name := refName(m); name != "" {
			refs[name]++
		}
	})
	return refs
}
