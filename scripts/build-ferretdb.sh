#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (the embedded and test database) once into .cache/bin.
# `go install …@v1.24.2` alone yields a binary that panics at start: the module as served
# by the proxy lacks the generated build/version/version.txt, so we build a copy of the
# module source with that file written (what FerretDB's own `task gen-version` does).
set -euo pipefail
version=v1.24.2
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.cache/bin/ferretdb"
[ -x "$bin" ] && exit 0
command -v go >/dev/null || { echo "build-ferretdb: no Go toolchain found; install Go or set MONGODB_URI" >&2; exit 3; }
export GOFLAGS=-mod=mod
go mod download -x "github.com/FerretDB/FerretDB@$version" >/dev/null 2>&1 || go mod download "github.com/FerretDB/FerretDB@$version"
src="$(go list -m -f '{{.Dir}}' "github.com/FerretDB/FerretDB@$version" 2>/dev/null || true)"
[ -n "$src" ] || src="$(go env GOMODCACHE)/github.com/!ferret!d!b/!ferret!d!b@$version"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$version" > "$work/build/version/version.txt"
mkdir -p "$(dirname "$bin")"
(cd "$work" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "build-ferretdb: built $bin"
