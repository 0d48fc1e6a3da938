#!/usr/bin/env bash
# Builds the engine and the benchmarks (mvn test-compile, offline when the dependencies are cached; Maven's output
# goes to stderr) and prints the classpath that runs them: target/test-classes, target/classes and every test-scope
# dependency jar, as absolute paths. Used by bench/run and bench/compare.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn_q() { mvn -B -q -o -Dstyle.color=never "$@" || mvn -B -q -Dstyle.color=never "$@"; }
mvn_q test-compile >&2
cpfile="target/bench-classpath.txt"
if [ ! -f "$cpfile" ] || [ pom.xml -nt "$cpfile" ]; then
  mvn_q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cpfile" >&2
fi
echo "$root/target/test-classes:$root/target/classes:$(cat "$cpfile")"
