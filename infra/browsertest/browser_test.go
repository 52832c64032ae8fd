package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/citejardins/extranet/infra/localstack"
	"github.com/citejardins/extranet/infra/sesemu"
)

// AxeVersion is the axe-core release the tests expect in .tools/axe.
const axeVersion = "4.14.1"

// Screen sizes of the screenshots: a common phone, and a laptop.
var sizes = []struct{ w, h int64 }{{390, 844}, {1280, 800}}

const siteTitle = " – Extranet Locataire"

// requirement skips the test when a tool is missing, or fails it on CI,
// where a skipped browser test would pass unnoticed.
func requirement(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: browser tests must run)")
	}
	t.Skip(msg)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := localstack.FindRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// chromium finds the browser: $CHROMIUM, or a Chromium or Chrome on the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			requirement(t, fmt.Sprintf("CHROMIUM=%s: %v (unset it to use the chromium of the PATH: sudo apt-get install -y chromium)", p, err))
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	requirement(t, "Chromium not found: install it (Debian/Ubuntu: sudo apt-get install -y chromium), or set CHROMIUM to a Chrome or Chromium binary")
	return ""
}

// axeSource reads axe-core: $AXE_CORE, or .tools/axe as the Makefile installs it.
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("AXE_CORE")
	if p == "" {
		p = filepath.Join(repoRoot(t), ".tools", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	install := fmt.Sprintf("npm install --prefix .tools/axe --no-save --ignore-scripts axe-core@%s", axeVersion)
	b, err := os.ReadFile(p)
	if err != nil {
		requirement(t, fmt.Sprintf("axe-core not found at %s: install it with `%s` (make tools), or set AXE_CORE to an axe.min.js", p, install))
	}
	if os.Getenv("AXE_CORE") == "" {
		// The pinned release, so that a run means the same everywhere.
		var pkg struct{ Version string }
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(p), "package.json"))
		if err == nil {
			err = json.Unmarshal(raw, &pkg)
		}
		if err != nil || pkg.Version != axeVersion {
			t.Fatalf("axe-core %q in .tools/axe (%v), want %s: run `%s`", pkg.Version, err, axeVersion, install)
		}
	}
	return string(b)
}

// outDir is where screenshots go.
func outDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BROWSERTEST_OUT")
	if dir == "" {
		dir = filepath.Join(repoRoot(t), ".out", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is one test's Chromium tab on one test's local stack.
type browser struct {
	t     *testing.T
	ctx   context.Context
	stack *localstack.Stack
	axe   string
	out   string
	shots int

	mu       sync.Mutex
	problems []string // uncaught exceptions, CSP and other console errors
}

// start starts a local stack and Chromium with a fresh profile.
func start(t *testing.T) *browser {
	t.Helper()
	return startWith(t, nil)
}

// startWith is start with settings of the functions replaced (env).
func startWith(t *testing.T, env map[string]string) *browser {
	t.Helper()
	bin := chromium(t)
	axe := axeSource(t)
	root := repoRoot(t)

	stack, err := localstack.Start(context.Background(), localstack.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Root: root, Env: env})
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(func() { stack.Close() })

	profile := t.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	// Registered after t.TempDir, so it runs first: the browser is gone
	// before its profile folder is removed.
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", bin, err)
	}
	b := &browser{t: t, ctx: ctx, stack: stack, axe: axe, out: outDir(t)}
	// This test's screenshots of an earlier run would mislead.
	old, _ := filepath.Glob(filepath.Join(b.out, strings.ReplaceAll(t.Name(), "/", "-")+"-*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	b.watchConsole()
	b.do(chromedp.EmulateViewport(1280, 800))
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("browser console: %s", p)
		}
	})
	return b
}

// watchConsole records uncaught exceptions and console errors (CSP and
// Trusted Types violations among them). Failed requests are not problems:
// the API answers 401, 410, 422... by design.
func (b *browser) watchConsole() {
	messages := chromedp.Console(b.ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			switch {
			case m.IsException(), m.Type == chromedp.ConsoleError && m.Source != "network":
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line+1))
				b.mu.Unlock()
			case m.Type == chromedp.ConsoleWarning:
				b.t.Logf("browser console: %s", m)
			}
		}
	}()
}

// do runs actions, failing the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\npage: %s", err, b.describe())
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %.80q: %v", expr, err)
	}
	return v
}

