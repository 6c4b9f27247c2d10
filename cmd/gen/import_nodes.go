package main

import (
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The import steps work on the document as a yaml.Node tree, so that the
// committed document keeps the upstream's order of keys. These are their
// small tools.

// keyIndex returns the index in n.Content of the key named key, or -1.
func keyIndex(n *yaml.Node, key string) int {
	if n == nil || n.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// deleteKey removes key from the mapping n and reports whether it was there.
func deleteKey(n *yaml.Node, key string) bool {
	i := keyIndex(n, key)
	if i < 0 {
		return false
	}
	n.Content = append(n.Content[:i], n.Content[i+2:]...)
	return true
}

// setKey sets key in the mapping n: in place when it is there, else at the end.
func setKey(n *yaml.Node, key string, v *yaml.Node) {
	if i := keyIndex(n, key); i >= 0 {
		n.Content[i+1] = v
		return
	}
	n.Content = append(n.Content, strNode(key), v)
}

// moveKey sets key in the mapping n at its end, wherever it was before.
func moveKey(n *yaml.Node, key string, v *yaml.Node) {
	deleteKey(n, key)
	n.Content = append(n.Content, strNode(key), v)
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func intNode(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

// mapNode builds a mapping from key, value pairs.
func mapNode(pairs ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(pairs); i += 2 {
		m.Content = append(m.Content, strNode(pairs[i].(string)), pairs[i+1].(*yaml.Node))
	}
	return m
}

// scalar returns the value of n when it is a scalar, else "".
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// cloneNode copies a tree (aliases are followed).
func cloneNode(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return cloneNode(n.Alias)
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneNode(k)
	}
	return &c
}

// eachMapping calls fn for every mapping in the tree under n, parents first.
func eachMapping(n *yaml.Node, fn func(*yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		fn(n)
	}
	for _, c := range n.Content {
		eachMapping(c, fn)
	}
}

const schemaRefPrefix = "#/components/schemas/"

// refName returns the last segment of n's $ref, or "" without one.
func refName(n *yaml.Node) string { return refBase(scalar(lookup(n, "$ref"))) }

// refBase returns the last segment of a $ref ("#/components/schemas/User"
// gives "User"), or "" for an empty ref.
func refBase(ref string) string {
	if ref == "" {
		return ""
	}
	return ref[strings.LastIndex(ref, "/")+1:]
}

func refTo(name string) *yaml.Node { return mapNode("$ref", strNode(schemaRefPrefix+name)) }

// resolve follows $refs into schemas until it reaches a schema that is not
// a reference (or one that is missing, returned as nil).
func resolve(schemas, n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 64; i++ {
		name := refName(n)
		if name == "" {
			return n
		}
		n = lookup(schemas, name)
	}
	return n
}

// typeOf returns the schema's type when it names one.
func typeOf(schemas, n *yaml.Node) string { return scalar(lookup(resolve(schemas, n), "type")) }

// operations calls fn for every operation of the document, in order.
func operations(doc *yaml.Node, fn func(path, method string, op *yaml.Node) error) error {
	paths := lookup(doc, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if m := item.Content[j].Value; isMethod(m) && item.Content[j+1].Kind == yaml.MappingNode {
				if err := fn(paths.Content[i].Value, m, item.Content[j+1]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// canonical writes n as text that is equal for equal trees whatever their
// order of keys; rename maps each $ref to the text it is compared by.
func canonical(b *strings.Builder, n *yaml.Node, rename func(ref string) string) {
	switch n.Kind {
	case yaml.MappingNode:
		idx := make([]int, 0, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			idx = append(idx, i)
		}
		sort.SliceStable(idx, func(a, c int) bool { return n.Content[idx[a]].Value < n.Content[idx[c]].Value })
		b.WriteByte('{')
		for _, i := range idx {
			k, v := n.Content[i], n.Content[i+1]
			b.WriteString(strconv.Quote(k.Value))
			b.WriteByte(':')
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
				b.WriteString(strconv.Quote(rename(v.Value)))
			} else {
				canonical(b, v, rename)
			}
			b.WriteByte(',')
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for _, c := range n.Content {
			canonical(b, c, rename)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case yaml.AliasNode:
		canonical(b, n.Alias, rename)
	default:
		b.WriteString(n.ShortTag())
		b.WriteString(strconv.Quote(n.Value))
	}
}

func canonicalText(n *yaml.Node, rename func(string) string) string {
	var b strings.Builder
	canonical(&b, n, rename)
	return b.String()
}
