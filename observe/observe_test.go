package observe

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestSafeErrorCutsQueryAndSecrets(t *testing.T) {
	err := &url.Error{Op: "Get", URL: "https://u:PASSWORD@api.example.com/x?access_token=SECRET1", Err: errors.New("refresh_token=SECRET2 refused")}
	got := SafeError(err)
	for _, s := range []string{"PASSWORD", "SECRET1", "SECRET2"} {
		if strings.Contains(got, s) {
			t.Errorf("SafeError = %q, holds %q", got, s)
		}
	}
	if SafeError(nil) != "" {
		t.Error("SafeError(nil) is not empty")
	}
}

func TestJoin(t *testing.T) {
	if Join() != nil || Join(nil, nil) != nil || Log(nil) != nil {
		t.Error("nothing joined is not nil")
	}
	var n int
	o := counting{n: &n}
	if got := Join(nil, o); got != o {
		t.Errorf("Join of one = %v", got)
	}
	j := Join(Join(o, o), o)
	j.Attempt(context.Background(), &Attempt{})
	j.Token(context.Background(), &Token{})
	if n != 6 {
		t.Errorf("%d reports, want 6", n)
	}
}

type counting struct {
	Nop
	n *int
}

func (c counting) Attempt(context.Context, *Attempt) { *c.n++ }
func (c counting) Token(context.Context, *Token)     { *c.n++ }

func TestLogLevels(t *testing.T) {
	var buf bytes.Buffer
	l := Log(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	l.Attempt(ctx, &Attempt{Method: "GET", URL: "https://h/p", N: 1, Status: 503, Retry: true, Reason: "status 503", Wait: time.Second})
	l.Token(ctx, &Token{Kind: "fake"})
	if buf.Len() != 0 {
		t.Errorf("debug records written at warn level: %s", buf.String())
	}
	l.Attempt(ctx, &Attempt{Method: "GET", URL: "https://h/p", N: 1, Status: 429, Reason: GiveUpRetryAfter, Wait: time.Hour})
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "wait=1h0m0s") {
		t.Errorf("retry-after give-up: %s", buf.String())
	}
}
