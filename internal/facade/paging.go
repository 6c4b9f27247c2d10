package facade

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/idsdk/idsdk-go/internal/wire"
)

// Paging styles.
const (
	PageStyle       = "page"       // page number and page size parameters
	CheckpointStyle = "checkpoint" // a "from" checkpoint the previous page returned
	OffsetStyle     = "offset"     // start and end indexes
)

// PageSpec is how a list operation pages, from its x-idsdk-paging extension.
type PageSpec struct {
	Style string
	// Items is the JSON field holding the page's items; empty means the body
	// is the array (an object body then needs the only array field).
	Items string
	// Total is the JSON field with the total count, if any.
	Total string
	// Next is the JSON field with the next checkpoint (checkpoint style).
	Next string
	// TotalPagesHeader is a response header with the page count.
	TotalPagesHeader string
	// Parameter names.
	PageParam, PerPageParam, FromParam, TakeParam, StartParam, EndParam string
	// IncludeTotalsParam is a boolean parameter set to true so that the
	// answer carries the total.
	IncludeTotalsParam string
	// FirstPage is the number of the first page.
	FirstPage int
	// PageSize is used when the caller sets none.
	PageSize int
}

// Page is one decoded page: its items go to the slice Items points to
// (a *[]T the iterator owns), what the answer says of the next page to
// the other fields. Page is not generic, and neither is the walk over the
// pages: only the loop handing out the items is compiled once per item
// type (per list operation of a generated package).
type Page struct {
	spec       *PageSpec
	Items      any // *[]T
	found      bool
	Total      int
	HasTotal   bool
	Next       string
	TotalPages int
}

// NewPage returns an empty page to decode a response into; its items go
// to *items (a *[]T).
func NewPage(spec *PageSpec, items any) *Page { return &Page{spec: spec, Items: items} }

// receiveHeader is implemented by values that want the response headers.
type receiveHeader interface{ receiveHeader(http.Header) }

func (p *Page) receiveHeader(h http.Header) {
	if p.spec.TotalPagesHeader == "" {
		return
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get(p.spec.TotalPagesHeader))); err == nil {
		p.TotalPages = n
	}
}

// UnmarshalJSON decodes a bare array, or an object holding the items
// under spec.Items with the total and next checkpoint beside them.
func (p *Page) UnmarshalJSON(b []byte) error {
	return p.UnmarshalJSONFrom(jsontext.NewDecoder(bytes.NewReader(b)))
}

// UnmarshalJSONFrom is UnmarshalJSON for the JSON v2 API: one pass, each
// item decoded where it stands.
func (p *Page) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '[' {
		return wire.UnmarshalFrom(dec, p.Items)
	}
	if _, err := dec.ReadToken(); err != nil { // '{' (or a type error)
		return err
	}
	field := p.spec.Items
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		k, kind := name.String(), dec.PeekKind()
		switch {
		case kind == '[' && (k == field || field == ""):
			if field == "" && p.found {
				return fmt.Errorf("page has several array fields (%s)", k)
			}
			if err := wire.UnmarshalFrom(dec, p.Items); err != nil {
				return err
			}
			p.found = true
		case k == p.spec.Total && k != "":
			raw, err := dec.ReadValue()
			if err != nil {
				return err
			}
			if v, err := strconv.Atoi(strings.Trim(string(raw), `"`)); err == nil {
				p.Total, p.HasTotal = v, true
			}
		case k == p.spec.Next && k != "" && kind == '"':
			if err := wire.UnmarshalFrom(dec, &p.Next); err != nil {
				return err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err := dec.ReadToken() // '}'
	return err
}

// PageFetch gets one page: the request made with params (the iterator's copy
// of the caller's parameters, paging fields set), its answer decoded into
// page.
type PageFetch func(ctx context.Context, params any, page *Page) error

// Paginate walks the pages of a list operation. params is a pointer to the
// operation's parameter struct (or nil); it is copied, never modified.
// fetch gets one page with the paging parameters set on its copy. Only
// this loop is compiled once per item type (per list operation of a
// generated package): the walk over the pages is not generic, and
// Paginate is not inlined, so its closure is compiled once.
//
//go:noinline
func Paginate[T any](ctx context.Context, spec *PageSpec, params any, fetch PageFetch) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var items []T
		w := walker{ctx: ctx, spec: spec, params: params, items: &items, fetch: fetch}
		for w.next() {
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
		}
		if w.err != nil {
			var zero T
			yield(zero, w.err)
		}
	}
}

// walker fetches the pages of one walk into *items (a *[]T, emptied
// before each page).
type walker struct {
	ctx    context.Context
	spec   *PageSpec
	params any
	items  any
	fetch  PageFetch
	st     *pager
	list   reflect.Value
	page   *Page
	err    error
}

// next fetches the next page and reports whether there is one; a walk
// that ends on an error leaves it in err.
func (w *walker) next() bool {
	if w.st == nil {
		p, err := copyParams(w.params)
		if err != nil {
			w.err = err
			return false
		}
		w.st = &pager{spec: w.spec, params: p}
		if w.err = w.st.start(); w.err != nil {
			return false
		}
		w.list = reflect.ValueOf(w.items).Elem()
	} else {
		more, err := w.st.advance(w.list.Len(), w.page.HasTotal, w.page.Total, w.page.Next, w.page.TotalPages)
		if w.err = err; err != nil || !more {
			return false
		}
	}
	if w.err = w.ctx.Err(); w.err != nil {
		return false
	}
	w.list.SetZero()
	w.page = NewPage(w.spec, w.items)
	w.err = w.fetch(w.ctx, w.st.params.Interface(), w.page)
	return w.err == nil
}

