package lifetime

import (
	"encoding/json"
	"math"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestSecondsClamps(t *testing.T) {
	cases := []struct {
		in   float64
		want time.Duration
	}{
		{math.NaN(), 0}, {-5, 0}, {0, 0}, {1.5, 1500 * time.Millisecond}, {3600, time.Hour},
		{1e10, Max}, {math.Inf(1), Max}, {math.MaxFloat64, Max},
	}
	for _, c := range cases {
		if got := Seconds(c.in); got != c.want {
			t.Errorf("Seconds(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if got := SecondsInt(int64(math.MaxInt64)); got != Max {
		t.Errorf("SecondsInt(MaxInt64) = %v", got)
	}
	if got := SecondsInt(int32(-1)); got != 0 {
		t.Errorf("SecondsInt(-1) = %v", got)
	}
	if got := SecondsInt(60); got != time.Minute {
		t.Errorf("SecondsInt(60) = %v", got)
	}
}

func TestUnixClamps(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	if got := Unix(1e300, now); !got.Equal(now.Add(Max)) {
		t.Errorf("Unix(1e300) = %v", got)
	}
	if got := Unix(1_700_000_000.5, now); !got.Equal(time.Unix(1_700_000_000, 5e8)) {
		t.Errorf("Unix(past) = %v", got)
	}
	if got := Unix(-1, now); !got.IsZero() {
		t.Errorf("Unix(-1) = %v", got)
	}
}

func TestFromResponseAndExpiresAt(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	// A form answer as x/oauth2 gives it: the raw values are strings and
	// its Expiry overflowed into the past.
	tok := (&oauth2.Token{AccessToken: "a", Expiry: now.Add(-time.Hour)}).WithExtra(url.Values{"expires_in": {"10000000000"}})
	FromResponse(tok, now)
	if !tok.Expiry.Equal(now.Add(Max)) || tok.ExpiresIn != int64(Max/time.Second) {
		t.Fatalf("form: %v %d", tok.Expiry, tok.ExpiresIn)
	}
	// expires_at earlier than expires_in wins, and ExpiresIn follows it.
	tok = (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"expires_in": json.Number("3600"), "expires_at": float64(now.Unix() + 60)})
	FromResponse(tok, now)
	if !tok.Expiry.Equal(now.Add(time.Minute)) || tok.ExpiresIn != 60 {
		t.Fatalf("expires_at: %v %d", tok.Expiry, tok.ExpiresIn)
	}
	// ExpiresAt alone never moves an expiry later (a stored token).
	stored := (&oauth2.Token{AccessToken: "a", Expiry: now.Add(time.Minute), ExpiresIn: math.MaxInt64}).WithExtra(map[string]any{"expires_in": 3600.0})
	ExpiresAt(stored, now.Add(time.Hour))
	if !stored.Expiry.Equal(now.Add(time.Minute)) || stored.ExpiresIn != int64(Max/time.Second) {
		t.Fatalf("stored: %v %d", stored.Expiry, stored.ExpiresIn)
	}
}
