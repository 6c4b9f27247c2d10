package observe

import (
	"context"
	"log/slog"
	"time"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// Log returns an observer that writes one slog record per HTTP attempt
// ("http attempt": api, operation, method, url, attempt, status or
// error_class and error, duration_ms, and retry with wait or give_up) and
// one per token request ("token fetch" or "token refresh": kind, outcome,
// expiry, duration_ms, error), at debug level; an attempt not repeated
// because the server asked for too long a wait is a warning. Nothing else
// is logged: no headers, no query strings, no tokens; errors go through
// SafeError. A nil l gives nil.
func Log(l *slog.Logger) Observer {
	if l == nil {
		return nil
	}
	return logger{l}
}

type logger struct{ l *slog.Logger }

// StartCall returns ctx: a call is logged through its attempts.
func (logger) StartCall(ctx context.Context, _ *Call) context.Context { return ctx }

// EndCall does nothing: the last attempt's record ends the call.
func (logger) EndCall(context.Context, *Call, error) {}

// Attempt writes the attempt's record.
func (g logger) Attempt(ctx context.Context, a *Attempt) {
	level := slog.LevelDebug
	if !a.Retry && a.Reason == GiveUpRetryAfter {
		level = slog.LevelWarn
	}
	if !g.l.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 10)
	if a.Call != nil {
		attrs = append(attrs, slog.String("api", a.Call.API), slog.String("operation", a.Call.Operation))
	}
	attrs = append(attrs,
		slog.String("method", a.Method),
		slog.String("url", a.URL),
		slog.Int("attempt", a.N),
	)
	if a.Status != 0 {
		attrs = append(attrs, slog.Int("status", a.Status))
	}
	if a.Err != nil {
		attrs = append(attrs, slog.String("error_class", a.ErrorClass), slog.String("error", SafeError(a.Err)))
	}
	attrs = append(attrs, millis(a.Duration))
	switch {
	case a.Retry:
		attrs = append(attrs, slog.String("retry", a.Reason), slog.Duration("wait", a.Wait))
	case a.Reason != "":
		attrs = append(attrs, slog.String("give_up", a.Reason))
		if a.Wait > 0 {
			attrs = append(attrs, slog.Duration("wait", a.Wait))
		}
	}
	g.l.LogAttrs(ctx, level, "http attempt", attrs...)
}

// Token writes the token request's record.
func (g logger) Token(ctx context.Context, t *Token) {
	if !g.l.Enabled(ctx, slog.LevelDebug) {
		return
	}
	msg := "token fetch"
	if t.Refresh {
		msg = "token refresh"
	}
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs, slog.String("kind", t.Kind), slog.String("outcome", t.Outcome()))
	if !t.Expiry.IsZero() {
		attrs = append(attrs, slog.Time("expiry", t.Expiry))
	}
	attrs = append(attrs, millis(t.Duration))
	if t.Err != nil {
		attrs = append(attrs, slog.String("error", SafeError(t.Err)))
	}
	g.l.LogAttrs(ctx, slog.LevelDebug, msg, attrs...)
}

func millis(d time.Duration) slog.Attr {
	return slog.Float64("duration_ms", float64(d.Microseconds())/1000)
}

// SafeError is the text of err for a log or a span: the redacting text
// the SDK's errors give, with URLs cut to scheme://host/path (a *url.Error
// quotes the whole URL) and secret parameters hidden.
func SafeError(err error) string {
	if err == nil {
		return ""
	}
	return (&sdkerrors.RequestError{Err: err}).Error()
}
