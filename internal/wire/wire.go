// Package wire is the JSON codec of the generated models: one pass over the
// bytes, the members a model does not declare kept in its Unknown field
// and written back, numbers and strings taken as the server sent them.
//
// A generated model T gets three one-line methods that call this package,
// which reads and writes T's fields through a method-less view of T, so
// both encoding/json and the JSON v2 API (github.com/go-json-experiment/json)
// encode and decode it the same way, and the v2 API never re-parses a
// nested model.
package wire

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Unknown is the type of a model's field that keeps the JSON members the
// document does not declare: one JSON object, or empty when there were none.
type Unknown = jsontext.Value

// readOptions are liberal: a duplicate member name or invalid UTF-8 from a
// server is taken as it comes rather than failing the whole answer.
var readOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.WithUnmarshalers(json.UnmarshalFromFunc(unmarshalNullable)),
)

// writeOptions write what encoding/json writes for the same struct tags:
// omitempty with its v1 meaning (an unset nullable.Nullable or a false bool
// stays out), nil slices and maps as null, map keys sorted.
var writeOptions = json.JoinOptions(
	jsonv1.OmitEmptyWithLegacySemantics(true),
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
	json.Deterministic(true),
	json.WithMarshalers(json.MarshalToFunc(marshalNullable)),
)

// nullableValue is a nullable.Nullable[T] (a map[bool]T: true holds the
// value, false marks an explicit null, empty is unset) or a pointer to one;
// IsNull is the one method the type has, the rest is done by reflection.
type nullableValue interface {
	IsNull() bool
}

// isNullableMap reports whether t is shaped as nullable.Nullable[T].
func isNullableMap(t reflect.Type) bool {
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.Bool
}

var (
	trueKey  = reflect.ValueOf(true)
	falseKey = reflect.ValueOf(false)
)

// marshalNullable writes a nullable.Nullable[T] with this codec, so a T
// that is an inline object keeps its Unknown members and its numbers as
// sent. Unset is written as null (an unset member with omitempty stays out
// before this is called).
func marshalNullable(enc *jsontext.Encoder, n nullableValue) error {
	rv := reflect.ValueOf(n) // the codec may hand over a pointer to the value
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return enc.WriteToken(jsontext.Null)
		}
		rv = rv.Elem()
	}
	if !isNullableMap(rv.Type()) {
		return json.SkipFunc
	}
	v := rv.MapIndex(trueKey)
	if !v.IsValid() {
		return enc.WriteToken(jsontext.Null)
	}
	return json.MarshalEncode(enc, v.Interface())
}

// unmarshalNullable reads a nullable.Nullable[T] with this codec (see
// marshalNullable): null sets it null, any other value sets the value.
func unmarshalNullable(dec *jsontext.Decoder, p nullableValue) error {
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || !isNullableMap(rv.Type().Elem()) {
		return json.SkipFunc
	}
	mt := rv.Type().Elem()
	m := reflect.MakeMapWithSize(mt, 1)
	if dec.PeekKind() == 'n' {
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		m.SetMapIndex(falseKey, reflect.Zero(mt.Elem()))
		rv.Elem().Set(m)
		return nil
	}
	val := reflect.New(mt.Elem())
	if err := json.UnmarshalDecode(dec, val.Interface()); err != nil {
		return err
	}
	m.SetMapIndex(trueKey, val.Elem())
	rv.Elem().Set(m)
	return nil
}

// Marshal encodes the model v points to, its Unknown members included.
//
// The functions the generated methods call are never inlined: thousands
// of methods call them, and a copy of each body in every one costs the
// compiler memory for no measurable speed.
//
//go:noinline
func Marshal(v any) ([]byte, error) { return json.Marshal(plain(v), writeOptions) }

// Unmarshal decodes b into the model v points to, keeping the members it
// does not declare.
//
//go:noinline
func Unmarshal(b []byte, v any) error { return json.Unmarshal(b, plain(v), readOptions) }

// UnmarshalFrom decodes the next value of a decoder of the JSON v2 API
// into the model v points to.
//
//go:noinline
func UnmarshalFrom(dec *jsontext.Decoder, v any) error { return json.UnmarshalDecode(dec, plain(v)) }

// plains caches, for each model type, an unnamed struct type with the same
// fields and no methods.
var plains sync.Map // reflect.Type -> reflect.Type

