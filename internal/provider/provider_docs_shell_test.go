//go:build unix

// The pages' shell blocks are bash, run in a process group: Unix only.

package provider

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The pages whose shell blocks TestAccDocsShellBlocks runs, from the
// repository's root: the README and every guide.
const (
	docsReadme    = "README.md"
	docsGuideGlob = "templates/guides/*.md.tmpl"
)

// A page marks a block with an HTML comment on the line before it, which
// renders as nothing:
//
//	<!-- shell-test: skip REASON -->       the shell block is not run, for REASON
//	<!-- shell-test: background ADDR... --> the block starts a server in the
//	                                        foreground: it runs with its last
//	                                        command in the background (unless
//	                                        it ends with & already), and the
//	                                        next block waits until every ADDR
//	                                        accepts connections
//	<!-- shell-test: repository -->         the block runs at the repository's
//	                                        root (the README's local build)
//	<!-- shell-test: file NAME -->          the next block, fenced or included
//	                                        with tffile or codefile, is saved
//	                                        as NAME before the page's blocks run
var (
	docsMarker   = regexp.MustCompile(`^<!-- shell-test: (\w+) ?(.*?) -->$`)
	docsFence    = regexp.MustCompile("^```([a-z]*)$")
	docsInclude  = regexp.MustCompile(`^\{\{ (?:tffile|codefile "\w+") "([^"]+)" \}\}$`)
	docsListen   = regexp.MustCompile(`--listen\s+(\S+)`)
	docsPort     = regexp.MustCompile(`(?:127\.0\.0\.1)?:(808[01])\b`)
	docsTFInit   = regexp.MustCompile(`(?m)^(\s*)(terraform init\b.*)$`)
	docsShellRun = map[string]bool{"sh": true, "shell": true}
)

// docsBlock is a shell block of a page and how it runs.
type docsBlock struct {
	line   int
	kind   string // "", "skip", "background" or "repository"
	arg    string // skip's reason, background's addresses
	script string
}

// docsPage is what a page asks of its reader: files to save and shell
// blocks to run in order.
type docsPage struct {
	path   string
	files  map[string]string
	blocks []docsBlock
}

// parseDocsPage reads a page's shell blocks and its marked files.
func parseDocsPage(t *testing.T, root, rel string) docsPage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	page := docsPage{path: rel, files: map[string]string{}}
	lines := strings.Split(string(data), "\n")
	var kind, arg string
	markerLine := 0
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if m := docsMarker.FindStringSubmatch(line); m != nil {
			if !slices.Contains([]string{"skip", "background", "repository", "file"}, m[1]) || (m[1] != "repository" && m[2] == "") {
				t.Fatalf("%s:%d: unknown or incomplete marker %q", rel, i+1, line)
			}
			kind, arg, markerLine = m[1], m[2], i+1
			continue
		}
		if m := docsInclude.FindStringSubmatch(line); m != nil && kind == "file" {
			b, err := os.ReadFile(filepath.Join(root, m[1]))
			if err != nil {
				t.Fatalf("%s:%d: %v", rel, i+1, err)
			}
			page.files[arg] = string(b)
			kind = ""
			continue
		}
		m := docsFence.FindStringSubmatch(line)
		if m == nil {
			if kind != "" && markerLine == i {
				t.Fatalf("%s:%d: the marker is not followed by a block", rel, markerLine)
			}
			continue
		}
		start := i + 1
		var body []string
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			body = append(body, lines[i])
		}
		text := strings.Join(body, "\n") + "\n"
		switch {
		case kind == "file":
			page.files[arg] = text
		case docsShellRun[m[1]]:
			page.blocks = append(page.blocks, docsBlock{line: start, kind: kind, arg: arg, script: text})
		case kind != "":
			t.Fatalf("%s:%d: a %q marker on a %q block", rel, markerLine, kind, m[1])
		}
		kind = ""
	}
	return page
}

// freeLoopbackPort returns a port of 127.0.0.1 that was free a moment ago.
func freeLoopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// docsGoEnv is the go command's folders, which a page's session keeps
// while its HOME is a folder of its own.
func docsGoEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOPATH", "GOCACHE", "GOMODCACHE").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	v := strings.Fields(string(out))
	if len(v) != 3 {
		t.Fatalf("go env: %q", out)
	}
	return []string{"GOPATH=" + v[0], "GOCACHE=" + v[1], "GOMODCACHE=" + v[2]}
}

