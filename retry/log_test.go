package retry

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/idsdk/idsdk-go/observe"
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
		Retry, GiveUp           string
		HasWait, HasDuration    bool
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
		l.Retry, _ = rec["retry"].(string)
		l.GiveUp, _ = rec["give_up"].(string)
		_, l.HasWait = rec["wait"]
		_, l.HasDuration = rec["duration_ms"]
		got = append(got, l)
	}
	want := []line{
		{"DEBUG", "http attempt", "GET", srv.URL + "/v2/users", 503, "", 1, "status 503", "", true, true},
		{"DEBUG", "http attempt", "GET", srv.URL + "/v2/users", 0, classReset, 2, classReset, "", true, true},
		{"DEBUG", "http attempt", "GET", srv.URL + "/v2/users", 200, "", 3, "", "", false, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		// A reset can surface as an EOF, depending on timing.
		if len(got) == 3 && got[1].Class == classEOF {
			want[1].Class, want[1].Retry = classEOF, classEOF
			diff = cmp.Diff(want, got)
		}
		if diff != "" {
			t.Errorf("log records (-want +got):\n%s", diff)
		}
	}
}

// TestLogOneRecordPerAttemptGivingUp: a request that fails every attempt
// gets one record per attempt, the last one saying why no retry follows.
func TestLogOneRecordPerAttemptGivingUp(t *testing.T) {
	srv := statusServer(t, 503, 503, 503)
	var logs logBuffer
	p := fast()
	p.MaxRetries = 2
	p.Logger = newLogger(&logs)
	resp, err := client(t, p).Get(srv.URL + "/x?client_secret=SECRET")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	recs := logs.records(t)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3:\n%s", len(recs), logs.String())
	}
	for i, rec := range recs {
		if rec["attempt"].(float64) != float64(i+1) || rec["status"].(float64) != 503 {
			t.Errorf("record %d: %v", i, rec)
		}
	}
	if got := recs[2]["give_up"]; got != "no retries left" {
		t.Errorf("last record give_up = %v", got)
	}
	if strings.Contains(logs.String(), "SECRET") {
		t.Errorf("log holds the query:\n%s", logs.String())
	}
}

// TestObserverSeesEveryAttempt: Policy.Observer gets the same reports,
// once per attempt, also with retries off.
func TestObserverSeesEveryAttempt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retries int
		want    []int
	}{{"retries", 3, []int{500, 502, 200}}, {"off", 0, []int{500}}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := statusServer(t, 500, 502, 200)
			var rec attemptRecorder
			p := fast()
			p.MaxRetries = tc.retries
			p.Observer = &rec
			resp, err := client(t, p).Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			var got []int
			for i, a := range rec.attempts {
				got = append(got, a.Status)
				if a.N != i+1 || a.Call != nil || a.Duration <= 0 {
					t.Errorf("attempt %d: %+v", i, a)
				}
				if last := i == len(rec.attempts)-1; a.Retry == last {
					t.Errorf("attempt %d: Retry = %v", i, a.Retry)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

type attemptRecorder struct {
	observe.Nop
	attempts []observe.Attempt
}

func (r *attemptRecorder) Attempt(_ context.Context, a *observe.Attempt) {
	r.attempts = append(r.attempts, *a)
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

// TestObservedErrorsHoldNoQuery: the error an observer gets prints
// without the URL's query or user information, whatever the verb.
func TestObservedErrorsHoldNoQuery(t *testing.T) {
	srv := statusServer(t, 200)
	u := strings.Replace(srv.URL, "http://", "http://alice:PASSWORD@", 1) + "/x?access_token=SECRET"
	srv.Close()
	var rec attemptRecorder
	p := fast()
	p.MaxRetries = 1
	p.Observer = &rec
	if _, err := client(t, p).Get(u); err == nil {
		t.Fatal("want an error")
	}
	if len(rec.attempts) != 2 {
		t.Fatalf("%d attempts, want 2", len(rec.attempts))
	}
	for _, a := range rec.attempts {
		if a.Err == nil || a.ErrorClass != classDial {
			t.Errorf("attempt %d: err %v, class %q", a.N, a.Err, a.ErrorClass)
			continue
		}
		for _, out := range []string{a.Err.Error(), fmt.Sprintf("%v %+v %s %q %#v", a.Err, a.Err, a.Err, a.Err, a.Err), observe.SafeError(a.Err)} {
			if strings.Contains(out, "SECRET") || strings.Contains(out, "PASSWORD") {
				t.Errorf("attempt %d error prints the query: %s", a.N, out)
			}
		}
	}
}
