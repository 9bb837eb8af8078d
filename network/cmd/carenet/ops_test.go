package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShellQuoteSurvivesQuotes(t *testing.T) {
	assert.Equal(t, `'/a b/c'`, shellQuote("/a b/c"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
}
