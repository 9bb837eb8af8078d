#!/usr/bin/env bash
# gofmt, go vet and golangci-lint (the linters and limits of .golangci.yml:
# errcheck, errorlint, gosec, staticcheck, revive, goimports, and no
# function over 40 lines or cyclomatic complexity 15) over the whole
# module, e2e and chaos tests included. golangci-lint is installed at its
# pinned version on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
golangci_version=2.15.0
unformatted=$(git ls-files '*.go' | xargs gofmt -l)
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go vet -tags e2e ./test/e2e/... ./test/netns/...
go vet -tags chaos ./test/chaos/...
golangci=$(go env GOPATH)/bin/golangci-lint
if ! "$golangci" version 2>/dev/null | grep -q "version $golangci_version "; then
  echo "lint: installing golangci-lint v$golangci_version (a few minutes, once)" >&2
  go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v$golangci_version"
fi
"$golangci" run ./...
echo "lint: clean"