// plain returns v (a pointer to a model struct) seen as a pointer to the
// model's fields without its methods, so that the codec encodes the
// fields instead of calling the model's JSON methods again. The nested
// models keep their methods. A value that is not a pointer to a struct is
// returned as it is.
func plain(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem().Kind() != reflect.Struct {
		return v
	}
	t := rv.Type().Elem()
	pt, ok := plains.Load(t)
	if !ok {
		pt, _ = plains.LoadOrStore(t, plainType(t))
	}
	if pt == nil {
		return v
	}
	return reflect.NewAt(pt.(reflect.Type), rv.UnsafePointer()).Interface()
}

// plainType is struct type t without methods, or nil (an untyped nil, so
// the cache can hold it) when t has unexported fields: such a type is no
// generated model and has no JSON methods calling this package.
func plainType(t reflect.Type) any {
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		fields[i] = t.Field(i)
		if !fields[i].IsExported() || fields[i].Anonymous {
			return nil
		}
		fields[i].Index, fields[i].Offset = nil, 0
	}
	return reflect.StructOf(fields)
}

// maxRetries bounds how many failing members Decode sets aside.
const maxRetries = 32

// FieldError is a member of a JSON answer that could not be decoded into
// its Go type. Path names it as a Go reader would: users[3].created_at.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *FieldError) Unwrap() error { return e.Err }

// Decode decodes a whole answer into out (a non-nil pointer). When a member
// does not fit its Go type, Decode reads the answer again with that member
// taken as null, so out holds everything else, and returns a *FieldError
// naming the first such member (errors.Join of all of them when several
// fail). Malformed JSON is returned as it is, with out left partly filled.
func Decode(body []byte, out any) error {
	err := json.Unmarshal(body, out, readOptions)
	if err == nil {
		return nil
	}
	var fails []error
	for range maxRetries {
		var se *json.SemanticError
		if !errors.As(err, &se) || se.JSONPointer == "" {
			break
		}
		fails = append(fails, &FieldError{Path: GoPath(se.JSONPointer), Err: err})
		next, ok := nullAt(body, se.JSONPointer)
		if !ok {
			return errors.Join(fails...)
		}
		body = next
		rv := reflect.ValueOf(out).Elem()
		rv.SetZero()
		if err = json.Unmarshal(body, out, readOptions); err == nil {
			return errors.Join(fails...)
		}
	}
	if len(fails) == 0 {
		return err
	}
	return errors.Join(append(fails, err)...)
}

// GoPath turns a JSON pointer (/users/3/created_at) into the path a Go
// reader expects (users[3].created_at).
func GoPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// nullAt returns body with the value at pointer p replaced by null.
func nullAt(body []byte, p jsontext.Pointer) ([]byte, bool) {
	var toks []string
	for tok := range p.Tokens() {
		toks = append(toks, tok)
	}
	out, ok := replace(jsontext.Value(body), toks)
	return out, ok
}

// replace rebuilds v with the value at the path toks replaced by null.
func replace(v jsontext.Value, toks []string) (jsontext.Value, bool) {
	if len(toks) == 0 {
		return jsontext.Value("null"), true
	}
	dec := jsontext.NewDecoder(bytes.NewReader(v), readOptions)
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, false
	}
	kind := tok.Kind()
	if kind != '{' && kind != '[' {
		return nil, false
	}
	var out []byte
	out = append(out, byte(kind))
	found := false
	for i := 0; dec.PeekKind() != '}' && dec.PeekKind() != ']'; i++ {
		if i > 0 {
			out = append(out, ',')
		}
		key := strconv.Itoa(i)
		if kind == '{' {
			name, err := dec.ReadValue()
			if err != nil {
				return nil, false
			}
			out = append(append(out, name...), ':')
			var s string
			if json.Unmarshal(name, &s, readOptions) != nil {
				return nil, false
			}
			key = s
		}
		val, err := dec.ReadValue()
		if err != nil {
			return nil, false
		}
		if !found && key == toks[0] {
			r, ok := replace(val, toks[1:])
			if !ok {
				return nil, false
			}
			val, found = r, true
		}
		out = append(out, val...)
	}
	if !found {
		return nil, false
	}
	return append(out, byte(kind)+2), true // '{'+2 == '}', '['+2 == ']'
}

// OneOf reports whether v is one of values: the Valid method of every
// generated enum over strings is this one call instead of a switch
// compiled per enum (553 of them in gen/auth0mgmt, ~8% of its compile
// memory).
//
//go:noinline
func OneOf(v string, values ...string) bool {
	for _, x := range values {
		if v == x {
			return true
		}
	}
	return false
}
