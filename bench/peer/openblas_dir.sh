#!/usr/bin/env bash
# Prints a folder holding OpenBLAS's libblas.so.3, for the peers' LD_LIBRARY_PATH, or nothing when the system's
# libblas.so.3 already is OpenBLAS (or none can be had; a note goes to stderr).
#
# numpy, Debian's PyTorch 1.13 and Debian's faiss all link libblas.so.3. Where no libopenblas0 package is installed,
# that is Debian's reference BLAS (3-4 GFLOP/s here instead of 80-300), and a peer timed on it would lose for the
# wrong reason. Installing OpenBLAS would switch the BLAS of every process on a shared machine; instead the package
# is fetched with apt-get download and unpacked under ~/.cache/lrml, and only the peer processes load it.
set -euo pipefail
system="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
case "$system" in
  *openblas*) exit 0 ;;
esac
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lrml/openblas"
dir="$cache/root/usr/lib/x86_64-linux-gnu/openblas-pthread"
if [ ! -f "$dir/libblas.so.3" ]; then
  mkdir -p "$cache"
  if ! (cd "$cache" && apt-get download libopenblas0-pthread >/dev/null 2>&1 \
        && dpkg -x libopenblas0-pthread_*.deb root); then
    echo "openblas_dir.sh: could not fetch libopenblas0-pthread; the peers run on $system" >&2
    exit 0
  fi
fi
echo "$dir"
