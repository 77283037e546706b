#!/usr/bin/env bash
# Runs every test: installs what the tests need, then the Maven build with its unit,
# end-to-end and multi-process tests. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
exec mvn -B verify "$@"
