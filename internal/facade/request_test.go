package facade_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/internal/facade"
	"github.com/idsdk/idsdk-go/retry"
)

// sent is one request as the server saw it.
type sent struct{ method, path, query, ctype, body string }

func recordingRuntime(t *testing.T) (*facade.Runtime, func() sent) {
	t.Helper()
	var last sent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		last = sent{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"), string(b)}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x"}`)
	}))
	t.Cleanup(srv.Close)
	rt, err := facade.New(facade.Config{API: "test", BaseURL: srv.URL + "/v2", Token: auth.Bearer("tok"), Retry: retry.Off()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rt, func() sent { return last }
}

type listParams struct {
	Q       *string  `form:"q,omitempty" json:"q,omitempty"`
	Fields  []string `form:"fields,omitempty" json:"fields,omitempty"`
	Tags    []string `form:"tags,omitempty" json:"tags,omitempty"`
	Email   string   `form:"email" json:"email"`
	Take    *int     `form:"take,omitempty" json:"take,omitempty"`
	Flag    bool     `form:"flag,omitempty" json:"flag,omitempty"`
	Filter  *filter  `json:"filter,omitempty"`
	Ignored *string  `json:"-"`
}

type filter struct {
	Name string `json:"name"`
}

type out struct {
	ID string `json:"id"`
}

// TestRequestsAreBuiltFromTheOperation: path parameters are escaped in
// template order; query parameters come from the struct's json names in
// the document's order, with their style (exploded form, comma list,
// JSON content), unset ones left out and a required one always sent.
func TestRequestsAreBuiltFromTheOperation(t *testing.T) {
	rt, last := recordingRuntime(t)
	ctx := context.Background()
	op := &facade.Operation{API: "test", ID: "ListThings", Method: "GET", Path: "/orgs/{org}/things/{id}",
		Query: []facade.Param{{Name: "q", Explode: true}, {Name: "fields", Explode: true}, {Name: "tags"}, {Name: "email", Explode: true},
			{Name: "take", Explode: true}, {Name: "flag", Explode: true}, {Name: "filter", JSON: true}, {Name: "missing", Explode: true}}}
	q, take := "a b&c", 0
	p := &listParams{Q: &q, Fields: []string{"x", "y"}, Tags: []string{"t1", "t2"}, Take: &take, Filter: &filter{Name: "n"}}
	if _, err := facade.Fetch(ctx, rt, op, facade.Args{Path: []any{"auth0|1/2", "th ing"}, Query: p}, nil, new(out)); err != nil {
		t.Fatal(err)
	}
	got := last()
	if want := "/v2/orgs/auth0%7C1%2F2/things/th%20ing"; got.path != want {
		t.Errorf("path %s, want %s", got.path, want)
	}
	if want := "q=a+b%26c&fields=x&fields=y&tags=t1,t2&email=&take=0&filter=%7B%22name%22%3A%22n%22%7D"; got.query != want {
		t.Errorf("query %s, want %s", got.query, want)
	}

	// A nil parameter struct, typed or not, sends no query.
	for _, params := range []any{nil, (*listParams)(nil)} {
		if _, err := facade.Fetch(ctx, rt, op, facade.Args{Path: []any{"o", "i"}, Query: params}, nil, new(out)); err != nil {
			t.Fatal(err)
		}
		if got := last(); got.query != "" {
			t.Errorf("query %q from %#v", got.query, params)
		}
	}
	// An empty path parameter would change the path: refused, nothing sent.
	if _, err := facade.Fetch(ctx, rt, op, facade.Args{Path: []any{"", "i"}}, nil, new(out)); err == nil || !strings.Contains(err.Error(), "org") {
		t.Errorf("empty path parameter: %v", err)
	}
}

// TestBodiesAreEncodedByKind: JSON bodies through the value's own
// marshaler, form bodies form-encoded, text as is, a raw reader with the
// caller's content type.
func TestBodiesAreEncodedByKind(t *testing.T) {
	rt, last := recordingRuntime(t)
	ctx := context.Background()
	type form struct {
		GrantType string  `json:"grant_type"`
		Scope     *string `json:"scope,omitempty"`
	}
	for _, tc := range []struct {
		name string
		op   *facade.Operation
		args facade.Args
		want sent
	}{
		{"json", &facade.Operation{API: "test", ID: "J", Method: "POST", Path: "/j", Body: facade.BodyJSON, ContentType: "application/json"},
			facade.Args{Body: map[string]any{"a": 1}}, sent{"POST", "/v2/j", "", "application/json", `{"a":1}`}},
		{"form", &facade.Operation{API: "test", ID: "F", Method: "POST", Path: "/f", Body: facade.BodyForm, ContentType: "application/x-www-form-urlencoded"},
			facade.Args{Body: form{GrantType: "client_credentials"}}, sent{"POST", "/v2/f", "", "application/x-www-form-urlencoded", "grant_type=client_credentials"}},
		{"text", &facade.Operation{API: "test", ID: "T", Method: "PUT", Path: "/t", Body: facade.BodyText, ContentType: "text/plain"},
			facade.Args{Body: "hello"}, sent{"PUT", "/v2/t", "", "text/plain", "hello"}},
		{"raw", &facade.Operation{API: "test", ID: "R", Method: "POST", Path: "/r", Body: facade.BodyRaw},
			facade.Args{Reader: strings.NewReader("--b--"), ContentType: "multipart/form-data; boundary=b"}, sent{"POST", "/v2/r", "", "multipart/form-data; boundary=b", "--b--"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := rt.Exec(ctx, tc.op, tc.args, nil); err != nil {
				t.Fatal(err)
			}
			if got := last(); got != tc.want {
				t.Errorf("sent %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestURLOnlyOperationSendsNothing: a url-only operation returns its URL
// with the query, and puts the client's token in the parameter it names.
func TestURLOnlyOperationSendsNothing(t *testing.T) {
	rt, last := recordingRuntime(t)
	op := &facade.Operation{API: "test", ID: "Widget", Method: "GET", Path: "/widget", Query: []facade.Param{{Name: "q", Explode: true}}, TokenParam: "access_token"}
	q := "x"
	u, err := rt.URL(context.Background(), op, facade.Args{Query: &listParams{Q: &q}}, nil)
	if err != nil || !strings.HasSuffix(u, "/v2/widget?access_token=tok&q=x") {
		t.Errorf("URL = %q, %v", u, err)
	}
	if last() != (sent{}) {
		t.Errorf("a url-only operation sent %+v", last())
	}
}