// describe says where the browser is, for failure messages.
func (b *browser) describe() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " «" + document.title + "»\n" + (document.querySelector("main")?.innerText || "").slice(0, 1500)`))
	if err != nil {
		return "(" + err.Error() + ")"
	}
	return s
}

// waitFor waits until a JavaScript expression is true. chromedp.Poll would
// compile the predicate with new Function, which the app's CSP forbids.
func (b *browser) waitFor(expr, what string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Promise.resolve(`+expr+`).then(Boolean)`, chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited in vain for %s (%s; err %v)\npage: %s", what, expr, err, b.describe())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// visit loads a page of the app and waits for it to show its own title.
// A navigation that meets another one still starting (a download the last
// click began, the app's own redirect) is aborted by Chromium
// (net::ERR_ABORTED): it is tried again, as a person taps the link again.
func (b *browser) visit(path, title string) {
	b.t.Helper()
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		err := chromedp.Do(ctx, chromedp.Navigate(b.stack.URL+path))
		cancel()
		if err == nil {
			break
		}
		if try == 3 || !strings.Contains(err.Error(), "ERR_ABORTED") {
			b.t.Fatalf("browser: %v\npage: %s", err, b.describe())
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.waitTitle(title)
}

// waitTitle waits for the page title "<title> – Extranet Locataire".
func (b *browser) waitTitle(title string) {
	b.t.Helper()
	b.waitFor(`document.title === `+js(title+siteTitle), "the page «"+title+"»")
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// clickText clicks the first visible element of a kind with this text, as a
// person finds a button: by what it says.
func (b *browser) clickText(tag, text string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.Search(fmt.Sprintf(`//%s[normalize-space(.)="%s"]`, tag, text)), chromedp.NodeVisible))
}

// fill focuses a field and types into it.
func (b *browser) fill(sel, text string) {
	b.t.Helper()
	b.do(chromedp.SendKeys(chromedp.CSS(sel), text, chromedp.NodeVisible))
}

// clear empties a field as a person does: select what it holds, and
// delete it. (chromedp.Clear only resets the value attribute, which does not
// touch what was typed.)
func (b *browser) clear(sel string) {
	b.t.Helper()
	b.do(chromedp.Focus(chromedp.CSS(sel), chromedp.NodeVisible))
	eval[chromedp.Void](b, `document.querySelector(`+js(sel)+`).select()`)
	b.press(kb.Backspace)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	// The app puts non-breaking spaces where French typography wants them.
	return eval[string](b, `(document.querySelector(`+js(sel)+`)?.innerText ?? "").replace(/\u00a0/g, " ")`)
}

// focused names the element that has the focus: its id, or its tag and text.
func (b *browser) focused() string {
	b.t.Helper()
	return eval[string](b, `(() => { const e = document.activeElement; return !e ? "" : e.id || (e.tagName.toLowerCase() + ":" + (e.innerText || e.value || "").trim().slice(0, 60)); })()`)
}

// press sends keys to the focused element: text, kb.Tab, kb.Enter...
func (b *browser) press(keys string) {
	b.t.Helper()
	b.do(chromedp.KeyEvent(keys))
}

// enter presses Enter as a keyboard does: one keydown that carries the
// text, so the browser makes its keypress from it. (kb.Enter sends a
// separate char event, which can reach the element the keydown moved the
// focus to: a link that focuses a field would then also submit its form.)
func (b *browser) enter() {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			p := input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
			if typ == input.DispatchKeyEventTypeKeyDown {
				p.Text, p.UnmodifiedText = "\r", "\r"
			}
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	}))
}

// tabTo presses Tab until the focus is on an element matching sel.
func (b *browser) tabTo(sel string, max int) {
	b.t.Helper()
	for i := 0; i < max; i++ {
		b.press(kb.Tab)
		if eval[bool](b, `document.activeElement?.matches(`+js(sel)+`) ?? false`) {
			return
		}
	}
	b.t.Fatalf("%d presses of Tab did not reach %s (focus on %q)", max, sel, b.focused())
}

// tabOnce presses Tab and checks where the focus lands: the tab order.
func (b *browser) tabOnce(wantID string) {
	b.t.Helper()
	b.press(kb.Tab)
	if got := b.focused(); got != wantID {
		b.t.Fatalf("after Tab, focus on %q, want %q", got, wantID)
	}
}

