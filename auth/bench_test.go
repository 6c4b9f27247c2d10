package auth

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func validToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "a", TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
}

// BenchmarkCacheTokenContext: a cached, valid token through Cache.
func BenchmarkCacheTokenContext(b *testing.B) {
	tok := validToken()
	c := NewCache(Func(func(context.Context) (*oauth2.Token, error) { return tok, nil }))
	ctx := context.Background()
	if _, err := c.TokenContext(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.TokenContext(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReuseTokenSource: the same through x/oauth2's ReuseTokenSource.
func BenchmarkReuseTokenSource(b *testing.B) {
	tok := validToken()
	ts := oauth2.ReuseTokenSource(nil, oauth2.StaticTokenSource(tok))
	if _, err := ts.Token(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := ts.Token(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheTokenContextParallel(b *testing.B) {
	tok := validToken()
	c := NewCache(Func(func(context.Context) (*oauth2.Token, error) { return tok, nil }))
	ctx := context.Background()
	_, _ = c.TokenContext(ctx)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = c.TokenContext(ctx)
		}
	})
}

func BenchmarkReuseTokenSourceParallel(b *testing.B) {
	ts := oauth2.ReuseTokenSource(nil, oauth2.StaticTokenSource(validToken()))
	_, _ = ts.Token()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = ts.Token()
		}
	})
}
