// Package nullable holds Nullable, the type of a model field that the API
// lets be absent, null or a value: a PATCH body can leave a member out,
// clear it with an explicit JSON null, or set it.
//
// A Nullable is a map with at most one entry: none when the member is
// absent (the zero value, left out of the JSON), false when it is null,
// true holding the value. The generated models encode and decode it; each
// model an answer can hold also has a nil-safe getter that reads the value
// (the zero value when absent or null), so reading rarely needs this
// package:
//
//	body := auth0mgmt.UpdateUserRequest{
//		Name:     nullable.NewNullableWithValue("Ada"), // "name": "Ada"
//		Nickname: nullable.NewNullNullable[string](),   // "nickname": null
//	}                                                  // the rest: absent
//
// The type has a single method on purpose: a generic type's methods are
// compiled again in every package that imports a model holding it, so
// everything else is a function.
package nullable

// Nullable is a value that may be absent (nil or empty), null or set. See
// the package documentation.
type Nullable[T any] map[bool]T

// NewNullableWithValue returns a Nullable holding v.
func NewNullableWithValue[T any](v T) Nullable[T] { return Nullable[T]{true: v} }

// NewNullNullable returns a Nullable that is an explicit null.
func NewNullNullable[T any]() Nullable[T] { return Nullable[T]{false: *new(T)} }

// IsNull reports whether n is an explicit null.
func (n Nullable[T]) IsNull() bool {
	_, null := n[false]
	return null
}

// Get returns the value n holds; ok is false when n is absent or null.
func Get[T any](n Nullable[T]) (v T, ok bool) {
	v, ok = n[true]
	return v, ok
}

// IsSpecified reports whether n is present: null or a value.
func IsSpecified[T any](n Nullable[T]) bool { return len(n) > 0 }
