package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// syncBuffer is written by run and read by the test.
type syncBuffer struct{ ch chan []byte }

func (b syncBuffer) Write(p []byte) (int, error) {
	b.ch <- append([]byte(nil), p...)
	return len(p), nil
}

func TestRunPrintsEndpointsAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	out := syncBuffer{ch: make(chan []byte, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, out) }()

	var printed []byte
	select {
	case printed = <-out.ch:
	case err := <-done:
		t.Fatalf("run ended: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("nothing printed")
	}
	var desc struct {
		Auth0 struct{ URL, ClientID, ClientSecret string }
	}
	if err := json.Unmarshal(printed, &desc); err != nil || desc.Auth0.URL == "" || desc.Auth0.ClientSecret == "" {
		t.Fatalf("printed %s (%v)", printed, err)
	}
	resp, err := http.Get(desc.Auth0.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("discovery: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
