#!/usr/bin/env bash
# gofmt, go vet and staticcheck over the whole module, e2e tests included.
# staticcheck is installed at its pinned version on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
unformatted=$(git ls-files '*.go' | xargs gofmt -l)
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...
go vet -tags e2e ./test/e2e/... ./test/netns/...
go vet -tags chaos ./test/chaos/...
staticcheck=$(go env GOPATH)/bin/staticcheck
if ! "$staticcheck" -version 2>/dev/null | grep -q "(0.6.1)"; then
  go install honnef.co/go/tools/cmd/staticcheck@v0.6.1
fi
"$staticcheck" ./...
"$staticcheck" -tags e2e ./test/e2e/... ./test/netns/...
"$staticcheck" -tags chaos ./test/chaos/...
echo "lint: clean"
