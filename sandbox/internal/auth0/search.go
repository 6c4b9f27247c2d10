// This file holds user search: the part of Auth0's Lucene query syntax
// tests use (field:value, "quoted" values, * wildcards, AND, OR, NOT,
// _exists_) and sorting.

package auth0

import (
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
)

// matcher reports whether a user matches a query.
type matcher func(obj) bool

// parseQuery compiles q; an empty q matches every user.
func parseQuery(q string) (matcher, error) {
	toks, err := tokens(q)
	if err != nil {
		return nil, err
	}
	var any []matcher // OR of ANDs
	var all []matcher
	neg := false
	for _, tok := range toks {
		switch tok {
		case "OR":
			any = append(any, and(all))
			all = nil
			continue
		case "AND":
			continue
		case "NOT":
			neg = true
			continue
		}
		if strings.HasPrefix(tok, "-") {
			neg, tok = true, tok[1:]
		}
		m := term(tok)
		if neg {
			inner := m
			m = func(u obj) bool { return !inner(u) }
			neg = false
		}
		all = append(all, m)
	}
	any = append(any, and(all))
	return func(u obj) bool {
		return slices.ContainsFunc(any, func(m matcher) bool { return m(u) })
	}, nil
}

func and(ms []matcher) matcher {
	return func(u obj) bool {
		for _, m := range ms {
			if !m(u) {
				return false
			}
		}
		return true
	}
}

// tokens splits q at spaces outside double quotes.
func tokens(q string) ([]string, error) {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		return nil, errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: unbalanced quotes in q")
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

// term compiles one field:value (or a bare value, matched against the
// email, name, nickname and username).
func term(tok string) matcher {
	field, value, ok := strings.Cut(tok, ":")
	if !ok {
		field, value = "", tok
	}
	quoted := len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"'
	if quoted {
		value = value[1 : len(value)-1]
	}
	value = strings.ToLower(value)
	if field == "_exists_" {
		return func(u obj) bool { return len(lookup(u, value)) > 0 }
	}
	fits := func(s string) bool {
		s = strings.ToLower(s)
		if quoted || !strings.Contains(value, "*") {
			return s == value
		}
		ok, _ := path.Match(value, s)
		return ok || wildcard(value, s)
	}
	fields := []string{field}
	if field == "" {
		fields = []string{"email", "name", "nickname", "username"}
	}
	return func(u obj) bool {
		for _, f := range fields {
			if slices.ContainsFunc(lookup(u, f), fits) {
				return true
			}
		}
		return false
	}
}

// wildcard matches * against any run of characters, slashes included
// (path.Match stops at them).
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

// lookup returns the string forms of a dotted member of u, walking
// into arrays (identities.connection).
func lookup(u obj, dotted string) []string {
	var vals []any = []any{u}
	for _, key := range strings.Split(dotted, ".") {
		var next []any
		for _, v := range vals {
			switch v := v.(type) {
			case obj:
				if x, ok := v[key]; ok && x != nil {
					next = append(next, x)
				}
			case []any:
				for _, e := range v {
					if m, ok := e.(obj); ok && m[key] != nil {
						next = append(next, m[key])
					}
				}
			}
		}
		vals = next
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if list, ok := v.([]any); ok {
			for _, e := range list {
				out = append(out, fmt.Sprint(e))
			}
			continue
		}
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// sortUsers orders users by "field:1" (ascending) or "field:-1".
func sortUsers(users []obj, sort string) error {
	if sort == "" {
		return nil
	}
	field, dir, _ := strings.Cut(sort, ":")
	if dir != "1" && dir != "-1" {
		return errorf(http.StatusBadRequest, "invalid_query_string", "Query validation error: 'sort' must be field:1 or field:-1")
	}
	slices.SortStableFunc(users, func(a, b obj) int {
		c := strings.Compare(fmt.Sprint(a[field]), fmt.Sprint(b[field]))
		if dir == "-1" {
			return -c
		}
		return c
	})
	return nil
}
