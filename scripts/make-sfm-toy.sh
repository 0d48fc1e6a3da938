#!/usr/bin/env bash
# Writes a small data set in SfM-120k's format (retrieval-SfM-120k.pkl and ims/ as cirtorch lays them out) for
# trying `lrml train --dataset sfm120k`: 12 train and 6 val clusters of 8 synthetic 96-px JPEGs (data/SyntheticSfm).
# Usage: scripts/make-sfm-toy.sh OUT [train-clusters val-clusters images-per-cluster longest-side]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/lrml" --version >/dev/null   # builds target/lrml.jar when it is missing or stale
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "$here/target/lrml.jar" org.lrml.data.SyntheticSfm "$@"