// pager holds the paging position.
type pager struct {
	spec   *PageSpec
	params reflect.Value // pointer to the copied params struct, or invalid
	page   int           // page style: current page number
	page0  int           // page style: the first page asked for
	size   int           // page size asked for (0: unknown)
	seen   int           // items so far (page and offset styles)
	start0 int           // offset style: index of the first item asked for
}

func (s *pager) start() error {
	sp := s.spec
	switch sp.Style {
	case PageStyle:
		s.page = sp.FirstPage
		if v, ok := getInt(s.params, sp.PageParam); ok {
			s.page = v
		}
		s.page0 = s.page
		s.size = s.ensureSize(sp.PerPageParam)
		if sp.IncludeTotalsParam != "" {
			if err := setParam(s.params, sp.IncludeTotalsParam, true); err != nil {
				return err
			}
		}
		return setParam(s.params, sp.PageParam, s.page)
	case CheckpointStyle:
		s.size = s.ensureSize(sp.TakeParam)
		return nil
	case OffsetStyle:
		start, _ := getInt(s.params, sp.StartParam)
		end, hasEnd := getInt(s.params, sp.EndParam)
		s.size = sp.PageSize
		if hasEnd && end > start {
			s.size = end - start
		}
		s.start0 = start
		return s.setRange(start)
	}
	return fmt.Errorf("unknown paging style %q", sp.Style)
}

// ensureSize keeps the caller's page size, or sets the spec's default.
func (s *pager) ensureSize(param string) int {
	if v, ok := getInt(s.params, param); ok {
		return v
	}
	if s.spec.PageSize > 0 && setParam(s.params, param, s.spec.PageSize) == nil {
		return s.spec.PageSize
	}
	return 0
}

func (s *pager) setRange(start int) error {
	if err := setParam(s.params, s.spec.StartParam, start); err != nil {
		return err
	}
	if s.size > 0 {
		return setParam(s.params, s.spec.EndParam, start+s.size)
	}
	return nil
}

// advance moves to the next page and reports whether there is one.
func (s *pager) advance(n int, hasTotal bool, total int, next string, totalPages int) (bool, error) {
	if n == 0 {
		return false, nil
	}
	s.seen += n
	sp := s.spec
	switch sp.Style {
	case PageStyle:
		if totalPages > 0 && s.page-sp.FirstPage+1 >= totalPages {
			return false, nil
		}
		if hasTotal && (s.page0-sp.FirstPage)*s.size+s.seen >= total {
			return false, nil
		}
		if s.size > 0 && n < s.size {
			return false, nil
		}
		s.page++
		return true, setParam(s.params, sp.PageParam, s.page)
	case CheckpointStyle:
		if next == "" {
			return false, nil
		}
		return true, setParam(s.params, sp.FromParam, next)
	case OffsetStyle:
		start := s.start0 + s.seen
		if hasTotal && start >= total {
			return false, nil
		}
		if s.size > 0 && n < s.size {
			return false, nil
		}
		return true, s.setRange(start)
	}
	return false, nil
}

// copyParams returns a pointer to a copy of *params (a struct), or an
// invalid Value when params is nil.
func copyParams(params any) (reflect.Value, error) {
	if params == nil {
		return reflect.Value{}, nil
	}
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.Type().Elem().Kind() != reflect.Struct {
		return reflect.Value{}, fmt.Errorf("paging: parameters must be a pointer to a struct, got %T", params)
	}
	c := reflect.New(v.Type().Elem())
	if !v.IsNil() {
		c.Elem().Set(v.Elem())
	}
	return c, nil
}

// field finds the struct field whose json tag names param.
func field(p reflect.Value, param string) (reflect.Value, bool) {
	if !p.IsValid() || param == "" {
		return reflect.Value{}, false
	}
	st := p.Elem()
	t := st.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == param {
			return st.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// getInt reads an integer parameter the caller set.
func getInt(p reflect.Value, param string) (int, bool) {
	f, ok := field(p, param)
	if !ok {
		return 0, false
	}
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return 0, false
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(f.Int()), true
	case reflect.Float32, reflect.Float64:
		return int(f.Float()), true
	case reflect.String:
		n, err := strconv.Atoi(f.String())
		return n, err == nil && f.String() != ""
	}
	return 0, false
}

// setParam sets a paging parameter (int, bool or string) whatever its Go
// type in the parameter struct.
func setParam(p reflect.Value, param string, value any) error {
	f, ok := field(p, param)
	if !ok {
		if !p.IsValid() {
			return fmt.Errorf("paging: the operation takes no parameters to set %q", param)
		}
		return fmt.Errorf("paging: no parameter %q in %s", param, p.Elem().Type())
	}
	t := f.Type()
	target := t
	if t.Kind() == reflect.Pointer {
		target = t.Elem()
	}
	nv := reflect.New(target).Elem()
	switch target.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := value.(int)
		if !ok {
			return fmt.Errorf("paging: %q wants a number", param)
		}
		nv.SetInt(int64(n))
	case reflect.Float32, reflect.Float64:
		n, ok := value.(int)
		if !ok {
			return fmt.Errorf("paging: %q wants a number", param)
		}
		nv.SetFloat(float64(n))
	case reflect.Bool:
		b, ok := value.(bool)
		if !ok {
			return fmt.Errorf("paging: %q wants a boolean", param)
		}
		nv.SetBool(b)
	case reflect.String:
		nv.SetString(fmt.Sprint(value))
	default:
		return fmt.Errorf("paging: cannot set %q of type %s", param, t)
	}
	if t.Kind() == reflect.Pointer {
		ptr := reflect.New(target)
		ptr.Elem().Set(nv)
		f.Set(ptr)
	} else {
		f.Set(nv)
	}
	return nil
}
