package rk_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/rk-redis/rk"

// importRule says what a package may import, for the packages its prefix
// matches (the longest matching prefix wins). It encodes the table of
// docs: architecture.md, "Packages and the import rule".
type importRule struct {
	// rk lists the rk packages the package may import: "backend" is that
	// package only, "internal/" anything under internal/, "*" everything.
	rk []string
	// thirdParty lists the module path prefixes allowed outside the
	// standard library; nil allows any, an empty list none.
	thirdParty []string
}

var anyThirdParty []string // nil: any third-party module
var noThirdParty = []string{}

var importRules = map[string]importRule{
	// The root package is documentation only.
	"": {rk: nil, thirdParty: noThirdParty},
	// The composition root.
	"cmd/rk": {rk: []string{"*"}, thirdParty: anyThirdParty},
	"shell":  {rk: []string{"backend", "internal/resp", "internal/command"}, thirdParty: anyThirdParty},
	"shell/": {rk: []string{"backend", "internal/resp", "internal/command", "shell/"}, thirdParty: anyThirdParty},
	// The network server sees only the backend interfaces.
	"internal/server": {rk: []string{"backend", "internal/resp"}, thirdParty: anyThirdParty},
	"backend":         {rk: []string{"internal/resp", "internal/command"}, thirdParty: noThirdParty},
	// Test helpers.
	"backend/backendtest": {rk: []string{"backend", "internal/resp", "internal/command", "internal/rktest"}, thirdParty: noThirdParty},
	"internal/rktest":     {rk: []string{"backend", "internal/resp", "internal/command", "internal/server"}, thirdParty: noThirdParty},
	// The engine and its subpackages; the subpackages never import the
	// engine (it hands them callbacks).
	"backend/memory":           {rk: []string{"backend", "internal/", "backend/memory/"}, thirdParty: anyThirdParty},
	"backend/memory/":          {rk: []string{"internal/resp", "internal/command", "backend/memory/"}, thirdParty: anyThirdParty},
	"backend/memory/scripting": {rk: []string{"internal/resp"}, thirdParty: []string{"github.com/yuin/gopher-lua"}},
	// The plugin host.
	"backend/remote":  {rk: []string{"backend", "internal/resp", "plugins/protocol", "plugins/protocol/"}, thirdParty: anyThirdParty},
	"backend/remote/": {rk: []string{"backend", "backend/remote", "backend/remote/", "internal/resp", "internal/rktest", "plugins/protocol", "plugins/protocol/"}, thirdParty: anyThirdParty},
	// The public plugin contract: nothing of rk's own, so that a plugin
	// outside this module can implement it.
	"plugins/protocol":  {rk: []string{"plugins/protocol/"}, thirdParty: pluginProtocolDeps},
	"plugins/protocol/": {rk: []string{"plugins/protocol/"}, thirdParty: pluginProtocolDeps},
	// Drivers.
	"plugins/redis": {rk: []string{"plugins/protocol", "plugins/protocol/", "internal/resp"}, thirdParty: anyThirdParty},
	"plugins/":      {rk: []string{"plugins/protocol", "plugins/protocol/"}, thirdParty: anyThirdParty},
	// Leaves.
	"internal/resp":        {rk: nil, thirdParty: noThirdParty},
	"internal/command":     {rk: []string{"internal/resp"}, thirdParty: noThirdParty},
	"internal/command/gen": {rk: []string{"internal/resp", "internal/command"}, thirdParty: noThirdParty},
	"internal/connopt":     {rk: []string{"backend", "internal/resp"}, thirdParty: noThirdParty},
	// Differential and end-to-end tests may use anything.
	"test/": {rk: []string{"*"}, thirdParty: anyThirdParty},
}

var pluginProtocolDeps = []string{
	"github.com/hashicorp/go-plugin", "github.com/hashicorp/go-hclog",
	"google.golang.org/grpc", "google.golang.org/protobuf",
}

type listedPackage struct {
	ImportPath   string
	Name         string
	Imports      []string
	TestImports  []string
	XTestImports []string
	Error        *struct{ Err string }
}

// TestImportRule checks every package's imports against importRules, and
// the rules the table cannot say: nothing imports cmd/rk, backend/memory
// and backend/remote never import each other, and test helpers (rktest,
// backendtest and the like) are imported only by tests and other test
// helpers, so they never end up in the rk binary.
func TestImportRule(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	helpers := map[string]bool{}
	for _, p := range pkgs {
		if rel, ok := relPath(p.ImportPath); ok && isTestHelper(rel, p.Name) {
			helpers[rel] = true
		}
	}
	for _, p := range pkgs {
		rel, _ := relPath(p.ImportPath)
		if p.Error != nil {
			t.Errorf("%s: %s", p.ImportPath, p.Error.Err)
			continue
		}
		rule, ok := ruleFor(rel)
		if !ok {
			t.Errorf("package %s has no import rule: add it to importRules in imports_test.go, following docs/architecture.md", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if msg := checkImport(rel, rule, imp, helpers); msg != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, msg)
			}
		}
		for _, imp := range append(append([]string(nil), p.TestImports...), p.XTestImports...) {
			if irel, ok := relPath(imp); ok && irel == "cmd/rk" {
				t.Errorf("the tests of %s import cmd/rk: nothing imports cmd/rk", p.ImportPath)
			}
		}
	}
}

