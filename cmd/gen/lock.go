package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
)

// nameLock maps operationId to "Service.Path.Method". It is committed as
// api/<api>/names.lock so that a regeneration never renames a method
// without someone saying so (-update-lock).
type nameLock map[string]string

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
			return nil, fmt.Errorf("%s:%d: want \"operationId Service.Method\"", path, n)
		}
		lock[f[0]] = f[1]
	}
	return lock, s.Err()
}

func (l nameLock) bytes(api string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# The facade method of each operation of api/%s/openapi.yaml.\n", api)
	b.WriteString("# cmd/gen refuses to rename or drop one; run `go run ./cmd/gen -update-lock` to accept a change.\n")
	for _, id := range sortedKeys(l) {
		fmt.Fprintf(&b, "%s %s\n", id, l[id])
	}
	return []byte(b.String())
}
