package errors_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/lifetime"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"seconds", "120", 120 * time.Second, true},
		{"zero", "0", 0, true},
		{"spaces", "  5 ", 5 * time.Second, true},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"rfc 850 date", now.Add(time.Hour).Format("Monday, 02-Jan-06 15:04:05 GMT"), time.Hour, true},
		{"asctime date", now.Add(time.Minute).Format(time.ANSIC), time.Minute, true},
		{"past date", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"huge", "99999999999999999999999", lifetime.Max, true},
		{"missing", "", 0, false},
		{"negative", "-5", 0, false},
		{"fraction", "1.5", 0, false},
		{"garbage", "soon", 0, false},
		{"bad date", "Mon, 99 Foo 2025 00:00:00 GMT", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			got, ok := sdkerrors.ParseRetryAfter(h, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %t; want %v, %t", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseRateLimitReset(t *testing.T) {
	tests := []struct {
		name   string
		kv     []string
		want   time.Duration
		wantOK bool
	}{
		{"epoch", []string{"X-RateLimit-Reset", "1748779260"}, 60 * time.Second, true}, // now + 60 s
		{"past epoch", []string{"X-RateLimit-Reset", "1748779000"}, 0, true},
		{"delta", []string{"X-RateLimit-Reset", "30"}, 30 * time.Second, true},
		{"delta fraction", []string{"X-RateLimit-Reset", "0.5"}, 500 * time.Millisecond, true},
		{"ietf name", []string{"RateLimit-Reset", "12"}, 12 * time.Second, true},
		{"x- name wins", []string{"RateLimit-Reset", "12", "X-RateLimit-Reset", "3"}, 3 * time.Second, true},
		{"huge", []string{"X-RateLimit-Reset", "1e300"}, lifetime.Max, true},
		{"missing", nil, 0, false},
		{"negative", []string{"X-RateLimit-Reset", "-1"}, 0, false},
		{"nan", []string{"X-RateLimit-Reset", "NaN"}, 0, false},
		{"inf", []string{"X-RateLimit-Reset", "+Inf"}, 0, false},
		{"garbage", []string{"X-RateLimit-Reset", "tomorrow"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sdkerrors.ParseRateLimitReset(header(tt.kv...), now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRateLimitReset(%v) = %v, %t; want %v, %t", tt.kv, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseRateLimit(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
		want *sdkerrors.RateLimitError
	}{
		{"nothing", nil, nil},
		{"only garbage", []string{"Retry-After", "later", "X-RateLimit-Limit", "many"}, nil},
		{"retry-after seconds", []string{"Retry-After", "10"}, &sdkerrors.RateLimitError{RetryAfter: 10 * time.Second}},
		{"retry-after date", []string{"Retry-After", now.Add(2 * time.Minute).Format(http.TimeFormat)},
			&sdkerrors.RateLimitError{RetryAfter: 2 * time.Minute}},
		{"epoch reset and counts", []string{"X-RateLimit-Limit", "100", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "1748779230"},
			&sdkerrors.RateLimitError{RetryAfter: 30 * time.Second, Limit: 100, Remaining: 0, Reset: now.Add(30 * time.Second)}},
		{"retry-after wins over reset", []string{"Retry-After", "5", "X-RateLimit-Reset", "50"},
			&sdkerrors.RateLimitError{RetryAfter: 5 * time.Second, Reset: now.Add(50 * time.Second)}},
		{"ietf names", []string{"RateLimit-Limit", "10, 10;w=1", "RateLimit-Remaining", "3", "RateLimit-Reset", "1"},
			&sdkerrors.RateLimitError{RetryAfter: time.Second, Limit: 10, Remaining: 3, Reset: now.Add(time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sdkerrors.ParseRateLimit(header(tt.kv...), now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseRateLimit (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateLimitError(t *testing.T) {
	rl := &sdkerrors.RateLimitError{StatusCode: 429, RetryAfter: 30 * time.Second, Limit: 100, Remaining: 0, Reset: now.Add(30 * time.Second)}
	want := "rate limited (429 Too Many Requests): retry after 30s, 0 of 100 requests left, window resets at 2025-06-01T12:00:30Z"
	if got := rl.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := (&sdkerrors.RateLimitError{}).Error(); got != "rate limited" {
		t.Errorf("zero Error() = %q", got)
	}
	if !errors.Is(rl, sdkerrors.ErrRateLimited) || errors.Is(rl, sdkerrors.ErrServer) {
		t.Error("Is")
	}
	// A 503 with Retry-After is a throttle too.
	e := sdkerrors.NewAPIError("a", "b", response(t, 503, "", "", "Retry-After", "2"))
	if !errors.Is(e, sdkerrors.ErrRateLimited) || !errors.Is(e, sdkerrors.ErrUnavailable) {
		t.Error("503 with Retry-After")
	}
}
