//go:build tools

// Package idsdk pins the code generator cmd/gen runs in-process, so that
// `go mod tidy` keeps it and every checkout generates the same code.
package idsdk

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)
