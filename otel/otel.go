// Package otel reports the SDK's calls, HTTP attempts and token requests
// to OpenTelemetry: a client span per call, named after the API and the
// operation ("nexaasid GetProfile"), with the HTTP semantic-convention
// attributes, an event per attempt and per token request, and counters of
// calls, retries and token requests.
//
// It is the only package of the module that imports OpenTelemetry: the
// clients and the token caches know only the vendor-neutral
// observe.Observer, which New returns. Give it to a client and, for a
// token source built outside the client, to its cache:
//
//	obs := idsdkotel.New() // the global providers, or WithTracerProvider, WithMeterProvider
//	c, err := nexaasid.New(nexaasid.WithObserver(obs), nexaasid.WithApplication(cfg))
//	cache := auth.NewCache(src, auth.WithCacheObserver(obs))
//
// Nothing secret reaches a span or a metric: URLs come without query or
// user information, no header is recorded, errors are recorded through
// observe.SafeError and tokens never.
//
// # What is recorded
//
// Span (kind client) per call: http.request.method, server.address,
// server.port, url.full (no query), url.template, idsdk.api,
// idsdk.operation; at the end http.response.status_code,
// http.request.resend_count (when the call was retried) and, on failure,
// error.type and an Error status. Events: "idsdk.attempt" per HTTP attempt
// (idsdk.attempt, http.response.status_code or error.type,
// idsdk.attempt.duration_ms, idsdk.retry.reason and idsdk.retry.wait_ms when
// another attempt follows, idsdk.retry.give_up when a failed one is not
// repeated) and "idsdk.token.fetch" or "idsdk.token.refresh" per token
// request made for the call (idsdk.credential.kind, idsdk.token.outcome,
// idsdk.token.expiry).
//
// Counters: idsdk.client.calls (idsdk.api, idsdk.operation,
// http.request.method, http.response.status_code, error.type),
// idsdk.client.retries (idsdk.api, idsdk.operation, idsdk.retry.reason)
// and idsdk.token.requests (idsdk.credential.kind, idsdk.token.refresh,
// idsdk.token.outcome).
package otel

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gotel "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/idsdk/idsdk-go/observe"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/idsdk/idsdk-go/otel"

// Attribute keys of the SDK's own attributes.
const (
	KeyAPI            = attribute.Key("idsdk.api")
	KeyOperation      = attribute.Key("idsdk.operation")
	KeyAttempt        = attribute.Key("idsdk.attempt")
	KeyAttemptMillis  = attribute.Key("idsdk.attempt.duration_ms")
	KeyRetryReason    = attribute.Key("idsdk.retry.reason")
	KeyRetryWait      = attribute.Key("idsdk.retry.wait_ms")
	KeyGiveUp         = attribute.Key("idsdk.retry.give_up")
	KeyCredentialKind = attribute.Key("idsdk.credential.kind")
	KeyTokenRefresh   = attribute.Key("idsdk.token.refresh")
	KeyTokenOutcome   = attribute.Key("idsdk.token.outcome")
	KeyTokenExpiry    = attribute.Key("idsdk.token.expiry")
)

// Option configures New.
type Option func(*config)

type config struct {
	tp trace.TracerProvider
	mp metric.MeterProvider
}

// WithTracerProvider makes spans with tp instead of the global provider.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.tp = tp }
}

// WithMeterProvider makes counters with mp instead of the global provider.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.mp = mp }
}

// Observer turns the SDK's reports into spans, events and counters. It is
// an observe.Observer, safe for concurrent use; one may serve every client.
type Observer struct {
	tracer  trace.Tracer
	calls   metric.Int64Counter
	retries metric.Int64Counter
	tokens  metric.Int64Counter
}

var _ observe.Observer = (*Observer)(nil)

// New returns an Observer using the global providers unless the options
// name others. An instrument that cannot be made is reported to the
// OpenTelemetry error handler and left out (a no-op counter).
func New(opts ...Option) *Observer {
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.tp == nil {
		cfg.tp = gotel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = gotel.GetMeterProvider()
	}
	m := cfg.mp.Meter(ScopeName)
	o := &Observer{tracer: cfg.tp.Tracer(ScopeName)}
	o.calls = counter(m, "idsdk.client.calls", "{call}", "Calls of the SDK's API clients.")
	o.retries = counter(m, "idsdk.client.retries", "{retry}", "HTTP attempts repeated by the retry policy.")
	o.tokens = counter(m, "idsdk.token.requests", "{request}", "Token requests of the SDK's token caches: first fetches and refreshes.")
	return o
}

func counter(m metric.Meter, name, unit, desc string) metric.Int64Counter {
	c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	if err != nil {
		gotel.Handle(fmt.Errorf("idsdk otel: %s: %w", name, err))
	}
	return c
}

// callState is what the Observer keeps of a call in progress.
type callState struct {
	span      trace.Span
	lastClass string // error class of the latest attempt
}

type stateKey struct{}

