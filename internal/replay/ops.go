package replay

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Operation is one facade method of a generated client: the HTTP method
// and path template it calls, and how its arguments line up.
type Operation struct {
	ID       string // operationId
	Method   string // HTTP method
	Path     string // path template, relative to the client's base URL
	Service  string // the service type, e.g. "UsersService"
	Func     string // the facade method, e.g. "List"
	Args     []Arg  // the arguments between ctx and the options
	URLOnly  bool   // the method builds a URL and makes no call
	segments []string
}

// Arg is one argument of a facade method.
type Arg struct {
	Name string  // as declared: "id", "params", "body", "contentType"
	Kind ArgKind // what the replay puts there
}

// ArgKind says how an argument is filled from a recorded request.
type ArgKind int

// Argument kinds.
const (
	ArgPath        ArgKind = iota // a path parameter, in template order
	ArgParams                     // *XParams: the query (and header) parameters
	ArgBody                       // the typed request body
	ArgRawBody                    // io.Reader: the body as recorded
	ArgContentType                // the content type of a raw body
)

var docLine = regexp.MustCompile(`\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) \(operation ([^)\s]+)\)`)

// LoadOperations reads the facade methods of gen/<api>/services.gen.go
// under root (the module root). Iterators (methods returning iter.Seq2)
// are left out: the replay calls the method that fetches one page.
func LoadOperations(root, api string) ([]*Operation, error) {
	file := filepath.Join(root, "gen", api, "services.gen.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	var ops []*Operation
	seen := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Doc == nil || returnsIterator(fn) {
			continue
		}
		op := parseDoc(fn.Doc)
		if op == nil || seen[op.ID] {
			continue
		}
		seen[op.ID] = true
		op.Service = receiverName(fn)
		op.Func = fn.Name.Name
		op.Args, op.URLOnly = arguments(fn)
		op.segments = strings.Split(strings.Trim(op.Path, "/"), "/")
		ops = append(ops, op)
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("replay: no operations in %s", file)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	return ops, nil
}

func parseDoc(doc *ast.CommentGroup) *Operation {
	for _, c := range doc.List {
		m := docLine.FindStringSubmatch(strings.TrimSpace(strings.TrimPrefix(c.Text, "//")))
		if m != nil {
			return &Operation{Method: m[1], Path: m[2], ID: m[3]}
		}
	}
	return nil
}

func returnsIterator(fn *ast.FuncDecl) bool {
	if fn.Type.Results == nil {
		return false
	}
	for _, r := range fn.Type.Results.List {
		if sel, ok := typeExpr(r.Type).(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "iter" {
				return true
			}
		}
	}
	return false
}

func typeExpr(e ast.Expr) ast.Expr {
	if ix, ok := e.(*ast.IndexListExpr); ok {
		return ix.X
	}
	if ix, ok := e.(*ast.IndexExpr); ok {
		return ix.X
	}
	return e
}

func receiverName(fn *ast.FuncDecl) string {
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// arguments lists the arguments between ctx and the options. A method
// that answers (string, error) builds a URL and makes no call.
func arguments(fn *ast.FuncDecl) ([]Arg, bool) {
	var args []Arg
	urlOnly := false
	if res := fn.Type.Results; res != nil && len(res.List) > 0 {
		if id, ok := res.List[0].Type.(*ast.Ident); ok && id.Name == "string" {
			urlOnly = true
		}
	}
	for _, field := range fn.Type.Params.List {
		if _, ok := field.Type.(*ast.Ellipsis); ok {
			continue
		}
		for _, name := range field.Names {
			switch {
			case name.Name == "ctx":
			case name.Name == "params":
				args = append(args, Arg{Name: name.Name, Kind: ArgParams})
			case name.Name == "contentType":
				args = append(args, Arg{Name: name.Name, Kind: ArgContentType})
			case name.Name == "body" && isReader(field.Type):
				args = append(args, Arg{Name: name.Name, Kind: ArgRawBody})
			case name.Name == "body":
				args = append(args, Arg{Name: name.Name, Kind: ArgBody})
			default:
				args = append(args, Arg{Name: name.Name, Kind: ArgPath})
			}
		}
	}
	return args, urlOnly
}

func isReader(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "io" && sel.Sel.Name == "Reader"
}

// Match finds the operation for method and path (relative to the base
// URL, still escaped) and returns the unescaped path parameter values in
// template order. Literal segments win over parameters.
func Match(ops []*Operation, method, path string) (*Operation, []string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var best *Operation
	var bestVals []string
	bestScore := -1
	for _, op := range ops {
		if op.Method != method || len(op.segments) != len(segs) {
			continue
		}
		vals, score, ok := matchSegments(op.segments, segs)
		if ok && score > bestScore {
			best, bestVals, bestScore = op, vals, score
		}
	}
	return best, bestVals
}

func matchSegments(tmpl, segs []string) ([]string, int, bool) {
	var vals []string
	score := 0
	for i, t := range tmpl {
		v := unescape(segs[i])
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if v == "" {
				return nil, 0, false
			}
			vals = append(vals, v)
			continue
		}
		if t != v {
			return nil, 0, false
		}
		score++
	}
	return vals, score, true
}
