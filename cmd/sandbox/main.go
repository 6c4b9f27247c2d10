// Command sandbox serves the local emulator of every API idsdk-go covers
// (Auth0, Authlete, Nexaas ID, Zaikio) on the loopback interface, for
// tools that are not Go tests, and prints each API's endpoints and
// credentials as JSON. It runs until interrupted.
//
//	go run ./cmd/sandbox              # free ports
//	go run ./cmd/sandbox -port 8600   # Auth0 on 8600, Authlete 8601, Nexaas 8602, Zaikio 8603
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/idsdk/idsdk-go/sandbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run starts the sandbox, writes its endpoints and credentials to out and
// serves until ctx ends.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	port := fs.Int("port", 0, "first of four consecutive loopback ports (0: free ports)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sb, err := sandbox.New(sandbox.WithPorts(*port))
	if err != nil {
		return err
	}
	defer sb.Close()
	b, err := json.MarshalIndent(sb, "", "  ")
	if err != nil {
		return fmt.Errorf("sandbox: describe: %w", err)
	}
	if _, err := fmt.Fprintf(out, "%s\n", b); err != nil {
		return err
	}
	<-ctx.Done()
	return sb.Close()
}
