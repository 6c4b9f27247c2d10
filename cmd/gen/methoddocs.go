package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	sdkerrors "github.com/idsdk/idsdk-go/errors"
)

// The doc comments of the generated methods: facts read from the document
// (method and path, operationId, security, parameters and their limits,
// paging, error statuses, the vendor's reference page), never its prose.

// methodDocs returns the doc comment of op's method and of its iterator.
func methodDocs(spec *openapi3.T, d *codegen.OperationDefinition, op *facadeOp, refPattern string) (doc, pagerDoc string) {
	var paras [][]string
	id := op.DocID
	if op.URLOnly {
		first := fmt.Sprintf("%s builds the URL of GET %s (operation %s) and sends nothing: a browser or a streaming client loads it.", op.Name, op.Path, id)
		p := []string{first}
		if op.TokenParam != "" {
			p = append(p, fmt.Sprintf("The URL carries an access token in %s: the one given in params, else a token of the client's own token source, fetched with ctx. A client without a token source fails with auth.ErrNoCredentials.", op.TokenParam))
		}
		paras = append(paras, p)
	} else {
		paras = append(paras, []string{fmt.Sprintf("%s sends %s %s (operation %s).", op.Name, op.Method, op.Path, id)})
	}
	switch s := securityDoc(spec, d.Spec); {
	case !op.URLOnly:
		paras = append(paras, []string{"Security: " + s + "."})
	case op.TokenParam == "" && s != "no credentials":
		// Whoever loads the URL presents the credentials.
		paras = append(paras, []string{"Security, for the client that loads the URL: " + s + "."})
	}
	if args := argumentDocs(d, op); len(args) > 0 {
		paras = append(paras, append([]string{"Arguments:"}, args...))
	}
	if op.Paging != nil {
		paras = append(paras, []string{pagingDoc(op)})
	}
	if e := errorDoc(d.Spec); e != "" && !op.URLOnly {
		paras = append(paras, []string{e})
	}
	if noRef, _ := d.Spec.Extensions[extNoRef].(bool); noRef {
		refPattern = ""
	}
	if u := referenceURL(refPattern, op); u != "" {
		paras = append(paras, []string{"Reference: " + u})
	}
	if op.Deprecated {
		paras = append(paras, []string{"Deprecated: the API marks this operation deprecated."})
	}
	doc = comment(paras)
	if op.Paging != nil {
		pagerDoc = comment([][]string{
			{fmt.Sprintf("%s ranges over every item %s lists (%s), fetching the pages as the loop goes; breaking out of the loop stops fetching. params (which may be nil) is copied, never changed; its paging fields, when set, give the first page and the page size. An error ends the sequence.", op.PagerName, op.Name, pagingStyle(op.Paging))},
			{fmt.Sprintf("Each page is one %s %s (operation %s).", op.Method, op.Path, id)},
		})
	}
	return doc, pagerDoc
}