// mailLink waits for the n-th email to an address and returns its link
// starting with path (/activation, /nouveau-mot-de-passe).
func (b *browser) mailLink(to, path string, n int) string {
	b.t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(b.stack.URL+path) + `\?token=[A-Za-z0-9_-]+`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var mine []sesemu.Message
		for _, m := range b.stack.Mail.Messages() {
			for _, addr := range m.To {
				if addr == to && re.MatchString(m.Text) {
					mine = append(mine, m)
				}
			}
		}
		if len(mine) >= n {
			return re.FindString(mine[n-1].Text)
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("no email #%d to %s with a link to %s (got %d)", n, to, path, len(mine))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// check is run on every page: screenshots at both sizes, reflow at 320 px,
// the page's basics, and axe-core.
func (b *browser) check(name string) {
	b.t.Helper()
	b.shots++
	base := fmt.Sprintf("%s-%02d-%s", strings.ReplaceAll(b.t.Name(), "/", "-"), b.shots, name)
	for _, s := range sizes {
		b.do(chromedp.EmulateViewport(s.w, s.h))
		b.settle()
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			b.t.Fatalf("screenshot %s: %v", name, err)
		}
		file := filepath.Join(b.out, fmt.Sprintf("%s-%d.png", base, s.w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}

	// WCAG 1.4.10: at 320 CSS px (a 1280 px window at 400 %, or a small
	// phone) nothing needs scrolling sideways.
	b.do(chromedp.EmulateViewport(320, 640))
	b.settle()
	type reflow struct {
		Width  int      `json:"width"`
		Scroll int      `json:"scroll"`
		Over   []string `json:"over"`
	}
	r := eval[reflow](b, `(() => {
		const width = document.documentElement.clientWidth;
		const over = [...document.querySelectorAll("body *")]
			.filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
			.map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""));
		return { width, scroll: document.documentElement.scrollWidth, over: over.slice(0, 8) };
	})()`)
	if r.Scroll > r.Width {
		b.t.Errorf("%s: at 320 px the page is %d px wide (sideways scrolling); too wide: %v", name, r.Scroll, r.Over)
	}

	// The page's basics (RGAA 8.3, 8.5, 8.6, 9.1).
	type basics struct {
		Lang  string `json:"lang"`
		Title string `json:"title"`
		H1    int    `json:"h1"`
		Main  int    `json:"main"`
	}
	p := eval[basics](b, `({ lang: document.documentElement.lang, title: document.title,
		h1: document.querySelectorAll("h1").length, main: document.querySelectorAll("main").length })`)
	if p.Lang != "fr" || !strings.HasSuffix(p.Title, siteTitle) || p.H1 != 1 || p.Main != 1 {
		b.t.Errorf("%s: lang %q, title %q, %d h1, %d main; want fr, «… – Extranet Locataire», 1, 1", name, p.Lang, p.Title, p.H1, p.Main)
	}

	// axe-core, on the phone size: most tenants use a phone.
	b.do(chromedp.EmulateViewport(sizes[0].w, sizes[0].h))
	b.settle()
	b.runAxe(name)
	b.do(chromedp.EmulateViewport(1280, 800))
}

// settle waits for two frames, so a new viewport is laid out and painted.
func (b *browser) settle() {
	b.t.Helper()
	eval[bool](b, `new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`)
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe checks the page with axe-core against WCAG 2.1 A and AA and axe's
// best practices: serious and critical violations fail the test, the others
// are logged.
func (b *browser) runAxe(name string) {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		eval[chromedp.Void](b, b.axe)
	}
	type result struct {
		Passes     int         `json:"passes"`
		Incomplete []violation `json:"incomplete"`
		Violations []violation `json:"violations"`
	}
	r := eval[result](b, `axe.run(document, {
		runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
	}).then((r) => {
		const brief = (v) => ({ id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) });
		return { passes: r.passes.length, incomplete: r.incomplete.map(brief), violations: r.violations.map(brief) };
	})`)
	b.t.Logf("%s: axe-core: %d rules passed, %d violated, %d to review by hand", name, r.Passes, len(r.Violations), len(r.Incomplete))
	for _, v := range r.Incomplete {
		b.t.Logf("%s: axe review %s: %s, at %s", name, v.ID, v.Help, strings.Join(v.Nodes, ", "))
	}
	for _, v := range r.Violations {
		msg := fmt.Sprintf("%s: axe %s (%s): %s, at %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// offline cuts the browser off: the stack stops, and the page is told it
// is offline (navigator.onLine).
func (b *browser) offline() {
	b.t.Helper()
	if err := b.stack.Close(); err != nil && !errors.Is(err, context.Canceled) {
		b.t.Logf("stop the stack: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: true, Latency: 0, DownloadThroughput: -1, UploadThroughput: -1,
	}); err != nil {
		b.t.Fatalf("emulate offline: %v", err)
	}
}

// storage returns what the page keeps in Web Storage and readable cookies.
func (b *browser) storage() string {
	b.t.Helper()
	return eval[string](b, `JSON.stringify({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie })`)
}

// cachedURLs lists every URL in the service worker's caches.
func (b *browser) cachedURLs() []string {
	b.t.Helper()
	return eval[[]string](b, `(async () => {
		const urls = [];
		for (const key of await caches.keys()) {
			for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname + new URL(req.url).search);
		}
		return urls;
	})()`)
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
