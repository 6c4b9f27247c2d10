package redact_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/idsdk/idsdk-go/auth"
	"github.com/idsdk/idsdk-go/auth/auth0"
	"github.com/idsdk/idsdk-go/auth/idtoken"
	"github.com/idsdk/idsdk-go/auth/nexaas"
	"github.com/idsdk/idsdk-go/auth/oidc"
	"github.com/idsdk/idsdk-go/auth/tokenstore"
	"github.com/idsdk/idsdk-go/auth/tokenstore/sqlite"
	"github.com/idsdk/idsdk-go/auth/webflow"
	"github.com/idsdk/idsdk-go/auth/zaikio"
	sdkerrors "github.com/idsdk/idsdk-go/errors"
	"github.com/idsdk/idsdk-go/internal/facade"
	"github.com/idsdk/idsdk-go/internal/redact/redacttest"
)

// The credentials every case is filled with.
const (
	secret   = "SECRET-all-9f8e7d6c"
	access   = "ACCESS-all-1a2b3c4d"
	refresh  = "REFRESH-all-5e6f7a8b"
	idToken  = "IDTOKEN-all-9c0d1e2f"
	password = "PASSWORD-all-3a4b5c6d"
	code     = "CODE-all-7e8f9a0b"
	cookie   = "COOKIE-all-secret-0123456789abcdef0123"
	keyBytes = "KEY-all-0123456789abcdef012345678"
)

// needles are every spelling of the credentials that must never show.
func needles() []string {
	n := []string{secret, access, refresh, idToken, password, code}
	for _, b := range []string{cookie, keyBytes[:32]} {
		n = append(n, b, hex.EncodeToString([]byte(b)), base64.StdEncoding.EncodeToString([]byte(b))[:24],
			strings.Trim(fmt.Sprint([]byte(b)[:8]), "[]"))
	}
	k := rsaKey()
	n = append(n, k.D.String()[:40], hex.EncodeToString(k.D.Bytes())[:40], k.Primes[0].String()[:40],
		base64.RawURLEncoding.EncodeToString(k.D.Bytes())[:40])
	return n
}

// rsaKey is made once per test binary (RSA generation is slow).
var rsaKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// deref returns the value p points to (a copy).
func deref(p any) any { return reflect.ValueOf(p).Elem().Interface() }

func oauthToken() *oauth2.Token {
	return (&oauth2.Token{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}).
		WithExtra(map[string]any{"id_token": idToken})
}

// kase is one credential-holding type: how to make a filled value (as a
// pointer), and why, if so, only the pointer is checked.
type kase struct {
	make func(t *testing.T) any
	// ptrOnly says why a copy of the value is not checked: the type holds a
	// lock, and go vet refuses copies of it.
	ptrOnly string
}

const holdsLock = "holds a lock (go vet refuses copies)"

