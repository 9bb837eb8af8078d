package main

import (
	"errors"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagsAreReadWhereverTheyStand(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	org := fs.String("org", "", "")
	pos, err := parseInterspersed(fs, []string{"sign", "FILE", "--org", "payer"})
	require.NoError(t, err)
	assert.Equal(t, []string{"sign", "FILE"}, pos)
	assert.Equal(t, "payer", *org)

	_, err = parseInterspersed(fs, []string{"sign", "--nope"})
	assert.True(t, errors.Is(err, errUsage), "got %v", err)
}

func TestShellQuoteSurvivesQuotes(t *testing.T) {
	assert.Equal(t, `'/a b/c'`, shellQuote("/a b/c"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
}
