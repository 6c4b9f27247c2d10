package retry

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLogsHoldNoSecrets(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1:
			// A fresh connection for the next attempt: net/http itself
			// repeats a GET whose reused connection is reset.
			w.Header().Set("Connection", "close")
			w.WriteHeader(503)
		case 2:
			resetConn(t, w)
		default:
			w.Write([]byte("ok"))
		}
	})
	var logs logBuffer
	p := fast()
	p.Logger = newLogger(&logs)
	u := strings.Replace(srv.URL, "http://", "http://alice:PASSWORD@", 1) + "/v2/users?access_token=SECRET#frag"
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer TOKEN")
	resp, err := client(t, p).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	out := logs.String()
	for _, secret := range []string{"SECRET", "access_token", "TOKEN", "Bearer", "PASSWORD", "alice", "frag", "?"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	type line struct {
		Level, Msg, Method, URL string
		Status                  float64
		Class                   string
		Attempt                 float64
		HasWait                 bool
	}
	var got []line
	for _, rec := range logs.records(t) {
		l := line{
			Level:  rec["level"].(string),
			Msg:    rec["msg"].(string),
			Method: rec["method"].(string),
			URL:    rec["url"].(string),
		}
		l.Status, _ = rec["status"].(float64)
		l.Class, _ = rec["error_class"].(string)
		l.Attempt, _ = rec["attempt"].(float64)
		_, l.HasWait = rec["wait"]
		got = append(got, l)
	}
	want := []line{
		{"DEBUG", "retry", "GET", srv.URL + "/v2/users", 503, "", 1, true},
		{"DEBUG", "retry", "GET", srv.URL + "/v2/users", 0, classReset, 2, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		// A reset can surface as an EOF, depending on timing.
		if len(got) == 2 && got[1].Class == classEOF {
			want[1].Class = classEOF
			diff = cmp.Diff(want, got)
		}
		if diff != "" {
			t.Errorf("log records (-want +got):\n%s", diff)
		}
	}
}

func TestNoLoggerNoLogs(t *testing.T) {
	srv := statusServer(t, 500, 200)
	resp, err := client(t, fast()).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status = %d", resp.StatusCode)
	}
}
