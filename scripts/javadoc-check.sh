#!/usr/bin/env bash
# The API reference must build without a warning: runs mvn javadoc:javadoc (doclint on, all groups but "missing";
# see pom.xml) and fails on any warning or error it prints. The one line it keeps is javac's note that the
# incubator module jdk.incubator.vector is in use: the fast CPU paths need that module, and no javac or javadoc flag
# silences the note. Used by .ci/run; the reference lands in target/reports/apidocs.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
mvn -B ${MAVEN_OFFLINE:-} javadoc:javadoc >"$log" 2>&1 || status=$?
problems="$(grep -E "(warning|error)[: ]" "$log" | grep -v "using incubating module(s): jdk.incubator.vector" \
  | grep -vE "^\[(ERROR|WARNING)\] *[0-9]+ warnings?$" | grep -v "Download" || true)"
if [ -n "$problems" ] || [ "$status" -ne 0 ]; then
  grep -E "error|warning|ERROR" "$log" | grep -v "using incubating module" | head -60
  echo "javadoc-check: the API reference has warnings or errors (above)" >&2
  exit 1
fi
echo "javadoc-check: no warnings (target/reports/apidocs)"
