#!/usr/bin/env bash
# Runs the comparison table of the README: LRML (defaults), LRML with delta > 0 and with mu > 0, hardest
# against bottom negatives, contrastive, triplet -- on both Fashion-MNIST protocols -- plus the untrained
# network, then prints the Markdown table (make-table.py). Each run keeps its folder under $OUT.
#
#   bench/experiments/run-table.sh [OUT_DIR] [extra train flags...]     (default OUT_DIR: runs/table)
#
# Runs are skipped when their folder already has metrics.json, so an interrupted table resumes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-runs/table}"
shift || true
mkdir -p "$out"

run() { # name, flags...
  local name="$1"; shift
  if [ -f "$out/$name/metrics.json" ]; then
    echo "== $name: done already"
    return
  fi
  rm -rf "${out:?}/$name"
  echo "== $name: lrml train $*"
  local start=$SECONDS
  "$root/lrml" train --out "$out/$name" "$@" "${EXTRA[@]+"${EXTRA[@]}"}" 2>&1 | tr '\r' '\n' | grep -v '^ *$' \
    | grep -vE ' it/s| s/it' | tee "$out/$name.log"
  echo "$((SECONDS - start))" > "$out/$name.seconds"   # wall clock of the whole command, evaluations included
}
EXTRA=("$@")

for protocol in seen unseen; do
  # "seen-lrml" is the README's main job exactly (./lrml train, evaluation after every epoch): its wall clock is
  # the one the README quotes. The others evaluate only at the end (--eval-every 0) to save time.
  if [ "$protocol" = seen ]; then
    run "$protocol-lrml"
  else
    run "$protocol-lrml"          --protocol "$protocol" --eval-every 0
  fi
  run "$protocol-lrml-delta0.1"   --protocol "$protocol" --eval-every 0 --delta 0.1
  run "$protocol-lrml-mu1"        --protocol "$protocol" --eval-every 0 --mu 1
  run "$protocol-lrml-bottom"     --protocol "$protocol" --eval-every 0 --negatives bottom
  run "$protocol-contrastive"     --protocol "$protocol" --eval-every 0 --loss contrastive
  run "$protocol-triplet"         --protocol "$protocol" --eval-every 0 --loss triplet
  # the untrained network: zero epochs, evaluation only
  run "$protocol-untrained"       --protocol "$protocol" --eval-every 0 --epochs 0
done
/usr/bin/python3 "$here/make-table.py" "$out" | tee "$out/table.md"
