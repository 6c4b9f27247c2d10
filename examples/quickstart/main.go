// Command quickstart walks the main job of every API idsdk-go covers,
// against the local emulator (package sandbox) started in-process: no
// account, no credentials, no network beyond the loopback interface.
//
//	go run ./examples/quickstart
//
// Each file of this package registers one step (auth0.go, authlete.go,
// nexaas.go, zaikio.go, connector.go); main runs them in a fixed order,
// prints what happened and exits 0. Read a step's file to see how that
// API is used with real credentials: only the domain or base URL and the
// credentials come from the sandbox.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/idsdk/idsdk-go/sandbox"
)

// step is one API's walk-through.
type step struct {
	order int
	title string
	run   func(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error
}

// steps are registered by the files of this package, in their init.
var steps []step

// register adds a step; order fixes its place (Auth0 1, Authlete 2,
// Nexaas 3, Zaikio 4, the connector 5).
func register(order int, title string, run func(ctx context.Context, sb *sandbox.Sandbox, out io.Writer) error) {
	steps = append(steps, step{order: order, title: title, run: run})
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts the sandbox and runs every step against it.
func run(ctx context.Context, out io.Writer) error {
	sb, err := sandbox.New()
	if err != nil {
		return err
	}
	defer sb.Close()
	ordered := slices.Clone(steps)
	slices.SortStableFunc(ordered, func(a, b step) int { return cmp.Compare(a.order, b.order) })
	for _, s := range ordered {
		fmt.Fprintf(out, "== %s\n", s.title)
		if err := s.run(ctx, sb, out); err != nil {
			return fmt.Errorf("%s: %w", s.title, err)
		}
	}
	fmt.Fprintln(out, "== done")
	return sb.Close()
}