// StartCall starts the call's span and returns ctx carrying it.
func (o *Observer) StartCall(ctx context.Context, c *observe.Call) context.Context {
	attrs := make([]attribute.KeyValue, 0, 7)
	attrs = append(attrs,
		KeyAPI.String(c.API),
		KeyOperation.String(c.Operation),
		semconv.HTTPRequestMethodKey.String(c.Method),
		semconv.URLFull(c.URL),
	)
	if c.Template != "" {
		attrs = append(attrs, semconv.URLTemplate(c.Template))
	}
	if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
		attrs = append(attrs, semconv.ServerAddress(u.Hostname()))
		if port := portOf(u); port > 0 {
			attrs = append(attrs, semconv.ServerPort(port))
		}
	}
	ctx, span := o.tracer.Start(ctx, c.API+" "+c.Operation,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...), trace.WithTimestamp(c.Start))
	return context.WithValue(ctx, stateKey{}, &callState{span: span})
}

// portOf is the port of u, explicit or the scheme's default.
func portOf(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return n
	}
	switch u.Scheme {
	case "https":
		return 443
	case "http":
		return 80
	}
	return 0
}

// Attempt adds an event to the call's span and counts a retry.
func (o *Observer) Attempt(ctx context.Context, a *observe.Attempt) {
	if st, _ := ctx.Value(stateKey{}).(*callState); st != nil {
		st.lastClass = a.ErrorClass
		attrs := make([]attribute.KeyValue, 0, 5)
		attrs = append(attrs, KeyAttempt.Int(a.N), KeyAttemptMillis.Float64(millis(a.Duration)))
		if a.Status != 0 {
			attrs = append(attrs, semconv.HTTPResponseStatusCode(a.Status))
		}
		if a.ErrorClass != "" {
			attrs = append(attrs, semconv.ErrorTypeKey.String(a.ErrorClass))
		}
		switch {
		case a.Retry:
			attrs = append(attrs, KeyRetryReason.String(a.Reason), KeyRetryWait.Float64(millis(a.Wait)))
		case a.Reason != "":
			attrs = append(attrs, KeyGiveUp.String(a.Reason))
		}
		st.span.AddEvent("idsdk.attempt", trace.WithAttributes(attrs...))
	}
	if a.Retry {
		api, op := "", ""
		if a.Call != nil {
			api, op = a.Call.API, a.Call.Operation
		}
		o.retries.Add(ctx, 1, metric.WithAttributes(KeyAPI.String(api), KeyOperation.String(op), KeyRetryReason.String(a.Reason)))
	}
}

// EndCall ends the call's span and counts the call.
func (o *Observer) EndCall(ctx context.Context, c *observe.Call, err error) {
	attrs := make([]attribute.KeyValue, 0, 5)
	attrs = append(attrs, KeyAPI.String(c.API), KeyOperation.String(c.Operation), semconv.HTTPRequestMethodKey.String(c.Method))
	if c.Status != 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCode(c.Status))
	}
	st, _ := ctx.Value(stateKey{}).(*callState)
	if err != nil {
		class := ""
		if st != nil {
			class = st.lastClass
		}
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(c.Status, class, err)))
	}
	o.calls.Add(ctx, 1, metric.WithAttributes(attrs...))
	if st == nil {
		return
	}
	span := st.span
	if c.Status != 0 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(c.Status))
	}
	if c.Attempts > 1 {
		span.SetAttributes(semconv.HTTPRequestResendCount(c.Attempts - 1))
	}
	if err != nil {
		span.SetAttributes(attrs[len(attrs)-1])
		span.SetStatus(codes.Error, observe.SafeError(err))
	}
	span.End(trace.WithTimestamp(c.Start.Add(c.Duration)))
}

// errorType is the low-cardinality error.type of a failed call: the
// status when the server answered 4xx or 5xx, else the class of the last
// attempt's transport error, else the error's Go type.
func errorType(status int, class string, err error) string {
	switch {
	case status >= 400:
		return strconv.Itoa(status)
	case class != "":
		return class
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	return fmt.Sprintf("%T", err)
}

// Token adds an event to the span of the call that asked for the token,
// if any, and counts the request.
func (o *Observer) Token(ctx context.Context, t *observe.Token) {
	attrs := []attribute.KeyValue{
		KeyCredentialKind.String(t.Kind),
		KeyTokenRefresh.Bool(t.Refresh),
		KeyTokenOutcome.String(t.Outcome()),
	}
	o.tokens.Add(ctx, 1, metric.WithAttributes(attrs...))
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	if !t.Expiry.IsZero() {
		attrs = append(attrs, KeyTokenExpiry.String(t.Expiry.UTC().Format(time.RFC3339)))
	}
	if t.Err != nil {
		attrs = append(attrs, attribute.String("error.message", observe.SafeError(t.Err)))
	}
	name := "idsdk.token.fetch"
	if t.Refresh {
		name = "idsdk.token.refresh"
	}
	span.AddEvent(name, trace.WithAttributes(attrs...))
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
