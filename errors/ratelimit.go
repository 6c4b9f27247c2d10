package errors

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idsdk/idsdk-go/internal/lifetime"
)

// RateLimitError describes a throttled request: what the server said about
// when to come back and about its quota. NewAPIError attaches one to every
// 429 response and to a 503 that carries Retry-After. A field whose header
// was absent or unreadable stays zero, so Remaining == 0 alone does not mean
// the quota is spent: check Limit too.
type RateLimitError struct {
	// StatusCode is the HTTP status of the response (429 or 503).
	StatusCode int
	// RetryAfter is how long to wait before trying again, from Retry-After,
	// else from X-RateLimit-Reset. Zero when neither was usable.
	RetryAfter time.Duration
	// Limit is X-RateLimit-Limit: the requests allowed in the window.
	Limit int
	// Remaining is X-RateLimit-Remaining: the requests left in the window.
	Remaining int
	// Reset is when the window resets, from X-RateLimit-Reset.
	Reset time.Time
}

// Error describes the limit in one line.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString("rate limited")
	if e.StatusCode != 0 {
		b.WriteString(" (")
		b.WriteString(statusText(e.StatusCode))
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		b.WriteString(": retry after ")
		b.WriteString(e.RetryAfter.String())
	}
	if e.Limit > 0 {
		b.WriteString(", ")
		b.WriteString(strconv.Itoa(e.Remaining))
		b.WriteString(" of ")
		b.WriteString(strconv.Itoa(e.Limit))
		b.WriteString(" requests left")
	}
	if !e.Reset.IsZero() {
		b.WriteString(", window resets at ")
		b.WriteString(e.Reset.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// Is reports whether target is ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// epochThreshold separates the two readings of X-RateLimit-Reset: larger
// values are Unix times (1e9 is September 2001), smaller ones are seconds.
const epochThreshold = 1e9

// ParseRetryAfter reads the Retry-After header of h, given either as
// delta-seconds or as an HTTP-date, and returns how long to wait from now.
// A date in the past gives 0, true. A missing or malformed value (negative
// or fractional seconds, an unknown date format) gives 0, false. Very large
// values are clamped to 100 years, like every lifetime read from a server.
func ParseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, _ := strconv.ParseFloat(v, 64) // all digits: at worst +Inf
		return lifetime.Seconds(n), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return until(t, now), true
}

// ParseRateLimitReset reads X-RateLimit-Reset (or RateLimit-Reset when that
// is absent) and returns how long until the window resets. A value above
// 1e9 is a Unix time in seconds; a smaller one is a number of seconds from
// now. Fractions are allowed. A reset in the past gives 0, true; a missing,
// negative or malformed value gives 0, false.
func ParseRateLimitReset(h http.Header, now time.Time) (time.Duration, bool) {
	v := firstHeader(h, "X-RateLimit-Reset", "RateLimit-Reset")
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, false
	}
	if f > epochThreshold {
		f -= float64(now.Unix()) + float64(now.Nanosecond())/1e9
	}
	return lifetime.Seconds(f), true
}

// ParseRateLimit gathers what h says about rate limits: RetryAfter from
// Retry-After or else X-RateLimit-Reset, Reset from X-RateLimit-Reset, Limit
// and Remaining from X-RateLimit-Limit and X-RateLimit-Remaining (the
// RateLimit-* names without the X- prefix are read when those are absent).
// StatusCode is left zero for the caller. It returns nil when h has none of
// these headers in a usable form.
func ParseRateLimit(h http.Header, now time.Time) *RateLimitError {
	var rl RateLimitError
	found := false
	if d, ok := ParseRetryAfter(h, now); ok {
		rl.RetryAfter, found = d, true
	}
	if d, ok := ParseRateLimitReset(h, now); ok {
		if !found {
			rl.RetryAfter = d
		}
		rl.Reset = now.Add(d)
		found = true
	}
	if n, ok := headerInt(h, "X-RateLimit-Limit", "RateLimit-Limit"); ok {
		rl.Limit, found = n, true
	}
	if n, ok := headerInt(h, "X-RateLimit-Remaining", "RateLimit-Remaining"); ok {
		rl.Remaining, found = n, true
	}
	if !found {
		return nil
	}
	return &rl
}

// until is t - now, in [0, lifetime.Max].
func until(t, now time.Time) time.Duration {
	return min(max(t.Sub(now), 0), lifetime.Max)
}

// firstHeader returns the trimmed value of the first of names present in h.
func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(h.Get(n)); v != "" {
			return v
		}
	}
	return ""
}

// headerInt reads a non-negative integer from the first of names present in
// h. Only the leading number counts, so list forms such as "100, 100;w=60"
// give 100.
func headerInt(h http.Header, names ...string) (int, bool) {
	v := firstHeader(h, names...)
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	if end == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return 0, false
	}
	return n, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
