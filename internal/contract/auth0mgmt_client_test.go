package contract_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idsdk/idsdk-go/nullable"

	"github.com/idsdk/idsdk-go/auth"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/gen/auth0mgmt"
	"github.com/idsdk/idsdk-go/retry"
)

// auth0API is a loopback stand-in for the Management API: handler answers
// every request under /api/v2, and every request is recorded.
type auth0API struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []*http.Request
	bodies []string
}

func newAuth0API(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, n int)) *auth0API {
	t.Helper()
	a := &auth0API{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.got = append(a.got, r.Clone(context.Background()))
		a.bodies = append(a.bodies, string(body))
		n := len(a.got)
		a.mu.Unlock()
		if !strings.HasPrefix(r.URL.Path, "/api/v2/") {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer mgmt-token" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"statusCode":401,"error":"Unauthorized","message":"Missing authentication"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		handler(w, r, n)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *auth0API) requests() []*http.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*http.Request(nil), a.got...)
}

func (a *auth0API) body(i int) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bodies[i]
}

func (a *auth0API) client(t *testing.T, opts ...auth0mgmt.ClientOption) *auth0mgmt.Client {
	t.Helper()
	c, err := auth0mgmt.New("tenant.us.auth0.com", append([]auth0mgmt.ClientOption{
		auth0mgmt.WithBaseURL(a.srv.URL + "/api/v2"),
		auth0mgmt.WithToken(auth.Bearer("mgmt-token")),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func auth0User(i int) map[string]any {
	return map[string]any{"user_id": fmt.Sprintf("auth0|%d", i), "email": fmt.Sprintf("u%d@example.com", i)}
}

// TestAuth0MgmtPagingPage walks /users in page/per_page style with
// include_totals: 5 users, 2 a page, so 3 pages, then stops.
func TestAuth0MgmtPagingPage(t *testing.T) {
	const total, per = 5, 2
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		size, _ := strconv.Atoi(q.Get("per_page"))
		var users []map[string]any
		for i := page * size; i < total && i < (page+1)*size; i++ {
			users = append(users, auth0User(i))
		}
		if q.Get("include_totals") != "true" {
			_ = json.NewEncoder(w).Encode(users)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"start": page * size, "limit": size, "length": len(users), "total": total, "users": users})
	})
	c := api.client(t)
	q, perPage := `email:*@example.com`, per
	params := &auth0mgmt.UsersListParams{Q: &q, PerPage: &perPage}
	var ids []string
	for u, err := range c.Users.All(context.Background(), params) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *u.UserID)
	}
	if want := "auth0|0 auth0|1 auth0|2 auth0|3 auth0|4"; strings.Join(ids, " ") != want {
		t.Fatalf("users = %v, want %s", ids, want)
	}
	reqs := api.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 (the total says when to stop)", len(reqs))
	}
	for i, r := range reqs {
		qv := r.URL.Query()
		if r.URL.Path != "/api/v2/users" || qv.Get("page") != strconv.Itoa(i) || qv.Get("per_page") != "2" ||
			qv.Get("include_totals") != "true" || qv.Get("q") != q {
			t.Errorf("request %d: %s", i, r.URL)
		}
	}
	if params.Page != nil || params.IncludeTotals != nil {
		t.Error("the iterator changed the caller's params")
	}

	// One page stays available as a single call, decoded to one type.
	yes := true
	page, err := c.Users.List(context.Background(), &auth0mgmt.UsersListParams{PerPage: &perPage, IncludeTotals: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total == nil || page.GetTotal() != total || len(page.Users) != per {
		t.Errorf("List = %+v", page)
	}

	// Breaking out of the loop stops fetching.
	before := len(api.requests())
	n := 0
	for _, err := range c.Users.All(context.Background(), &auth0mgmt.UsersListParams{PerPage: &perPage}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if got := len(api.requests()) - before; got != 2 {
		t.Errorf("breaking after 3 items made %d requests, want 2", got)
	}
}

// TestAuth0MgmtPagingCheckpoint walks organization members in from/take
// style: 3 pages chained by "next", the last without one.
func TestAuth0MgmtPagingCheckpoint(t *testing.T) {
	pages := map[string]struct {
		ids  []int
		next string
	}{
		"":    {[]int{0, 1}, "cp1"},
		"cp1": {[]int{2, 3}, "cp2"},
		"cp2": {[]int{4}, ""},
	}
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		p, ok := pages[r.URL.Query().Get("from")]
		if !ok || r.URL.Path != "/api/v2/organizations/org_1/members" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"statusCode":400,"error":"Bad Request","message":"bad checkpoint","errorCode":"invalid_query_string"}`)
			return
		}
		var members []map[string]any
		for _, i := range p.ids {
			members = append(members, map[string]any{"user_id": fmt.Sprintf("auth0|%d", i)})
		}
		out := map[string]any{"members": members}
		if p.next != "" {
			out["next"] = p.next
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	c := api.client(t)
	take := 2
	var ids []string
	for m, err := range c.Organizations.Members.All(context.Background(), "org_1", &auth0mgmt.OrganizationsMembersListParams{Take: &take}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *m.UserID)
	}
	if want := "auth0|0 auth0|1 auth0|2 auth0|3 auth0|4"; strings.Join(ids, " ") != want {
		t.Fatalf("members = %v", ids)
	}
	reqs := api.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, want := range []string{"", "cp1", "cp2"} {
		q := reqs[i].URL.Query()
		if q.Get("from") != want || q.Get("take") != "2" || q.Has("page") {
			t.Errorf("request %d: %s", i, reqs[i].URL)
		}
	}
	if reqs[0].URL.Query().Has("from") {
		t.Error("the first request sent an empty from")
	}
	// nil params are fine too: the API's default page size.
	n := 0
	for _, err := range c.Organizations.Members.All(context.Background(), "org_1", nil) {
		if err != nil {
			t.Fatalf("nil params: %v", err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("nil params: %d members", n)
	}
}

// TestAuth0MgmtListBareArray: without include_totals Auth0 answers a bare
// array; the single-page List still decodes it into its one result type.
func TestAuth0MgmtListBareArray(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		_ = json.NewEncoder(w).Encode([]map[string]any{auth0User(0), auth0User(1)})
	})
	page, err := api.client(t).Users.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Users) != 2 || page.Total != nil {
		t.Errorf("List = %+v", page)
	}
}

// TestAuth0MgmtPagingHonoursContext ends the walk when ctx ends: the
// sequence yields the context's error and makes no further request.
func TestAuth0MgmtPagingHonoursContext(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_ = json.NewEncoder(w).Encode(map[string]any{"members": []any{map[string]any{"user_id": "auth0|" + strconv.Itoa(n)}}, "next": "more"})
	})
	c := api.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var items int
	var last error
	for _, err := range c.Organizations.Members.All(ctx, "org_1", &auth0mgmt.OrganizationsMembersListParams{}) {
		if err != nil {
			last = err
			break
		}
		items++
		if items == 2 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("sequence ended with %v, want context.Canceled", last)
	}
	if n := len(api.requests()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// TestAuth0MgmtRateLimitThenSuccess answers 429 with X-RateLimit-Reset one
// second ahead, then 200: the call waits and succeeds.
func TestAuth0MgmtRateLimitThenSuccess(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("X-RateLimit-Limit", "50")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10))
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`)
			return
		}
		_, _ = io.WriteString(w, `{"user_id":"auth0|1","email":"u1@example.com"}`)
	})
	u, err := api.client(t).Users.Get(context.Background(), "auth0|1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if *u.UserID != "auth0|1" || len(api.requests()) != 2 {
		t.Fatalf("user %v after %d requests", *u.UserID, len(api.requests()))
	}
}

