package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// compareRequest lists how the request sent differs from the recorded
// one: method, path (segment by segment, unescaped), query (a multiset of
// key/values) and body (JSON ignoring key order; a form and a JSON body
// with the same members are equal).
func compareRequest(in *Interaction, got *sent) []string {
	var d []string
	if got.method != in.Method {
		d = append(d, "method "+got.method+", recorded "+in.Method)
	}
	if !samePath(got.path, in.Path) {
		d = append(d, "path "+got.path+", recorded "+in.Path)
	}
	d = append(d, compareQuery(in.Query, got.query)...)
	return append(d, compareBody(in, got)...)
}

func samePath(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		if unescape(as[i]) != unescape(bs[i]) {
			return false
		}
	}
	return true
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

func compareQuery(recorded, sentQuery string) []string {
	rq, _ := url.ParseQuery(recorded)
	sq, _ := url.ParseQuery(sentQuery)
	var d []string
	for _, k := range sortedKeys(rq, sq) {
		r, s := slices.Sorted(slices.Values(rq[k])), slices.Sorted(slices.Values(sq[k]))
		if slices.Equal(r, s) {
			continue
		}
		switch {
		case len(s) == 0:
			d = append(d, fmt.Sprintf("query %s=%q not sent", k, r))
		case len(r) == 0:
			d = append(d, fmt.Sprintf("query %s=%q sent, not recorded", k, s))
		default:
			d = append(d, fmt.Sprintf("query %s=%q, recorded %q", k, s, r))
		}
	}
	return d
}

func sortedKeys(ms ...url.Values) []string {
	set := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			set[k] = true
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func compareBody(in *Interaction, got *sent) []string {
	if in.Method == "GET" || in.Method == "HEAD" {
		// A body on GET has no defined meaning (RFC 9110, 9.3.1); some
		// recording clients send one anyway.
		return nil
	}
	if isMultipart(in.ReqType) || isMultipart(got.contentType) {
		if !bytes.Equal([]byte(in.ReqBody), got.body) {
			return []string{"multipart body differs"}
		}
		return nil
	}
	rec, rForm, err := parseBody(in.ReqType, []byte(in.ReqBody))
	if err != nil {
		return []string{"recorded body: " + err.Error()}
	}
	snt, sForm, err := parseBody(got.contentType, got.body)
	if err != nil {
		return []string{"sent body: " + err.Error()}
	}
	if rForm != sForm {
		rec, snt = stringify(rec), stringify(snt)
	}
	var d []string
	walk("body", rec, snt, true, &d)
	return d
}

func isMultipart(ct string) bool { return strings.HasPrefix(strings.ToLower(ct), "multipart/") }

// parseBody reads a body as generic JSON (numbers kept as text) or as a
// form (an object of strings, a list for a repeated key). An absent body,
// "null" and "{}" all read as nil.
func parseBody(ct string, b []byte) (any, bool, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" || string(b) == "{}" {
		return nil, false, nil
	}
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, true, err
		}
		obj := map[string]any{}
		for k, v := range form {
			if len(v) == 1 {
				obj[k] = v[0]
				continue
			}
			list := make([]any, len(v))
			for i := range v {
				list[i] = v[i]
			}
			obj[k] = list
		}
		return obj, true, nil
	}
	v, err := decodeGeneric(b)
	return v, false, err
}

func decodeGeneric(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// stringify turns the scalars of a JSON value into the text a form
// carries, so a form and a JSON body compare member by member.
func stringify(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = stringify(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stringify(e)
		}
		return out
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return v
}

// Lost lists the members of the recorded JSON answer that the encoded
// value loses or changes. A recorded null may be absent; members the
// encoding adds are not counted. A recorded array that the client wraps
// in an object (a list answer) is compared with that object's list.
func Lost(recorded, encoded []byte) []string {
	rec, err := decodeGeneric(recorded)
	if err != nil {
		return nil // not JSON: nothing to keep
	}
	enc, err := decodeGeneric(encoded)
	if err != nil {
		return []string{"encoded value is not JSON: " + err.Error()}
	}
	if _, isList := rec.([]any); isList {
		if obj, ok := enc.(map[string]any); ok {
			var best []string
			found := false
			for _, v := range obj {
				if _, ok := v.([]any); !ok {
					continue
				}
				var d []string
				walk("", rec, v, false, &d)
				if !found || len(d) < len(best) {
					best, found = d, true
				}
			}
			if found {
				return best
			}
		}
	}
	var d []string
	walk("", rec, enc, false, &d)
	return d
}

// maxDiffs bounds the differences listed for one value.
const maxDiffs = 20

// walk compares want (recorded) with got. strict: members got adds are
// differences too and null is not absent (requests); otherwise only what
// want holds is checked (answers).
func walk(path string, want, got any, strict bool, d *[]string) {
	if len(*d) >= maxDiffs {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*d = append(*d, fmt.Sprintf("%s: object became %s", orRoot(path), brief(got)))
			return
		}
		for _, k := range sortedMapKeys(w) {
			gv, present := g[k]
			if !present {
				if w[k] == nil && !strict {
					continue
				}
				*d = append(*d, fmt.Sprintf("%s: lost", join(path, k)))
				continue
			}
			walk(join(path, k), w[k], gv, strict, d)
		}
		if strict {
			for _, k := range sortedMapKeys(g) {
				if _, ok := w[k]; !ok {
					*d = append(*d, fmt.Sprintf("%s: sent, not recorded (%s)", join(path, k), brief(g[k])))
				}
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*d = append(*d, fmt.Sprintf("%s: array became %s", orRoot(path), brief(got)))
			return
		}
		if len(g) != len(w) {
			*d = append(*d, fmt.Sprintf("%s: %d items became %d", orRoot(path), len(w), len(g)))
			return
		}
		for i := range w {
			walk(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], strict, d)
		}
	default:
		if !sameScalar(want, got) {
			*d = append(*d, fmt.Sprintf("%s: %s became %s", orRoot(path), brief(want), brief(got)))
		}
	}
}

// sameScalar compares two JSON scalars: numbers by their decimal text or
// their float64 value, strings holding times by the instant.
func sameScalar(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		fx, err1 := strconv.ParseFloat(string(x), 64)
		fy, err2 := strconv.ParseFloat(string(y), 64)
		return err1 == nil && err2 == nil && fx == fy
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		tx, err1 := time.Parse(time.RFC3339Nano, x)
		ty, err2 := time.Parse(time.RFC3339Nano, y)
		return err1 == nil && err2 == nil && tx.Equal(ty)
	}
	return a == b
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(path string) string {
	if path == "" {
		return "(answer)"
	}
	return path
}

func sortedMapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
