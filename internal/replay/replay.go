// Package replay sends recorded HTTP interactions through the generated
// typed clients against a loopback server that answers the recorded
// response, and reports where a client cannot say what a real client
// said or loses what a real server answered.
//
// Each interaction goes through the facade method of its operation
// (matched by method and path template): the recorded path, query and
// body become the method's typed arguments; the request the client sends
// must equal the recorded one; a 2xx must decode, a non-2xx must be an
// *errors.APIError with the recorded status; and the decoded value,
// encoded again, must keep every member of the recorded answer.
package replay

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Interaction is one recorded request and its answer, one JSON object per
// line of a .jsonl file.
type Interaction struct {
	API         string `json:"api"`
	Method      string `json:"method"`
	Path        string `json:"path"`  // full path on the server, escaped
	Query       string `json:"query"` // raw query string
	ReqBody     string `json:"req_body"`
	ReqType     string `json:"req_ct"`
	Status      int    `json:"status"`
	RespBody    string `json:"resp_body"`
	RespType    string `json:"resp_ct"`
	Source      string `json:"src"` // where it was recorded; the key of exceptions
	ExemptCause string `json:"exempt,omitempty"`
}

// hasBody reports whether the request carried a body.
func (in *Interaction) hasBody() bool {
	b := strings.TrimSpace(in.ReqBody)
	return b != "" && b != "null"
}

// Class is the outcome of one replayed interaction.
type Class string

// Classes, from best to worst; a failing interaction is given the first
// failure met (request, then decoding, then loss).
const (
	OK             Class = "ok"
	RequestDiffers Class = "request differs"
	DecodeFails    Class = "decode fails"
	LosesFields    Class = "loses fields"
	NoOperation    Class = "no operation"
	Exempt         Class = "exempt"
)

// Classes lists every class in report order.
var Classes = []Class{OK, RequestDiffers, DecodeFails, LosesFields, NoOperation, Exempt}

// Failed reports whether c is a failure a test must explain.
func (c Class) Failed() bool {
	return c == RequestDiffers || c == DecodeFails || c == LosesFields
}

// Result is the outcome of one interaction.
type Result struct {
	Interaction *Interaction
	Operation   string // operationId, "" when none matched
	Class       Class
	Detail      []string // what differs, one line each
}

func (r Result) String() string {
	return fmt.Sprintf("%s %s %s [%s] %s: %s", r.Interaction.Method, r.Interaction.Path, r.Operation, r.Interaction.Source, r.Class, strings.Join(r.Detail, "; "))
}

// Load reads the interactions of a .jsonl file.
func Load(file string) ([]*Interaction, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	var out []*Interaction
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		in := new(Interaction)
		if err := json.Unmarshal(line, in); err != nil {
			return nil, fmt.Errorf("replay: %s line %d: %w", file, n, err)
		}
		out = append(out, in)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("replay: %s: %w", file, err)
	}
	return out, nil
}
