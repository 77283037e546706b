#!/usr/bin/env bash
# Runs every test: installs what the tests need, then the Maven build with its unit,
# end-to-end and multi-process tests. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
. scripts/lib/tools.sh
tools_env "$PWD"   # the Node.js and kustomize install-deps brought, where the machine's will not do
exec mvn -B verify "$@"
