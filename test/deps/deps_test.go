package deps

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/carechain/carechain/"

// LeafPackages are the chaincode kit's packages that import only the
// standard library (or one another) and document that clients share them.
var LeafPackages = []string{
	module + "chaincode/kit/ccerr",
	module + "chaincode/kit/commit",
	module + "chaincode/kit/events",
	module + "chaincode/kit/keywrap",
	module + "chaincode/kit/validate",
}

// forbidden are module paths the client side must never link.
var forbidden = []string{
	"github.com/hyperledger/fabric-contract-api-go",
	"github.com/hyperledger/fabric-chaincode-go",
	"github.com/xeipuuv/gojsonschema",
	"github.com/go-openapi/",
}

// shared reports whether a chaincode-side package may be linked by a
// client: a chaincode's wire package or a kit leaf.
func shared(path string) bool {
	rest, ok := strings.CutPrefix(path, module+"chaincode/")
	if !ok {
		return true // not chaincode-side
	}
	name, wire, _ := strings.Cut(rest, "/")
	return (wire == "wire" && name != "kit") || slices.Contains(LeafPackages, path)
}

// refused says why the client side may not link path ("" when it may).
func refused(path string) string {
	for _, f := range forbidden {
		if strings.HasPrefix(path, f) {
			return "is chaincode-only (" + f + ")"
		}
	}
	if !shared(path) {
		return "is a chaincode package, neither a wire package nor a kit leaf"
	}
	return ""
}

// goList runs go list from the module's root and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return strings.Fields(string(out))
}

// The client library and the commands link no chaincode code: every
// package they depend on, directly or not, is allowed.
func TestClientLinksOnlyWirePackages(t *testing.T) {
	deps := goList(t, "-deps", "./client/...", "./client/cmd/carectl", "./test/bench/cmd/carebench")
	for _, p := range deps {
		if why := refused(p); why != "" {
			t.Errorf("the client side links %s, which %s", p, why)
		}
	}
	if !slices.Contains(deps, module+"chaincode/consent/wire") {
		t.Fatal("go list found none of the wire packages: the check checks nothing")
	}
}

// The end-to-end, chaos and bench suites (test files included) import no
// chaincode package but the wire packages and the kit leaves.
func TestSuitesImportOnlyWirePackages(t *testing.T) {
	lines := goList(t, "-tags", "e2e chaos", "-f",
		`{{range .Imports}}{{.}} {{end}}{{range .TestImports}}{{.}} {{end}}{{range .XTestImports}}{{.}} {{end}}`,
		"./test/e2e/...", "./test/chaos/...", "./test/bench/cmd/...", "./test/bench/harness/...")
	if len(lines) == 0 {
		t.Fatal("go list listed no imports")
	}
	for _, p := range lines {
		if why := refused(p); why != "" {
			t.Errorf("a test suite imports %s, which %s", p, why)
		}
	}
}

// The wire packages and the kit leaves are what they claim: their own
// dependencies are the standard library and one another.
func TestWirePackagesLinkOnlyTheStandardLibrary(t *testing.T) {
	pkgs := append(goList(t, "./chaincode/.../wire"), LeafPackages...)
	if len(pkgs) < len(LeafPackages)+5 {
		t.Fatalf("expected the five wire packages, got %v", pkgs)
	}
	for _, pkg := range pkgs {
		for _, p := range goList(t, "-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{end}}`, pkg) {
			if p != pkg && !strings.HasSuffix(p, "/wire") && !slices.Contains(LeafPackages, p) {
				t.Errorf("%s links %s, which is not the standard library", pkg, p)
			}
		}
	}
}

// The rule itself: what it lets through and what it refuses.
func TestRefused(t *testing.T) {
	for path, ok := range map[string]bool{
		module + "chaincode/claims/wire":                               true,
		module + "chaincode/kit/ccerr":                                 true,
		module + "client/records":                                      true,
		"google.golang.org/grpc":                                       true,
		module + "chaincode/claims":                                    false,
		module + "chaincode/kit/blind":                                 false,
		module + "chaincode/kit/wire":                                  false,
		"github.com/hyperledger/fabric-chaincode-go/v2/shim":           false,
		"github.com/hyperledger/fabric-contract-api-go/v2/contractapi": false,
		"github.com/xeipuuv/gojsonschema":                              false,
		"github.com/go-openapi/spec":                                   false,
	} {
		if got := refused(path) == ""; got != ok {
			t.Errorf("refused(%s) allows = %v, want %v", path, got, ok)
		}
	}
}
