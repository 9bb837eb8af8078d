package ccpackage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func entries(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		assert.Equal(t, int64(0), h.ModTime.Unix(), h.Name)
		assert.Equal(t, 0, h.Uid, h.Name)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = b
	}
}

func TestBuildIsReproducible(t *testing.T) {
	a, err := Build("../..", "baseline", "./test/bench/baseline", "")
	require.NoError(t, err)
	b, err := Build("../..", "baseline", "./test/bench/baseline", "")
	require.NoError(t, err)
	assert.Equal(t, a.ID, b.ID)
	assert.Equal(t, a.Bytes, b.Bytes)
	assert.Regexp(t, `^baseline_[0-9a-f]{12}:[0-9a-f]{64}$`, a.ID)

	// A version stamp makes another package of the same source.
	c, err := Build("../..", "baseline", "./test/bench/baseline", "2")
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, c.ID)
	_, err = Build("../..", "baseline", "./test/bench/baseline", "bad version!")
	assert.Error(t, err)
}

func TestPackageHoldsOnlyWhatTheChaincodeImports(t *testing.T) {
	pkg, err := Build("../..", "consent", "./chaincode/consent/cmd", "")
	require.NoError(t, err)
	outer := entries(t, pkg.Bytes)
	assert.Equal(t, []string{"code.tar.gz", "metadata.json"}, keys(outer))
	assert.JSONEq(t, `{"type":"carechain-go","label":"`+pkg.Label+`"}`, string(outer["metadata.json"]))
	code := entries(t, outer["code.tar.gz"])
	assert.Contains(t, code, "go.mod")
	assert.Contains(t, code, "go.sum")
	assert.Contains(t, code, "chaincode/consent/cmd/main.go")
	assert.Contains(t, code, "chaincode/consent/contract.go")
	assert.Contains(t, code, "chaincode/kit/state/state.go")
	assert.JSONEq(t, `{"main":"./chaincode/consent/cmd"}`, string(code[BuildFile]))
	for name := range code {
		assert.NotRegexp(t, `_test\.go$`, name)
		assert.NotRegexp(t, `^(client|network|test)/`, name)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOverlayReplacesAPackagedFileAndChangesTheID(t *testing.T) {
	plain, err := Build("../..", "parts", "./chaincode/parts/cmd", "")
	require.NoError(t, err)
	genesis := []byte(`{"channels":{"care":{"orgs":[]}}}`)
	over, err := Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/genesis.json", Data: genesis})
	require.NoError(t, err)
	require.NotEqual(t, plain.ID, over.ID)
	again, err := Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/genesis.json", Data: genesis})
	require.NoError(t, err)
	require.Equal(t, over.ID, again.ID)
	_, err = Build("../..", "parts", "./chaincode/parts/cmd", "", Overlay{Path: "chaincode/parts/nope.json", Data: genesis})
	require.ErrorContains(t, err, "not a file of the package")
}
