package tokenstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/internal/peers"
)

// BenchmarkGetWarm measures Get when a valid token is stored: one indexed
// query, one row decrypted, no token request.
func BenchmarkGetWarm(b *testing.B) {
	for _, bk := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") }},
		{"postgres", func(b *testing.B) string { return peers.Postgres(b) }},
	} {
		b.Run(bk.name, func(b *testing.B) {
			ctx := context.Background()
			ts := newTokenServer(b)
			keys, _ := tokenstore.NewKeyring(newKey(b, "k1"))
			s, err := openStore(ctx, bk.dsn(b), tokenstore.Options{Keys: keys,
				Clients: []tokenstore.ClientConfig{{Name: clientID, Client: ts.client(), Scopes: []string{"directory.person.r"}}}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			opts := tokenstore.GetOptions{BearerID: "42"}
			if _, err := s.Get(ctx, opts); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Get(ctx, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if n := ts.clientCredentials.Load(); n != 1 {
				b.Fatalf("%d token requests, want 1", n)
			}
		})
	}
}
