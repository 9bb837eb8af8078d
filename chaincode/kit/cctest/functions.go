package cctest

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/stretchr/testify/require"

	"github.com/carechain/carechain/chaincode/kit/memstub"
)

// systemContract is the contract API's own contract (GetMetadata), which
// every chaincode has and no wire package names.
const systemContract = "org.hyperledger.fabric"

// Transactions returns the names of the transactions contract exposes, as
// the contract API's metadata lists them to a peer (its system contract
// left out), sorted.
func Transactions(t testing.TB, contract contractapi.ContractInterface) []string {
	t.Helper()
	cc, err := contractapi.NewChaincode(contract)
	require.NoError(t, err)
	peer := memstub.NewPeer("care")
	peer.Install("cc", cc)
	res := peer.Query("cc", memstub.NewIdentity("Org1MSP", "reader", nil), time.Unix(0, 0), systemContract+":GetMetadata")
	require.True(t, res.OK(), "GetMetadata: %s", res.Message)
	var md struct {
		Contracts map[string]struct {
			Transactions []struct {
				Name string `json:"name"`
			} `json:"transactions"`
		} `json:"contracts"`
	}
	require.NoError(t, json.Unmarshal(res.Payload, &md))
	var names []string
	for name, c := range md.Contracts {
		if name == systemContract {
			continue
		}
		for _, tx := range c.Transactions {
			names = append(names, tx.Name)
		}
	}
	slices.Sort(names)
	return names
}

// WireFunctions returns the function-name constants of the Go package in
// dir (a chaincode's wire package): every package-level constant whose
// name begins with "Fn", by name, with its string value. A constant whose
// value is not a string literal fails t.
func WireFunctions(t testing.TB, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fset := token.NewFileSet()
	consts := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fnConsts(t, d, consts)
		}
	}
	return consts
}

func fnConsts(t testing.TB, d ast.Decl, consts map[string]string) {
	g, ok := d.(*ast.GenDecl)
	if !ok || g.Tok != token.CONST {
		return
	}
	for _, s := range g.Specs {
		vs := s.(*ast.ValueSpec)
		for i, n := range vs.Names {
			if !strings.HasPrefix(n.Name, "Fn") {
				continue
			}
			lit, ok := valueAt(vs, i).(*ast.BasicLit)
			require.True(t, ok && lit.Kind == token.STRING, "%s is not a string literal", n.Name)
			v, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			consts[n.Name] = v
		}
	}
}

func valueAt(vs *ast.ValueSpec, i int) ast.Expr {
	if i < len(vs.Values) {
		return vs.Values[i]
	}
	return nil
}

// CheckFunctions fails t unless the function-name constants of the wire
// package in dir name exactly the transactions of contract, one constant
// each: a transaction renamed or added without its constant, or a constant
// that names no transaction, breaks the test.
func CheckFunctions(t testing.TB, contract contractapi.ContractInterface, dir string) {
	t.Helper()
	consts := WireFunctions(t, dir)
	require.NotEmpty(t, consts, "no Fn constants in %s", dir)
	txs := Transactions(t, contract)
	byValue := map[string]string{}
	for name, v := range consts {
		require.Contains(t, txs, v, "%s = %q is not a transaction of the contract", name, v)
		other, dup := byValue[v]
		require.False(t, dup, "%s and %s both name %q", name, other, v)
		byValue[v] = name
	}
	for _, tx := range txs {
		require.Contains(t, byValue, tx, "transaction %s has no Fn constant in %s", tx, dir)
	}
	require.ElementsMatch(t, txs, slices.Collect(maps.Keys(byValue)))
}
