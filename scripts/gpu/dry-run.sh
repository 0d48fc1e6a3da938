#!/usr/bin/env bash
# The GPU acceptance run's dry run, on a machine without a GPU (CI runs it): assembles dist/gpu from the current
# build, checks that run.sh's phase caps fit its 7-minute budget, runs it in dry-run mode and checks that every
# phase ran in the required order (start, native tests, compare, JMH families, summary) and wrote its log, and that
# a real run on this GPU-less machine fails at the start with the reason instead of passing.
#
#   scripts/gpu/dry-run.sh [--no-build]    (--no-build: reuse dist/gpu as it is)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
die() { echo "dry-run: FAILED: $*" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
  scripts/prepare-gpu.sh --no-build >/dev/null
fi
bundle="$root/dist/gpu"
[ -x "$bundle/run.sh" ] || die "$bundle/run.sh is missing (run scripts/prepare-gpu.sh)"

# 1. The caps fit the budget.
cap() { sed -n "s/^$1=\\([0-9]*\\).*/\\1/p" "$bundle/run.sh"; }
budget="$(sed -n 's/^budget=\([0-9]*\).*/\1/p' "$bundle/run.sh")"
sum=0
for c in CAP_INFO_ALONE CAP_INFO CAP_NATIVE CAP_COMPARE CAP_TORCH_PEER CAP_JMH CAP_SUMMARY; do
  v="$(cap "$c")"
  [ -n "$v" ] || die "run.sh has no $c"
  sum=$((sum + v))
done
[ "$budget" -le 420 ] || die "run.sh's budget is ${budget}s, more than 7 minutes"
[ "$sum" -le "$budget" ] || die "run.sh's phase caps add up to ${sum}s, more than its ${budget}s budget"
echo "dry-run: phase caps ${sum}s within the ${budget}s budget"

# 2. A dry run: every phase runs, in order.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
LRML_GPU_DRY_RUN=1 "$bundle/run.sh" >"$log" 2>&1 || { tail -30 "$log"; die "the dry run exited with an error"; }
results="$bundle/results"
order=("=== start-info-alone" "=== start-info " "=== native-tests" "=== compare" "=== jmh-Gemm" "=== jmh-TopK" "=== summary")
last=0
for marker in "${order[@]}"; do
  line="$(grep -n -F -- "$marker" "$log" | head -1 | cut -d: -f1)"
  [ -n "$line" ] || { tail -30 "$log"; die "the dry run has no phase '$marker'"; }
  [ "$line" -gt "$last" ] || die "phase '$marker' ran out of order (line $line)"
  last="$line"
done
for f in start-info.log native-tests.log compare.log jmh-Gemm.log status.txt; do
  [ -s "$results/$f" ] || die "the dry run wrote no results/$f"
done
grep -q 'the CUDA backend did not start, as expected' "$log" || die "the dry run did not report the missing backend"
grep -qE 'tests skipped' "$results/native-tests.log" || die "the native tests did not run (no JUnit summary)"
grep -q 'RESULT: DRY RUN COMPLETE' "$results/status.txt" || die "no final status line"
echo "dry-run: every phase ran in order: $(cat "$results/status.txt")"

# 3. A real run here must fail at the start, with the reason, and not go on.
if LRML_GPU_PHASES="start" "$bundle/run.sh" >"$log" 2>&1; then
  die "run.sh passed on a machine without a GPU"
fi
grep -q 'FAILED: the CUDA backend did not start: ' "$log" || { tail -20 "$log"; die "the failed start gave no reason"; }
grep -q '=== native-tests' "$log" && die "run.sh went on after the backend failed to start"
echo "dry-run: without a GPU a real run fails at the start: $(grep -m1 'FAILED:' "$log" | cut -c1-160)"
echo "dry-run: OK"