// docsSessionEnv is a newcomer's environment: none of the provider's or
// the tests' settings, a HOME of its own, and the Terraform under test
// first on PATH.
func docsSessionEnv(home, gobin, terraform string, goEnv []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "INTERAKT_") || strings.HasPrefix(name, "TF_") || strings.HasPrefix(name, "XDG_") ||
			slices.Contains([]string{"HOME", "GOBIN", "GOPATH", "GOCACHE", "GOMODCACHE", "PATH"}, name) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, goEnv...)
	return append(env, "HOME="+home, "GOBIN="+gobin, "CHECKPOINT_DISABLE=1",
		"PATH="+filepath.Dir(terraform)+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// docsScript is the bash session that runs a page's blocks after setup
// (the README's local build): ports 8080 and 8081 become free ones (ports
// maps them), /var/lib/ is under HOME, and, as the local build says,
// `terraform init` is skipped. A block that listens on an address an
// earlier block's server holds stops that server first, as its reader
// would.
func docsScript(root string, setup, blocks []docsBlock, ports map[string]string) string {
	var b strings.Builder
	b.WriteString("set -euo pipefail\n")
	b.WriteString("trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true' EXIT\n")
	b.WriteString(`wait_listen() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; return 1; }` + "\n")
	b.WriteString("work=$PWD\n")
	rewrite := func(s string) string { return strings.ReplaceAll(docsPorts(s, ports), "/var/lib/", "$HOME/var/lib/") }
	holders := map[string]int{} // address -> block index whose jobs hold it
	for n, blk := range append(slices.Clone(setup), blocks...) {
		if blk.kind == "skip" {
			continue
		}
		script := rewrite(blk.script)
		if n >= len(setup) {
			script = docsTFInit.ReplaceAllString(script, "$1: skipped with a local build: $2")
		}
		for _, m := range docsListen.FindAllStringSubmatch(script, -1) {
			if holder, ok := holders[m[1]]; ok {
				fmt.Fprintf(&b, "kill $jobs_%d 2>/dev/null || true; wait $jobs_%d 2>/dev/null || true\n", holder, holder)
			}
			holders[m[1]] = n
		}
		fmt.Fprintf(&b, "before_%d=$(jobs -p)\n", n)
		switch blk.kind {
		case "repository":
			fmt.Fprintf(&b, "cd %q\n%scd \"$work\"\n", root, script)
		case "background":
			// A block may put its servers in the background itself.
			script = strings.TrimRight(script, "\n")
			if !strings.HasSuffix(script, "&") {
				script += " &"
			}
			fmt.Fprintf(&b, "%s\n", script)
		default:
			b.WriteString(script)
		}
		fmt.Fprintf(&b, "jobs_%d=$(jobs -p | grep -vxF -e \"$before_%d\" -e '' || true)\n", n, n)
		if blk.kind == "background" {
			for _, addr := range strings.Fields(rewrite(blk.arg)) {
				fmt.Fprintf(&b, "wait_listen %s\n", addr)
			}
		}
	}
	return b.String()
}

// docsPorts moves ports 8080 and 8081 of loopback, or of every address,
// to the free loopback ports that ports maps them to.
func docsPorts(s string, ports map[string]string) string {
	return docsPort.ReplaceAllStringFunc(s, func(m string) string { return "127.0.0.1:" + ports[m[len(m)-4:]] })
}

// TestAccDocsShellBlocks runs the shell blocks of the README and of every
// guide, in order, as a newcomer would in one terminal: after the README's
// local build (go install into a GOBIN of the test's, a CLI configuration
// with dev_overrides), in an empty folder holding the page's marked files,
// with a HOME of its own, none of the provider's environment variables,
// and "yes" at every prompt. A page passes when its session exits 0; the
// mock and the receiver are the ones its blocks start. Markers (see
// docsMarker's comment) say which blocks are not run and why.
func TestAccDocsShellBlocks(t *testing.T) {
	t.Parallel()
	cli := acceptanceCLI(t)
	if cli.name == "OpenTofu" {
		t.Skipf("OpenTofu %s: the pages' commands are terraform's", cli.version)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme := parseDocsPage(t, root, docsReadme)
	var setup []docsBlock
	for _, blk := range readme.blocks {
		if blk.kind == "repository" {
			setup = append(setup, blk)
		}
	}
	if len(setup) == 0 {
		t.Fatalf("%s has no block marked repository: the local build", docsReadme)
	}
	guides, err := filepath.Glob(filepath.Join(root, docsGuideGlob))
	if err != nil || len(guides) == 0 {
		t.Fatalf("no guides in %s (%v)", docsGuideGlob, err)
	}
	gobin := t.TempDir()
	goEnv := docsGoEnv(t)
	var once sync.Once
	for _, rel := range append([]string{docsReadme}, guides...) {
		rel, _ = filepath.Rel(root, rel)
		if rel == "" {
			rel = docsReadme
		}
		page := parseDocsPage(t, root, rel)
		if len(page.blocks) == 0 {
			continue
		}
		t.Run(filepath.Base(rel), func(t *testing.T) {
			// The first session installs the programs alone, so that the
			// others' go install finds them up to date.
			once.Do(func() { runDocsSession(t, root, docsPage{path: "local build"}, setup, nil, gobin, cli.path, goEnv) })
			t.Parallel()
			// A page whose configuration needs a newer CLI is skipped on
			// older ones, as its examples are.
			for _, content := range page.files {
				requireConfigVersion(t, cli, content)
			}
			pageSetup := setup
			if rel == docsReadme {
				pageSetup = nil
			}
			runDocsSession(t, root, page, pageSetup, page.blocks, gobin, cli.path, goEnv)
		})
	}
}

// runDocsSession runs setup then blocks in a fresh folder and HOME, and
// fails the test unless the session exits 0 within five minutes.
func runDocsSession(t *testing.T, root string, page docsPage, setup, blocks []docsBlock, gobin, terraform string, goEnv []string) {
	t.Helper()
	work, home := t.TempDir(), t.TempDir()
	ports := map[string]string{"8080": freeLoopbackPort(t), "8081": freeLoopbackPort(t)}
	for name, content := range page.files {
		writeFile(t, filepath.Join(work, name), docsPorts(content, ports))
	}
	script := docsScript(root, setup, blocks, ports)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = work, docsSessionEnv(home, gobin, terraform, goEnv)
	cmd.Stdin = strings.NewReader(strings.Repeat("yes\n", 100))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // servers its blocks left
	}
	all := append(slices.Clone(setup), blocks...)
	ran := 0
	for _, blk := range all {
		if blk.kind != "skip" {
			ran++
		}
	}
	if err != nil {
		t.Fatalf("%s: the session of %d blocks failed: %v\n--- script\n%s\n--- output\n%s", page.path, ran, err, script, out.String())
	}
	t.Logf("%s: %d blocks ran, %d skipped", page.path, ran, len(all)-ran)
}
