// Command gen builds the typed clients under gen/ from the OpenAPI
// documents under api/, and imports upstream documents into api/.
//
//	go run ./cmd/gen                        regenerate every API (api/*/codegen.yaml)
//	go run ./cmd/gen -check                 fail, listing files, if gen/ is stale
//	go run ./cmd/gen -update-lock           accept renamed or removed methods and types in api/*/names.lock
//	go run ./cmd/gen generate [api...]      regenerate some APIs
//	go run ./cmd/gen import <api> -from <file|URL> [-source-url URL]
//
// Generation is deterministic: a second run changes no byte.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "regenerate in memory and fail if gen/ or a names.lock differs")
	updateLock := fs.Bool("update-lock", false, "accept method and type names that change or disappear")
	root := fs.String("root", ".", "module root (holds api/ and gen/)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	cmd := "generate"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "generate":
		return generateCmd(*root, rest, *check, *updateLock, stdout)
	case "import":
		return importCmd(*root, rest, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q (want generate or import)", cmd)
	}
}

func generateCmd(root string, apis []string, check, updateLock bool, stdout io.Writer) error {
	start := time.Now()
	if len(apis) == 0 {
		var err error
		if apis, err = listAPIs(root); err != nil {
			return err
		}
	}
	var stale []string
	for _, api := range apis {
		t0 := time.Now()
		files, err := generateAPI(root, api, updateLock && !check)
		if err != nil {
			return fmt.Errorf("%s: %w", api, err)
		}
		if check {
			diff, err := compareFiles(root, api, files)
			if err != nil {
				return err
			}
			stale = append(stale, diff...)
			continue
		}
		changed, err := writeFiles(root, api, files)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%-10s %d files, %d changed, %s\n", api, len(files), changed, time.Since(t0).Round(time.Millisecond))
	}
	if check {
		if len(stale) > 0 {
			return fmt.Errorf("generated files are stale or hand-edited; run `go run ./cmd/gen`:\n  %s", strings.Join(stale, "\n  "))
		}
		fmt.Fprintf(stdout, "gen/ matches api/ (%d APIs, %s)\n", len(apis), time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(stdout, "generated %d APIs in %s\n", len(apis), time.Since(start).Round(time.Millisecond))
	return nil
}

// listAPIs returns the folders of api/ that hold a codegen.yaml, sorted.
func listAPIs(root string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(root, "api", "*", "codegen.yaml"))
	if err != nil {
		return nil, err
	}
	if len(matches) == 0 {
		return nil, errors.New("no api/*/codegen.yaml found (run from the module root or pass -root)")
	}
	var apis []string
	for _, m := range matches {
		apis = append(apis, filepath.Base(filepath.Dir(m)))
	}
	return apis, nil
}