func relPath(importPath string) (string, bool) {
	if importPath == module {
		return "", true
	}
	rel, ok := strings.CutPrefix(importPath, module+"/")
	return rel, ok
}

// isTestHelper reports whether a package exists only for tests: named
// like rktest, backendtest, remotetest, or under test/.
func isTestHelper(rel, name string) bool {
	return strings.HasSuffix(name, "test") || strings.HasPrefix(rel, "test/")
}

func ruleFor(rel string) (importRule, bool) {
	var best string
	found := false
	for prefix := range importRules {
		match := prefix == rel || (strings.HasSuffix(prefix, "/") && strings.HasPrefix(rel, prefix))
		if match && (!found || len(prefix) > len(best)) {
			best, found = prefix, true
		}
	}
	return importRules[best], found
}

func isStandard(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

func allowed(list []string, rel string) bool {
	for _, a := range list {
		if a == "*" || a == rel || (strings.HasSuffix(a, "/") && strings.HasPrefix(rel, a)) {
			return true
		}
	}
	return false
}

func checkImport(from string, rule importRule, imp string, helpers map[string]bool) string {
	if isStandard(imp) {
		return ""
	}
	rel, isRK := relPath(imp)
	if !isRK {
		if rule.thirdParty == nil {
			return ""
		}
		for _, p := range rule.thirdParty {
			if imp == p || strings.HasPrefix(imp, p+"/") {
				return ""
			}
		}
		if len(rule.thirdParty) == 0 {
			return "this package imports only the standard library and rk packages"
		}
		return "third-party imports allowed here: " + strings.Join(rule.thirdParty, ", ")
	}
	switch {
	case rel == "cmd/rk":
		return "nothing imports cmd/rk, the composition root"
	case under(from, "backend/memory") && under(rel, "backend/remote"),
		under(from, "backend/remote") && under(rel, "backend/memory"):
		return "backend/memory and backend/remote never import each other"
	case strings.HasPrefix(from, "backend/memory/") && rel == "backend/memory":
		return "the engine's subpackages never import the engine; it hands them callbacks"
	case helpers[rel] && !helpers[from] && !strings.HasPrefix(from, "test/"):
		return "test helpers are imported only by tests and other test helpers"
	}
	if !allowed(rule.rk, rel) {
		list := append([]string(nil), rule.rk...)
		sort.Strings(list)
		if len(list) == 0 {
			return "this package imports no rk package"
		}
		return "this package may import only " + strings.Join(list, ", ")
	}
	return ""
}

func under(rel, pkg string) bool { return rel == pkg || strings.HasPrefix(rel, pkg+"/") }

// TestImportRuleCatches checks the checker on imports that break the rule.
func TestImportRuleCatches(t *testing.T) {
	helpers := map[string]bool{"internal/rktest": true, "backend/backendtest": true}
	for _, c := range []struct{ from, imp string }{
		{"backend/memory", module + "/backend/remote"},
		{"backend/remote", module + "/backend/memory"},
		{"backend/memory/scripting", module + "/backend/memory"},
		{"internal/resp", module + "/internal/command"},
		{"internal/resp", "github.com/redis/go-redis/v9"},
		{"internal/command", module + "/backend"},
		{"backend", module + "/internal/server"},
		{"shell", module + "/backend/memory"},
		{"internal/server", module + "/backend/memory"},
		{"internal/server", module + "/internal/command"},
		{"plugins/protocol", module + "/internal/resp"},
		{"plugins/protocol", "github.com/redis/rueidis"},
		{"backend/memory", module + "/internal/rktest"},
		{"backend/memory", module + "/cmd/rk"},
	} {
		rule, ok := ruleFor(c.from)
		if !ok {
			t.Fatalf("no rule for %s", c.from)
		}
		if checkImport(c.from, rule, c.imp, helpers) == "" {
			t.Errorf("%s importing %s passes the check", c.from, c.imp)
		}
	}
	for _, c := range []struct{ from, imp string }{
		{"cmd/rk", module + "/backend/memory"},
		{"backend/backendtest", module + "/internal/rktest"},
		{"test/compat", module + "/internal/rktest"},
		{"backend/memory", module + "/internal/command"},
		{"backend/memory/acl", module + "/internal/command"},
		{"plugins/protocol", "google.golang.org/grpc/codes"},
		{"plugins/redis", module + "/plugins/protocol"},
	} {
		rule, _ := ruleFor(c.from)
		if msg := checkImport(c.from, rule, c.imp, helpers); msg != "" {
			t.Errorf("%s importing %s refused: %s", c.from, c.imp, msg)
		}
	}
}
