package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// fakeAuthlete answers the three quick-start calls the way Authlete does,
// holding three clients that it lists two at a time, and records what it
// was sent.
type fakeAuthlete struct {
	mu       sync.Mutex
	auth     []string
	lists    []string
	params   string
	failWith int // when set, every call fails with this status
}

func (f *fakeAuthlete) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	if f.failWith != 0 {
		w.WriteHeader(f.failWith)
		_, _ = io.WriteString(w, `{"resultCode":"A001202","resultMessage":"[A001202] Authorization header is missing."}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/42/service/get":
		_, _ = io.WriteString(w, `{"apiKey":42,"serviceName":"Demo service"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/api/42/client/get/list":
		f.lists = append(f.lists, r.URL.RawQuery)
		start, _ := strconv.Atoi(r.URL.Query().Get("start"))
		all := []string{`{"clientId":1,"clientName":"one"}`, `{"clientId":2,"clientName":"two"}`, `{"clientId":3,"clientName":"three"}`}
		end := min(start+2, len(all))
		if start > end {
			start = end
		}
		_, _ = io.WriteString(w, `{"start":`+strconv.Itoa(start)+`,"end":`+strconv.Itoa(end)+`,"totalCount":3,"clients":[`+strings.Join(all[start:end], ",")+`]}`)
	case r.Method == http.MethodPost && r.URL.Path == "/api/42/auth/authorization":
		var body struct {
			Parameters string `json:"parameters"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.params = body.Parameters
		_, _ = io.WriteString(w, `{"resultCode":"A004001","resultMessage":"[A004001] Authlete has successfully issued a ticket.","action":"INTERACTION","ticket":"t-1"}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"resultCode":"A000404","resultMessage":"no such route: `+r.Method+` `+r.URL.Path+`"}`)
	}
}

func TestQuickStart(t *testing.T) {
	fake := &fakeAuthlete{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv("AUTHLETE_BEARER", "service-token")
	t.Setenv("AUTHLETE_REGION", "jp")
	t.Setenv("AUTHLETE_BASE_URL", srv.URL) // wins over the region

	if err := run("42", "response_type=code&client_id=1"); err != nil {
		t.Fatal(err)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	for _, a := range fake.auth {
		if a != "Bearer service-token" {
			t.Errorf("Authorization = %q", a)
		}
	}
	if len(fake.lists) < 2 {
		t.Errorf("the client list was fetched as %q, want more than one page", fake.lists)
	}
	if fake.params != "response_type=code&client_id=1" {
		t.Errorf("parameters = %q", fake.params)
	}
}

func TestQuickStartAuthleteError(t *testing.T) {
	fake := &fakeAuthlete{failWith: http.StatusUnauthorized}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv("AUTHLETE_BEARER", "revoked-token")
	t.Setenv("AUTHLETE_REGION", "")
	t.Setenv("AUTHLETE_BASE_URL", srv.URL)

	err := run("42", "")
	var res *sdkerrors.AuthleteResult
	if !errors.As(err, &res) || res.ResultCode != "A001202" || res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want an *AuthleteResult A001202", err)
	}
	if !errors.Is(err, sdkerrors.ErrUnauthorized) {
		t.Errorf("err = %v does not match ErrUnauthorized", err)
	}
	if !strings.Contains(err.Error(), "AUTHLETE_BEARER") || strings.Contains(err.Error(), "revoked-token") {
		t.Errorf("err = %v", err)
	}
}

func TestQuickStartRejectsAPISuffix(t *testing.T) {
	t.Setenv("AUTHLETE_BEARER", "service-token")
	t.Setenv("AUTHLETE_REGION", "")
	t.Setenv("AUTHLETE_BASE_URL", "https://us.authlete.com/api")
	err := run("42", "")
	if err == nil || !strings.Contains(err.Error(), `drop the trailing "/api"`) {
		t.Fatalf("err = %v, want the /api suffix refused", err)
	}
}
