#!/usr/bin/env bash
# Builds the platform and runs it in one process (every service, the embedded default) with the
# looping demo stream. Extra arguments go to the launcher (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
. scripts/lib/tools.sh
tools_env "$PWD"   # the Node.js and kustomize install-deps brought, where the machine's will not do
mvn -B -q -DskipTests -Dweb.skip.tests package
exec java -jar launcher/target/livestream.jar --demo "$@"
