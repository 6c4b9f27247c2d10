package main

import (
	"errors"
	"io"
)

func importCmd(root string, args []string, stdout, stderr io.Writer) error {
	return errors.New("import: not yet")
}
