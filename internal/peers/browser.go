package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Browser is a headless Chromium driven through chromedriver's W3C
// WebDriver HTTP API, with plain JSON requests.
type Browser struct {
	tb      testing.TB
	base    string // http://127.0.0.1:<port>/session/<id>
	hc      *http.Client
	driver  *Process
	session string
}

// elementKey is the W3C name of an element reference in JSON.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// chromiumBinary finds Debian's chromium (or another Chrome build).
func chromiumBinary() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Chromium starts chromedriver and one headless Chromium session, both
// ended when the test ends. When either is missing the test is skipped
// (failed under CI=true).
func Chromium(tb testing.TB) *Browser {
	tb.Helper()
	driver, err := exec.LookPath("chromedriver")
	bin := chromiumBinary()
	if err != nil || bin == "" {
		Unavailable(tb, "chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)")
	}
	port := FreePort(tb)
	proc, err := Start(os.TempDir(), driver, nil, fmt.Sprintf("--port=%d", port), "--allowed-ips=127.0.0.1")
	if err != nil {
		tb.Fatalf("starting chromedriver: %v", err)
	}
	tb.Cleanup(proc.Stop)
	root := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := proc.WaitHTTP(context.Background(), root+"/status", 20*time.Second); err != nil {
		tb.Fatalf("chromedriver did not start: %v\n%s", err, proc.Output())
	}
	b := &Browser{tb: tb, hc: &http.Client{Timeout: 60 * time.Second}, driver: proc}
	args := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-extensions", "--user-data-dir=" + tb.TempDir()}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":        "chrome",
		"pageLoadStrategy":   "normal",
		"goog:chromeOptions": map[string]any{"binary": bin, "args": args},
	}}}
	var out struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(http.MethodPost, root+"/session", caps, &out); err != nil {
		tb.Fatalf("new WebDriver session: %v\n%s", err, proc.Output())
	}
	b.session = out.SessionID
	b.base = root + "/session/" + out.SessionID
	tb.Cleanup(func() { _ = b.call(http.MethodDelete, b.base, nil, nil) })
	return b
}

// call sends one WebDriver command and decodes its "value" into out.
func (b *Browser) call(method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("webdriver %s %s: %d %.300s", method, url, resp.StatusCode, raw)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.Value, &e)
		return fmt.Errorf("webdriver %s: %s: %.300s", method, e.Error, e.Message)
	}
	if out != nil {
		return json.Unmarshal(env.Value, out)
	}
	return nil
}

func (b *Browser) must(err error, what string) {
	b.tb.Helper()
	if err != nil {
		b.tb.Fatalf("browser: %s: %v", what, err)
	}
}

// Go navigates to url and waits for the page to load.
func (b *Browser) Go(url string) {
	b.tb.Helper()
	b.must(b.call(http.MethodPost, b.base+"/url", map[string]string{"url": url}, nil), "go to "+url)
}

// URL is the address of the current page.
func (b *Browser) URL() string {
	b.tb.Helper()
	var u string
	b.must(b.call(http.MethodGet, b.base+"/url", nil, &u), "url")
	return u
}

// Text is the visible text of the page's body.
func (b *Browser) Text() string {
	b.tb.Helper()
	var s string
	b.must(b.call(http.MethodPost, b.base+"/execute/sync", map[string]any{"script": "return document.body ? document.body.innerText : ''", "args": []any{}}, &s), "text")
	return s
}

// find returns the element matching the CSS selector, or "" when there
// is none.
func (b *Browser) find(css string) string {
	b.tb.Helper()
	var els []map[string]string
	b.must(b.call(http.MethodPost, b.base+"/elements", map[string]string{"using": "css selector", "value": css}, &els), "find "+css)
	if len(els) == 0 {
		return ""
	}
	return els[0][elementKey]
}

// Has reports whether the page has an element matching css.
func (b *Browser) Has(css string) bool { b.tb.Helper(); return b.find(css) != "" }

// Type types text into the element matching css.
func (b *Browser) Type(css, text string) {
	b.tb.Helper()
	id := b.find(css)
	if id == "" {
		b.tb.Fatalf("browser: no %s on %s", css, b.URL())
	}
	b.must(b.call(http.MethodPost, b.base+"/element/"+id+"/value", map[string]string{"text": text}, nil), "type into "+css)
}

// Click clicks the element matching css (a submit button submits its
// form and waits for the next page).
func (b *Browser) Click(css string) {
	b.tb.Helper()
	id := b.find(css)
	if id == "" {
		b.tb.Fatalf("browser: no %s on %s: %.500s", css, b.URL(), b.Text())
	}
	b.must(b.call(http.MethodPost, b.base+"/element/"+id+"/click", map[string]any{}, nil), "click "+css)
}

// WaitURL waits until the current URL starts with prefix.
func (b *Browser) WaitURL(prefix string, timeout time.Duration) string {
	b.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		u := b.URL()
		if strings.HasPrefix(u, prefix) {
			return u
		}
		if time.Now().After(deadline) {
			b.tb.Fatalf("browser: still on %s, waited for %s: %.500s", u, prefix, b.Text())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Cookie is a cookie as the browser holds it.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	Domain   string `json:"domain"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite"`
}

// Cookies are the cookies the browser sends to the current page.
func (b *Browser) Cookies() []Cookie {
	b.tb.Helper()
	var cs []Cookie
	b.must(b.call(http.MethodGet, b.base+"/cookie", nil, &cs), "cookies")
	return cs
}