// comment renders paragraphs as a Go doc comment: list items (lines that
// start with "  - ") stay on their own lines.
func comment(paras [][]string) string {
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("//\n")
		}
		for _, line := range p {
			b.WriteString("// " + line + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// argumentDocs lists the arguments between ctx and the options, then the
// header options.
func argumentDocs(d *codegen.OperationDefinition, op *facadeOp) []string {
	var out []string
	for i, p := range d.PathParams {
		out = append(out, fmt.Sprintf("  - %s: %s.", op.PathParams[i].Name, paramFacts("path parameter", p.ParamName, op.PathParams[i].Name, true, p.Spec)))
	}
	switch {
	case op.RawBody:
		var cts []string
		for _, b := range d.Bodies {
			cts = append(cts, b.ContentType)
		}
		if d.Spec.RequestBody != nil && d.Spec.RequestBody.Value != nil {
			cts = cts[:0]
			for ct := range d.Spec.RequestBody.Value.Content {
				cts = append(cts, ct)
			}
		}
		sort.Strings(cts)
		out = append(out, fmt.Sprintf("  - contentType, body: the request body as sent, of type %s.", strings.Join(cts, " or ")))
	case op.BodyType != "":
		req := "optional"
		if d.BodyRequired {
			req = "required"
		}
		out = append(out, fmt.Sprintf("  - body: %s, sent as %s (%s).", op.BodyType, op.ContentType, req))
	}
	for _, p := range d.QueryParams {
		out = append(out, fmt.Sprintf("  - params.%s: %s.", p.GoName(), paramFacts("query parameter", p.ParamName, "", p.Required, p.Spec)))
	}
	for _, h := range op.HeaderOpts {
		line := fmt.Sprintf("  - %s(value): %s", h.RequestOption, paramFacts("header", h.Header, "", h.Required, &openapi3.Parameter{Schema: h.Schema}))
		if h.Option != "" {
			line += fmt.Sprintf("; %s sends it with every call of the client that declares it", h.Option)
		}
		out = append(out, line+".")
	}
	return out
}

// paramFacts describes one parameter: where it goes, under which name,
// whether it is required, its schema.
func paramFacts(where, name, goName string, required bool, p *openapi3.Parameter) string {
	s := where
	if name != goName {
		s += " " + strconv.Quote(name)
	}
	if required && where != "path parameter" {
		s += ", required"
	}
	if p != nil {
		if p.Deprecated {
			s += ", deprecated"
		}
		if p.Schema != nil {
			s += ", " + schemaFacts(p.Schema)
		} else if len(p.Content) > 0 {
			s += ", JSON text"
		}
	}
	return s
}

// schemaFacts describes a parameter's schema in a few words, with the
// facts a model field's doc gives (typeFacts): type and format, the
// referenced schema's name, enum values, limits, default.
func schemaFacts(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return "any value"
	}
	facts := typeFacts(&openapi3.SchemaRef{Value: ref.Value}, true)
	if name := refBase(ref.Ref); name != "" {
		// Quoted, as the model docs quote it: the document's name, which
		// the Go type's may differ from (typeRenames).
		facts[0] += " (schema " + strconv.Quote(name) + ")"
	}
	return strings.Join(facts, ", ")
}

// securityDoc lists the security requirements of an operation (its own,
// else the document's), alternatives joined by "or".
func securityDoc(spec *openapi3.T, op *openapi3.Operation) string {
	reqs := spec.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var alts []string
	for _, req := range reqs {
		if len(req) == 0 {
			alts = append(alts, "no credentials")
			continue
		}
		var all []string
		for _, name := range sortedKeys(req) {
			all = append(all, schemeDoc(spec, name, req[name]))
		}
		alts = append(alts, strings.Join(all, " and "))
	}
	if len(alts) == 0 {
		return "no credentials"
	}
	return strings.Join(alts, ", or ")
}

// schemeDoc names one security scheme and the scopes asked of it.
func schemeDoc(spec *openapi3.T, name string, scopes []string) string {
	kind := name
	if spec.Components != nil {
		if ss := spec.Components.SecuritySchemes[name]; ss != nil && ss.Value != nil {
			switch v := ss.Value; {
			case v.Type == "http" && strings.EqualFold(v.Scheme, "bearer"):
				kind = "a bearer token (" + name + ")"
			case v.Type == "http" && strings.EqualFold(v.Scheme, "basic"):
				kind = "HTTP Basic client credentials (" + name + ")"
			case v.Type == "oauth2" || v.Type == "openIdConnect":
				kind = "an OAuth 2.0 access token (" + name + ")"
			case v.Type == "apiKey":
				kind = "an API key in the " + v.In + " " + v.Name + " (" + name + ")"
			}
		}
	}
	switch len(scopes) {
	case 0:
		return kind
	case 1:
		return kind + " with the scope " + scopes[0]
	}
	return kind + " with the scopes " + strings.Join(scopes, ", ")
}

// sentinelNames names the sentinels of package errors for docs.
var sentinelNames = map[error]string{
	sdkerrors.ErrBadRequest:   "ErrBadRequest",
	sdkerrors.ErrUnauthorized: "ErrUnauthorized",
	sdkerrors.ErrForbidden:    "ErrForbidden",
	sdkerrors.ErrNotFound:     "ErrNotFound",
	sdkerrors.ErrConflict:     "ErrConflict",
	sdkerrors.ErrRateLimited:  "ErrRateLimited",
	sdkerrors.ErrServer:       "ErrServer",
	sdkerrors.ErrUnavailable:  "ErrUnavailable",
	sdkerrors.ErrTimeout:      "ErrTimeout",
}

// errorDoc lists the error statuses the document gives the operation and
// the sentinels of package errors each matches.
func errorDoc(op *openapi3.Operation) string {
	if op.Responses == nil {
		return ""
	}
	var codes []int
	other := false
	for k := range op.Responses.Map() {
		if k == "default" || strings.HasSuffix(strings.ToUpper(k), "XX") {
			other = true
			continue
		}
		if n, err := strconv.Atoi(k); err == nil && n >= 400 {
			codes = append(codes, n)
		}
	}
	if len(codes) == 0 && !other {
		return ""
	}
	sort.Ints(codes)
	var items []string
	for _, c := range codes {
		item := strconv.Itoa(c)
		var names []string
		for _, e := range sdkerrors.Sentinels(c) {
			names = append(names, sentinelNames[e])
		}
		if len(names) > 0 {
			item += " (" + strings.Join(names, ", ") + ")"
		}
		items = append(items, item)
	}
	s := "Errors (an *errors.APIError, matching with errors.Is the sentinels named): "
	switch {
	case len(items) > 0 && other:
		s += strings.Join(items, ", ") + " and other statuses"
	case len(items) > 0:
		s += strings.Join(items, ", ")
	default:
		s += "the document names no status"
	}
	return s + "."
}

// pagingStyle describes how a list operation pages.
func pagingStyle(p *pagingExt) string {
	switch p.Style {
	case "page":
		s := fmt.Sprintf("page numbers in %s from %d, page size in %s", p.PageParam, p.FirstPage, p.PerPageParam)
		if p.TotalPagesHeader != "" {
			s += ", page count in the " + p.TotalPagesHeader + " header"
		}
		return s
	case "checkpoint":
		return fmt.Sprintf("checkpoints: %s is the %q member of the previous answer, page size in %s", p.FromParam, p.Next, p.TakeParam)
	case "offset":
		return fmt.Sprintf("offsets in %s and %s", p.StartParam, p.EndParam)
	}
	return p.Style
}

// pagingDoc is the paging paragraph of a list method: the style, then
// what the iterator asks for when params leave it unset.
func pagingDoc(op *facadeOp) string {
	p := op.Paging
	s := fmt.Sprintf("Paging: %s; %s ranges over every item", pagingStyle(p), op.PagerName)
	size := map[string]string{"page": p.PerPageParam, "checkpoint": p.TakeParam, "offset": p.EndParam}[p.Style]
	switch {
	case p.PageSize > 0 && p.IncludeTotalsParam != "":
		s += fmt.Sprintf(", %d items a page unless params set %s, with %s=true", p.PageSize, size, p.IncludeTotalsParam)
	case p.PageSize > 0:
		s += fmt.Sprintf(", %d items a page unless params set %s", p.PageSize, size)
	case p.IncludeTotalsParam != "":
		s += fmt.Sprintf(", with %s=true", p.IncludeTotalsParam)
	}
	return s + "."
}

// referenceURL fills the vendor's reference URL pattern for op.
func referenceURL(pattern string, op *facadeOp) string {
	if pattern == "" {
		return ""
	}
	dashed := strings.NewReplacer("{", "-", "}", "-").Replace(op.Path)
	return strings.NewReplacer(
		"{operationId}", op.DocID,
		"{operationId-kebab}", strings.ReplaceAll(op.DocID, "_", "-"),
		"{tag}", op.Tag,
		"{method}", strings.ToLower(op.Method),
		"{path-dashed}", dashed,
	).Replace(pattern)
}
