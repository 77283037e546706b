#!/usr/bin/env bash
# Builds the platform and runs it in one process (every service, the embedded default) with the
# looping demo stream. Extra arguments go to the launcher (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -q -DskipTests -Dweb.skip.tests package
exec java -jar launcher/target/livestream.jar --demo "$@"