// cases lists every exported type of the module that holds a credential.
// TestEveryCredentialTypeIsListed keeps it complete.
var cases = map[string]kase{
	"auth.Secret": {make: func(*testing.T) any { s := auth.Secret(secret); return &s }},
	"auth.PrivateKey": {make: func(*testing.T) any {
		return &auth.PrivateKey{Key: rsaKey(), KeyID: "k1"}
	}},
	"auth.Static": {make: func(*testing.T) any { return auth.BearerUntil(access, time.Now().Add(time.Hour)) }},
	"auth.Fake":   {make: func(*testing.T) any { return auth.NewFake(access) }, ptrOnly: holdsLock},
	"auth.ClientCredentials": {make: func(*testing.T) any {
		return &auth.ClientCredentials{ClientAuth: auth.ClientAuth{TokenURL: "https://as.example/token", ClientID: "id", ClientSecret: secret, PrivateKey: &auth.PrivateKey{Key: rsaKey()}},
			Params: url.Values{"client_secret": {secret}, "password": {password}}}
	}},
	"auth.RefreshConfig": {make: func(*testing.T) any {
		return &auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: "https://as.example/token", ClientID: "id", ClientSecret: secret, PrivateKey: &auth.PrivateKey{Key: rsaKey()}},
			Params: url.Values{"x": {password}}}
	}},
	"auth.RefreshSource": {make: func(*testing.T) any {
		return auth.NewRefreshSource(auth.RefreshConfig{ClientAuth: auth.ClientAuth{TokenURL: "https://as.example/token", ClientID: "id", ClientSecret: secret}}, oauthToken())
	}, ptrOnly: holdsLock},
	"auth.Cache": {make: func(t *testing.T) any {
		store := auth.NewMemoryStore()
		c := auth.NewCache(auth.Func(func(context.Context) (*oauth2.Token, error) { return oauthToken(), nil }), auth.WithStore(store))
		if _, err := c.TokenContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		return c
	}, ptrOnly: holdsLock},
	"auth.MemoryStore": {make: func(t *testing.T) any {
		s := auth.NewMemoryStore()
		if err := s.Save(context.Background(), oauthToken()); err != nil {
			t.Fatal(err)
		}
		return s
	}, ptrOnly: holdsLock},
	"auth.Connector": {make: func(t *testing.T) any {
		return auth.NewConnector("https://as.example", "id", secret, auth.WithFakeToken(access))
	}, ptrOnly: holdsLock},
	"auth.RequestAuth": {make: func(*testing.T) any {
		return &auth.RequestAuth{Origin: "https://api.example", BasicID: "id", BasicSecret: secret}
	}},
	"nexaas.Config": {make: func(*testing.T) any {
		return &nexaas.Config{BaseURL: "https://id.example", ClientID: "id", ClientSecret: secret}
	}},
	"nexaas.Application": {make: func(t *testing.T) any {
		a, err := nexaas.NewApplication(nexaas.Config{BaseURL: "https://id.example", ClientID: "id", ClientSecret: secret})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}, ptrOnly: holdsLock},
	"auth.ClientAuth": {make: func(*testing.T) any {
		return &auth.ClientAuth{TokenURL: "https://as.example/token", ClientID: "id", ClientSecret: secret, PrivateKey: &auth.PrivateKey{Key: rsaKey()}}
	}},
	"auth.Transport": {make: func(*testing.T) any {
		return &auth.Transport{Source: auth.Bearer(access), Origin: "https://api.example"}
	}, ptrOnly: holdsLock},

	"auth0.Token": {make: func(*testing.T) any {
		return &auth0.Token{Token: oauthToken(), IDToken: idToken, Scope: "openid"}
	}},
	"auth0.Client": {make: func(t *testing.T) any {
		c, err := auth0.New("tenant.example.auth0.com", "id", auth0.WithClientSecret(secret))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}},
	"auth0.Authorization": {make: func(*testing.T) any {
		return &auth0.Authorization{URL: "https://tenant.example/authorize", State: "st", Nonce: "n", Verifier: code}
	}},
	"auth0.DeviceCode": {make: func(*testing.T) any {
		return &auth0.DeviceCode{DeviceCode: code, UserCode: "ABCD-EFGH", VerificationURI: "https://tenant.example/activate"}
	}},
	"auth0.Backchannel": {make: func(*testing.T) any { return &auth0.Backchannel{AuthReqID: code, ExpiresIn: 60} }},
	"auth0.MFAChallenge": {make: func(*testing.T) any {
		return &auth0.MFAChallenge{ChallengeType: "oob", OOBCode: code, BindingMethod: "prompt"}
	}},
	"auth0.SignupParams": {make: func(*testing.T) any {
		return &auth0.SignupParams{Email: "a@b.example", Password: password, Connection: "db"}
	}},

	"oidc.Config": {make: func(*testing.T) any {
		return &oidc.Config{Issuer: "https://as.example", ClientID: "id", ClientSecret: secret, PrivateKey: &auth.PrivateKey{Key: rsaKey()}}
	}},
	"oidc.Login": {make: func(*testing.T) any {
		return &oidc.Login{State: "st", Nonce: "n", Verifier: code}
	}},
	"oidc.Provider": {make: func(t *testing.T) any { return oidcProvider(t) }},

	"idtoken.Config": {make: func(*testing.T) any {
		return &idtoken.Config{Issuer: "https://as.example/", ClientID: "id", Algorithm: "HS256", ClientSecret: secret}
	}},
	"idtoken.Validator": {make: func(t *testing.T) any {
		v, err := idtoken.New(idtoken.Config{Issuer: "https://as.example/", ClientID: "id", Algorithm: "HS256", ClientSecret: cookie})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}},

	"tokenstore.Token": {make: func(*testing.T) any {
		return &tokenstore.Token{ID: "row", AccessToken: access, RefreshToken: refresh, ExpiresAt: time.Now()}
	}},
	"tokenstore.Key":     {make: func(*testing.T) any { return &tokenstore.Key{ID: "k1", Secret: []byte(keyBytes[:32])} }},
	"tokenstore.Keyring": {make: func(t *testing.T) any { return keyring(t) }},
	"tokenstore.OAuthClient": {make: func(*testing.T) any {
		return &tokenstore.OAuthClient{TokenURL: "https://hub.example/oauth/access_token", ClientID: "id", ClientSecret: secret}
	}},
	"tokenstore.ClientConfig": {make: func(*testing.T) any {
		return &tokenstore.ClientConfig{Name: "app", Client: &tokenstore.OAuthClient{TokenURL: "https://hub.example/oauth/access_token", ClientID: "id", ClientSecret: secret}}
	}},
	"tokenstore.Options": {make: func(t *testing.T) any {
		return &tokenstore.Options{Keys: keyring(t), Clients: []tokenstore.ClientConfig{{Name: "app", Client: &tokenstore.OAuthClient{TokenURL: "https://hub.example/oauth/access_token", ClientID: "id", ClientSecret: secret}}}}
	}},
	"tokenstore.Store": {make: func(t *testing.T) any {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), tokenstore.Options{Keys: keyring(t),
			Clients: []tokenstore.ClientConfig{{Name: "app", Client: &tokenstore.OAuthClient{TokenURL: "https://hub.example/oauth/access_token", ClientID: "id", ClientSecret: secret}}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}, ptrOnly: holdsLock},

	"webflow.Approval": {make: func(*testing.T) any {
		return &webflow.Approval{Client: "app", Token: oauthToken(), TokenID: "row"}
	}},
	"webflow.Config": {make: func(t *testing.T) any { return webflowConfig(t) }},
	"webflow.Handler": {make: func(t *testing.T) any {
		h, err := webflow.New(*webflowConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}},
	"webflow.MemoryStore": {make: func(t *testing.T) any {
		s := webflow.NewMemoryStore()
		if _, err := s.Save(context.Background(), "app", oauthToken()); err != nil {
			t.Fatal(err)
		}
		return s
	}, ptrOnly: holdsLock},

	"zaikio.Config": {make: func(*testing.T) any {
		return &zaikio.Config{Host: "https://hub.example", ClientID: "id", ClientSecret: secret}
	}},
	"zaikio.Client": {make: func(t *testing.T) any { return zaikioClient(t) }},
	"zaikio.Token":  {make: func(*testing.T) any { return zaikio.FromOAuth2(oauthToken()) }},

	"errors.Auth0AuthError": {make: func(*testing.T) any {
		return &sdkerrors.Auth0AuthError{StatusCode: 403, Code: "mfa_required", MFAToken: access}
	}},

	"facade.Config": {make: func(*testing.T) any {
		return &facade.Config{API: "x", BaseURL: "https://api.example", Token: auth.Bearer(access), BasicID: "id", BasicSecret: secret}
	}},
	"facade.Runtime": {make: func(t *testing.T) any {
		r, err := facade.New(facade.Config{API: "x", BaseURL: "https://api.example", Token: auth.Bearer(access), BasicID: "id", BasicSecret: secret}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}},
}

// exempt are types the source scan flags that hold no credential, with
// the reason. Keep it short: a type that holds one belongs in cases.
var exempt = map[string]string{
	"facade.Operation": "TokenParam names the query parameter a url-only operation puts a token in; it holds no token",
}

func keyring(t *testing.T) *tokenstore.Keyring {
	r, err := tokenstore.NewKeyring(tokenstore.Key{ID: "k1", Secret: []byte(keyBytes[:32])})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func webflowConfig(t *testing.T) *webflow.Config {
	return &webflow.Config{BaseURL: "https://app.example", CookieSecret: []byte(cookie), Store: webflow.NewMemoryStore(),
		Clients: []webflow.Client{zaikio.WebflowClient("app", zaikioClient(t), []string{"zaikio.person.r"}, nil)}}
}

// oidcProvider discovers a provider from a small local issuer.
func oidcProvider(t *testing.T) *oidc.Provider {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%[1]s/auth","token_endpoint":"%[1]s/token","jwks_uri":"%[1]s/jwks"}`, srv.URL)
	}))
	t.Cleanup(srv.Close)
	p, err := oidc.Discover(context.Background(), oidc.Config{Issuer: srv.URL, ClientID: "id", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func zaikioClient(t *testing.T) *zaikio.Client {
	c, err := zaikio.NewClient(zaikio.Config{Host: "https://hub.example", ClientID: "id", ClientSecret: secret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestEveryCredentialTypeRedacts renders every listed type, as a value and
// as a pointer, top level and nested in a slice, a map and a struct,
// through every fmt verb, slog's text and JSON handlers and encoding/json,
// and checks that no credential shows.
func TestEveryCredentialTypeRedacts(t *testing.T) {
	ns := needles()
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := cases[name]
		t.Run(name, func(t *testing.T) {
			p := c.make(t)
			redacttest.Check(t, name+" (pointer)", p, ns...)
			if c.ptrOnly == "" {
				redacttest.Check(t, name+" (value)", deref(p), ns...)
			}
			// A nil pointer logs and prints without a panic.
			nilp := reflect.Zero(reflect.TypeOf(p)).Interface()
			for how, out := range redacttest.Outputs(nilp) {
				if strings.Contains(out, "panic") || strings.Contains(out, "PANIC") {
					t.Errorf("nil %s: %s: %.200s", name, how, out)
				}
			}
		})
	}
}

// TestEveryCredentialTypeIsListed scans the module's Go source for exported
// struct types holding a credential (a field of a credential type, a field
// whose name says secret, token, password, ..., or a field of another such
// type) and fails for any that is neither in cases nor in exempt, so a new
// type cannot be forgotten.
func TestEveryCredentialTypeIsListed(t *testing.T) {
	found := scanModule(t)
	for name, why := range found {
		_, listed := cases[name]
		if _, ex := exempt[name]; !listed && !ex {
			t.Errorf("%s holds a credential (%s): add it to cases (or, if it holds none, to exempt with the reason)", name, why)
		}
	}
	for name := range cases {
		if _, ok := found[name]; !ok {
			// Checked all the same: the scan cannot see through interfaces
			// (a tokenstore.ClientConfig holds a Client).
			t.Logf("cases lists %s, which the scan does not flag", name)
		}
	}
	for name := range exempt {
		if _, ok := found[name]; !ok {
			t.Errorf("exempt lists %s, which the scan does not find: remove it", name)
		}
	}
	if len(found) < 30 {
		t.Errorf("the scan found only %d types: it is broken", len(found))
	}
}

// skipDirs are the folders the scan leaves out: generated API models
// (what users ask the APIs for, not credentials of this SDK), commands,
// examples, test peers, the emulator (sandbox: the server side of a fake,
// whose made-up credentials tests read and compare in the clear) and this
// package.
var skipDirs = map[string]bool{
	"gen": true, "cmd": true, "examples": true, "testdata": true, "node_modules": true,
	"internal/peers": true, "internal/contract": true, "internal/redact": true,
	"sandbox": true,
}

// credentialTypes are the types that hold a credential by themselves.
var credentialTypes = map[string]bool{
	"github.com/idsdk/idsdk-go/auth.Secret":     true,
	"github.com/idsdk/idsdk-go/auth.PrivateKey": true,
	"golang.org/x/oauth2.Token":                 true,
	"golang.org/x/oauth2.TokenSource":           true,
	"crypto.Signer":                             true,
	"crypto.PrivateKey":                         true,
	"crypto/rsa.PrivateKey":                     true,
	"crypto/ecdsa.PrivateKey":                   true,
	"crypto/ed25519.PrivateKey":                 true,
	"crypto/cipher.AEAD":                        true,
}

var (
	secretName  = regexp.MustCompile(`(?i)secret|password|passwd|token|verifier|assertion|otp$|oobcode|devicecode|credential|apikey`)
	strongName  = regexp.MustCompile(`(?i)^(authreqid|sessionid|apikeyid)$`)
	harmlessEnd = regexp.MustCompile(`(?i)(url|uri|id|ids|type|types|path|name|method|methods|ttl|format|validfor|endpoint|audience|lifetime|header|separator|scopes|count|supported)$`)
)

type field struct {
	name string
	typ  ast.Expr
	file *ast.File
}

// scanModule returns the exported credential-holding struct types of the
// module as "pkg.Type" with the reason.
func scanModule(t *testing.T) map[string]string {
	root := moduleRoot(t)
	const module = "github.com/idsdk/idsdk-go"
	structs := map[string][]field{} // "importpath.Type" -> fields
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if skipDirs[rel] || (rel != "." && strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		pkg := module + "/" + filepath.ToSlash(filepath.Dir(rel))
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, spec := range g.Specs {
				ts := spec.(*ast.TypeSpec)
				key := pkg + "." + ts.Name.Name
				if _, ok := ts.Type.(*ast.InterfaceType); ok {
					continue // behaviour, no data
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					// A named non-struct type of a credential type (type
					// X auth.Secret) holds one too.
					structs[key] = append(structs[key], field{name: "", typ: ts.Type, file: f})
					continue
				}
				for _, fl := range st.Fields.List {
					if len(fl.Names) == 0 {
						structs[key] = append(structs[key], field{name: typeName(fl.Type), typ: fl.Type, file: f})
					}
					for _, n := range fl.Names {
						structs[key] = append(structs[key], field{name: n.Name, typ: fl.Type, file: f})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	holds := map[string]string{}
	for k := range credentialTypes {
		holds[k] = "is a credential type"
	}
	// Grow the set until nothing changes: a type holding a type that holds
	// a credential holds one too.
	for changed := true; changed; {
		changed = false
		for key, fields := range structs {
			if _, ok := holds[key]; ok {
				continue
			}
			pkg := key[:strings.LastIndex(key, ".")]
			for _, f := range fields {
				if why := fieldReason(f, pkg, holds); why != "" {
					holds[key] = why
					changed = true
					break
				}
			}
		}
	}
	out := map[string]string{}
	for key, why := range holds {
		if credentialTypes[key] && key != module+"/auth.Secret" && key != module+"/auth.PrivateKey" {
			continue
		}
		name := key[strings.LastIndex(key, ".")+1:]
		if !ast.IsExported(name) {
			continue
		}
		pkgPath := key[:strings.LastIndex(key, ".")]
		out[pkgPath[strings.LastIndex(pkgPath, "/")+1:]+"."+name] = why
	}
	return out
}

// fieldReason says why f holds a credential, or "".
func fieldReason(f field, pkg string, holds map[string]string) string {
	if _, isFunc := f.typ.(*ast.FuncType); isFunc {
		return ""
	}
	for _, ref := range typeRefs(f.typ, f.file, pkg) {
		if _, ok := holds[ref]; ok {
			return fmt.Sprintf("field %s of type %s", f.name, ref)
		}
	}
	if f.name != "" && textual(f.typ) && (strongName.MatchString(f.name) ||
		secretName.MatchString(f.name) && !harmlessEnd.MatchString(f.name)) {
		return "field " + f.name
	}
	return ""
}

// textual reports whether t can hold a credential as text: string, []byte
// or a slice or map of them.
func textual(t ast.Expr) bool {
	switch x := t.(type) {
	case *ast.Ident:
		return x.Name == "string" || x.Name == "byte"
	case *ast.ArrayType:
		return textual(x.Elt)
	case *ast.MapType:
		return textual(x.Value)
	case *ast.StarExpr:
		return textual(x.X)
	}
	return false
}

// typeRefs returns the qualified names of the named types t mentions,
// outside function types.
func typeRefs(t ast.Expr, f *ast.File, pkg string) []string {
	var out []string
	ast.Inspect(t, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncType:
			return false
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				if path := importPath(f, id.Name); path != "" {
					out = append(out, path+"."+x.Sel.Name)
				}
			}
			return false
		case *ast.Ident:
			out = append(out, pkg+"."+x.Name)
		}
		return true
	})
	return out
}

func importPath(f *ast.File, name string) string {
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		n := p[strings.LastIndex(p, "/")+1:]
		if imp.Name != nil {
			n = imp.Name.Name
		} else if strings.HasPrefix(n, "v") && strings.Count(p, "/") > 1 {
			if _, err := strconv.Atoi(n[1:]); err == nil { // .../v4
				q := p[:strings.LastIndex(p, "/")]
				n = q[strings.LastIndex(q, "/")+1:]
			}
		}
		if n == name {
			return p
		}
	}
	return ""
}

func typeName(t ast.Expr) string {
	switch x := t.(type) {
	case *ast.StarExpr:
		return typeName(x.X)
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.Ident:
		return x.Name
	}
	return ""
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
