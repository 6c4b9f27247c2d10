// Package lifetime turns the lifetimes and waits a server sends
// (expires_in, expires_at, a polling interval, Retry-After,
// X-RateLimit-Reset) into time values. It is the one place where a number
// from the wire becomes a time.Duration: every value is clamped to
// [0, Max], so a huge number can neither overflow time.Duration nor put an
// expiry in the past.
package lifetime

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Max is the longest lifetime or wait read from a server: 100 years, far
// from the 292 years a time.Duration holds. A larger value means "practically
// never" and is read as Max.
const Max = 100 * 365 * 24 * time.Hour

// maxSeconds is Max in seconds.
const maxSeconds = float64(Max / time.Second)

// Seconds converts a number of seconds to a Duration in [0, Max]. NaN,
// negative values and zero give 0.
func Seconds(f float64) time.Duration {
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= maxSeconds:
		return Max
	}
	return time.Duration(f * float64(time.Second))
}

// SecondsInt is Seconds for an integer count.
func SecondsInt[T ~int | ~int32 | ~int64](n T) time.Duration {
	if int64(n) >= int64(maxSeconds) {
		return Max
	}
	return Seconds(float64(n))
}

// Unix converts a time in seconds since the epoch (an "expires_at" or
// "exp") to a time.Time no later than now + Max. NaN and values <= 0 give
// the zero time (unknown); a time in the past is kept as it is.
func Unix(f float64, now time.Time) time.Time {
	if math.IsNaN(f) || f <= 0 {
		return time.Time{}
	}
	limit := now.Add(Max)
	if f >= float64(limit.Unix()) {
		return limit
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9))
}

// FromResponse fixes the expiry of a token just returned by a token
// endpoint through x/oauth2, whose own conversion of expires_in overflows
// for a form-encoded answer (and clamps a JSON one to 68 years), then
// applies ExpiresAt. now is when the answer arrived. Call it once, on the
// answer: a token loaded later from a store must go through ExpiresAt
// only, or its expiry would move.
func FromResponse(tok *oauth2.Token, now time.Time) *oauth2.Token {
	if tok == nil {
		return nil
	}
	if in, ok := Number(tok.Extra("expires_in")); ok && in > 0 {
		d := Seconds(in)
		tok.Expiry = now.Add(d)
		tok.ExpiresIn = int64(d / time.Second)
	}
	return ExpiresAt(tok, now)
}

// ExpiresAt honours an "expires_at" (seconds since the epoch) in the
// token's extra data: when the token also has an expiry the earlier one
// wins, and ExpiresIn then becomes the time left from now. It also clamps
// ExpiresIn to Max. It is idempotent.
func ExpiresAt(tok *oauth2.Token, now time.Time) *oauth2.Token {
	if tok == nil {
		return nil
	}
	if tok.ExpiresIn > 0 {
		tok.ExpiresIn = min(tok.ExpiresIn, int64(Max/time.Second))
	}
	if at, ok := Number(tok.Extra("expires_at")); ok && at > 0 {
		exp := Unix(at, now)
		if tok.Expiry.IsZero() || exp.Before(tok.Expiry) {
			tok.Expiry = exp
			tok.ExpiresIn = 0
			if d := exp.Sub(now); d > 0 {
				tok.ExpiresIn = int64(d / time.Second)
			}
		}
	}
	return tok
}

// Number reads a JSON number (float64 or json.Number as decoded) or a
// numeric string (from a form-encoded answer).
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case interface{ Float64() (float64, error) }:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil
	}
	return 0, false
}