// TestAuth0MgmtRateLimitBeyondCap answers 429 with a reset an hour ahead:
// longer than the retry policy waits, so the call returns the rate-limit
// error at once, after one request.
func TestAuth0MgmtRateLimitBeyondCap(t *testing.T) {
	reset := time.Now().Add(time.Hour).Unix()
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("X-RateLimit-Limit", "50")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"}`)
	})
	_, err := api.client(t).Users.Get(context.Background(), "auth0|1", nil)
	var rl *sdkerrors.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want a *RateLimitError", err)
	}
	if rl.Limit != 50 || rl.Remaining != 0 || rl.Reset.Unix() < reset-1 || rl.RetryAfter < 59*time.Minute {
		t.Errorf("rate limit = %+v", rl)
	}
	var ae *sdkerrors.Auth0Error
	if !errors.As(err, &ae) || ae.ErrorCode != "too_many_requests" || !errors.Is(err, sdkerrors.ErrRateLimited) {
		t.Errorf("err = %#v", err)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry for a wait beyond the cap)", n)
	}
}

// TestAuth0MgmtPatchNull sends an explicit null for family_name, a value
// for given_name, and leaves every other field out.
func TestAuth0MgmtPatchNull(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		_, _ = io.WriteString(w, `{"user_id":"auth0|1"}`)
	})
	body := auth0mgmt.UpdateUserRequest{
		FamilyName: nullable.NewNullNullable[string](),
		GivenName:  nullable.NewNullableWithValue("Jane"),
	}
	if _, err := api.client(t).Users.Update(context.Background(), "auth0|1", body); err != nil {
		t.Fatal(err)
	}
	r := api.requests()[0]
	if r.Method != http.MethodPatch || r.URL.Path != "/api/v2/users/auth0|1" {
		t.Fatalf("%s %s", r.Method, r.URL.Path)
	}
	var sent map[string]json.RawMessage
	if err := json.Unmarshal([]byte(api.body(0)), &sent); err != nil {
		t.Fatal(err)
	}
	if string(sent["family_name"]) != "null" {
		t.Errorf("family_name = %s, want null", sent["family_name"])
	}
	if string(sent["given_name"]) != `"Jane"` {
		t.Errorf("given_name = %s", sent["given_name"])
	}
	if len(sent) != 2 {
		t.Errorf("body %s has fields that were not set", api.body(0))
	}
}

