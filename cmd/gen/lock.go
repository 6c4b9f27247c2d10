package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
)

// nameLock maps operationId to "Service.Path.Method", and "type Name" to
// "" for each exported type of the generated package. It is committed as
// api/<api>/names.lock so that a regeneration never renames a method or a
// type without someone saying so (-update-lock).
type nameLock map[string]string

// typeKey is the prefix of a type's key in a nameLock.
const typeKey = "type "

func readLock(path string) (nameLock, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nameLock{}, nil
	}
	if err != nil {
		return nil, err
	}
	lock := nameLock{}
	s := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; s.Scan(); n++ {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"operationId Service.Method\" or \"type Name\"", path, n)
		}
		if f[0] == strings.TrimSpace(typeKey) {
			lock[typeKey+f[1]] = ""
			continue
		}
		lock[f[0]] = f[1]
	}
	return lock, s.Err()
}

// split separates the methods of a lock from its types.
func (l nameLock) split() (methods nameLock, types map[string]bool) {
	methods, types = nameLock{}, map[string]bool{}
	for k, v := range l {
		if name, ok := strings.CutPrefix(k, typeKey); ok {
			types[name] = true
		} else {
			methods[k] = v
		}
	}
	return methods, types
}

// lockTypes checks the exported types of the generated Go files against
// the locked ones: a type that is gone (renamed or dropped) is an error
// unless update is set. It adds the current types to methods, which
// becomes the new lock.
func lockTypes(files map[string][]byte, locked map[string]bool, update bool, methods nameLock) error {
	current, err := exportedTypes(files)
	if err != nil {
		return err
	}
	var gone []string
	for name := range locked {
		if !current[name] {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	if len(gone) > 0 && !update {
		return fmt.Errorf("type %s is gone from the generated package (renamed or removed); if that is meant, run `go run ./cmd/gen -update-lock`", strings.Join(gone, ", "))
	}
	for name := range current {
		methods[typeKey+name] = ""
	}
	return nil
}

// exportedTypes lists the exported type names declared by the generated
// Go files (tests left out).
func exportedTypes(files map[string][]byte) (map[string]bool, error) {
	out := map[string]bool{}
	fset := token.NewFileSet()
	for path, src := range files {
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, s := range gd.Specs {
					if n := s.(*ast.TypeSpec).Name; n.IsExported() {
						out[n.Name] = true
					}
				}
			}
		}
	}
	return out, nil
}

func (l nameLock) bytes(api string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# The facade method of each operation of api/%s/openapi.yaml, then every\n", api)
	b.WriteString("# exported type of gen/" + api + ".\n")
	b.WriteString("# cmd/gen refuses to rename or drop one; run `go run ./cmd/gen -update-lock` to accept a change.\n")
	var types []string
	for _, id := range sortedKeys(l) {
		if name, ok := strings.CutPrefix(id, typeKey); ok {
			types = append(types, name)
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", id, l[id])
	}
	for _, name := range types {
		fmt.Fprintf(&b, "%s%s\n", typeKey, name)
	}
	return []byte(b.String())
}