// TestAuth0MgmtHeaders checks the default and per-call headers, the
// Auth0-Client telemetry header and its opt-out.
func TestAuth0MgmtHeaders(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		_, _ = io.WriteString(w, `{"user_id":"auth0|1"}`)
	})
	c := api.client(t, auth0mgmt.WithHeader("X-Team", "identity"))
	ctx := context.Background()
	if _, err := c.Users.Get(ctx, "auth0|1", nil, auth0mgmt.WithRequestHeader("X-Trace", "abc123")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.Get(ctx, "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	reqs := api.requests()
	if reqs[0].Header.Get("X-Trace") != "abc123" || reqs[1].Header.Get("X-Trace") != "" {
		t.Errorf("per-call header: %q then %q", reqs[0].Header.Get("X-Trace"), reqs[1].Header.Get("X-Trace"))
	}
	for i, r := range reqs {
		if r.Header.Get("X-Team") != "identity" {
			t.Errorf("request %d lacks the client header", i)
		}
		raw, err := base64.StdEncoding.DecodeString(r.Header.Get("Auth0-Client"))
		var tel struct{ Name, Version string }
		if err != nil || json.Unmarshal(raw, &tel) != nil || tel.Name == "" || tel.Version == "" {
			t.Errorf("request %d: Auth0-Client %q", i, r.Header.Get("Auth0-Client"))
		}
	}
	quiet := api.client(t, auth0mgmt.WithoutTelemetry())
	if _, err := quiet.Users.Get(ctx, "auth0|1", nil); err != nil {
		t.Fatal(err)
	}
	reqs = api.requests()
	if h, ok := reqs[len(reqs)-1].Header["Auth0-Client"]; ok {
		t.Errorf("WithoutTelemetry still sent Auth0-Client %q", h)
	}
}

// TestAuth0MgmtErrors checks that a Management API error body decodes
// into *Auth0Error and matches the sentinels, and that a bad domain is
// refused before any call.
func TestAuth0MgmtErrors(t *testing.T) {
	api := newAuth0API(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}`)
	})
	_, err := api.client(t, auth0mgmt.WithRetry(retry.Off())).Users.Get(context.Background(), "auth0|404", nil)
	var ae *sdkerrors.Auth0Error
	if !errors.Is(err, sdkerrors.ErrNotFound) || !errors.As(err, &ae) || ae.ErrorCode != "inexistent_user" {
		t.Fatalf("err = %v", err)
	}
	for _, d := range []string{"", "https://tenant.auth0.com", "tenant.auth0.com/api/v2"} {
		if _, err := auth0mgmt.New(d, auth0mgmt.WithoutAuthentication()); err == nil {
			t.Errorf("New(%q) accepted", d)
		}
	}
	c, err := auth0mgmt.New("Tenant.EU.auth0.com", auth0mgmt.WithoutAuthentication())
	if err != nil || c.BaseURL() != "https://tenant.eu.auth0.com/api/v2" {
		t.Errorf("BaseURL = %q, %v", c.BaseURL(), err)
	}
}
