#!/usr/bin/env bash
# Builds dist/gpu/: everything the GPU check needs on a machine with a GPU but no internet, no Maven and
# possibly no JDK -- the engine jar and its dependency jars, the compiled native tests and benchmarks, the JUnit
# console launcher, a jlink'ed Java runtime, and run.sh (see docs/cuda.md). Must stay under 60 MiB.
#
#   scripts/prepare-gpu.sh            build (mvn package, tests skipped) and assemble dist/gpu
#   scripts/prepare-gpu.sh --no-build assemble from the current target/
#
# Needs: Maven (offline is fine once ~/.m2 holds the JUnit console launcher), the JDK 25 at
# /usr/lib/jvm/temurin-25-jdk-amd64 (or LRML_JLINK_JDK) for jlink, and a build that had nvcc (the PTX).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jdk="${LRML_JLINK_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
console_version="1.14.1"
limit_mib=60
out="$root/dist/gpu"

build=1
[ "${1:-}" = "--no-build" ] && build=0

die() { echo "prepare-gpu: $*" >&2; exit 1; }
[ -x "$jdk/bin/jlink" ] || die "no jlink at $jdk/bin/jlink (set LRML_JLINK_JDK to a JDK 21+)"
command -v mvn >/dev/null || die "Maven is needed to assemble the bundle"

if [ "$build" -eq 1 ]; then
  echo "prepare-gpu: mvn package (tests skipped)..."
  mvn -B -q -DskipTests package
fi
[ -f target/classes/kernels/manifest.properties ] \
  || die "target/classes/kernels has no PTX: the build ran without nvcc (see kernels/build.sh)"
jar="target/lrml-0.1.0.jar"
[ -f "$jar" ] || die "$jar is missing (run without --no-build)"
for stem in $(sed -n 's/^stems=//p' target/classes/kernels/manifest.properties | tr ',' ' '); do
  unzip -l "$jar" "kernels/$stem.ptx" >/dev/null 2>&1 || die "$jar does not contain kernels/$stem.ptx"
done
[ -f target/test-classes/META-INF/BenchmarkList ] || die "target/test-classes has no JMH benchmark list"
# The vendor-library providers: the FFM bindings (cuBLAS 13, cuDNN 9) in the jar's multi-release part, read by the
# bundle's Java 25, and JCudnn's native library under the name JCuda 12.6.0 asks for (docs/cuda-providers.md).
unzip -p "$jar" META-INF/MANIFEST.MF | grep -q '^Multi-Release: true' || die "$jar is not multi-release"
unzip -l "$jar" 'META-INF/versions/22/org/lrml/backend/cuda/ffm/FfmBindings.class' >/dev/null 2>&1 \
  || die "$jar has no FFM bindings in META-INF/versions/22 (the build needs the JDK 25 javac; see pom.xml profile ffm)"
unzip -l "$jar" 'lib/libJCudnn-12.6.0-*' >/dev/null 2>&1 || die "$jar lacks lib/libJCudnn-12.6.0-* (JCudnn's native library)"

rm -rf "$out"
mkdir -p "$out/lib/test" "$out/results"
cp "$jar" "$out/lib/lrml.jar"

echo "prepare-gpu: dependency jars..."
mvn -B -q dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/lib"
# Lucene (lrml index/search) and protobuf (lrml export, import --onnx) are 6 MiB that the acceptance run never loads;
# without them the bundle stays under the 60 MiB limit (a device call carries 64 MiB). Those four commands end with
# a NoClassDefFoundError in the bundle; everything else, and every native test and benchmark, runs.
rm -f "$out"/lib/lucene-*.jar "$out"/lib/protobuf-java-*.jar
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mvn -B -q dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$tmp/test"
for j in "$tmp"/test/*.jar; do
  name="$(basename "$j")"
  case "$name" in
    junit-*|opentest4j-*|apiguardian-*|jmh-generator-*) ;;  # the console launcher carries JUnit; the generator ran at build time
    onnxruntime-*|lucene-*|protobuf-java-*) ;;  # ORT is 133 MiB and only the ONNX tests use it; the others: above
    *) [ -f "$out/lib/$name" ] || cp "$j" "$out/lib/test/" ;;
  esac
done

# JCuda's natives jar also carries the NVRTC and PTX-compiler bindings (24 MB unpacked); the engine loads only
# the driver binding (and cuBLAS/cuDNN's own), so the bundle keeps a copy without the two it never loads.
natives="$(ls "$out"/lib/jcuda-natives-*.jar)"
mkdir "$tmp/natives"
(cd "$tmp/natives" && unzip -q "$natives" && rm -f lib/libJNvPTXCompiler-* lib/libJNvrtc-* \
  && "$jdk/bin/jar" --create --file "$natives.new" --manifest META-INF/MANIFEST.MF -C . lib -C . META-INF/maven)
mv "$natives.new" "$natives"

console="org.junit.platform:junit-platform-console-standalone:$console_version"
if ! mvn -B -q -o dependency:copy -Dartifact="$console" -DoutputDirectory="$out/lib/test" >/dev/null 2>&1; then
  echo "prepare-gpu: fetching $console from Maven Central..."
  mvn -B -q dependency:copy -Dartifact="$console" -DoutputDirectory="$out/lib/test"
fi
mv "$out"/lib/test/junit-platform-console-standalone-*.jar "$out/lib/test/junit-console.jar"

echo "prepare-gpu: test classes (native tests, benchmarks)..."
"$jdk/bin/jar" --create --file "$out/lib/test/lrml-tests.jar" -C target/test-classes .

echo "prepare-gpu: jlink runtime from $jdk..."
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,java.sql,jdk.unsupported,jdk.zipfs,jdk.incubator.vector \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jre" 2>&1 \
  | grep -v 'incubator modules' || true
# Temurin's libjvm.so keeps its symbol table (5 MB); the runtime does not need it.
if command -v strip >/dev/null 2>&1; then
  find "$out/jre/lib" -name '*.so' -exec strip --strip-unneeded {} +
fi

cp scripts/gpu/run.sh scripts/gpu/torch_peer.py scripts/gpu/summarize.py "$out/"
# bench/compare's PyTorch side and what it imports, in the same layout as under bench/.
mkdir -p "$out/peer"
cp bench/compare.py bench/peer_cpu.py bench/peer_env.py "$out/"
cp bench/peer/torch_recipe.py "$out/peer/"
chmod +x "$out/run.sh"
cp target/classes/kernels/manifest.properties "$out/ptx-manifest.properties"

# The bundle must work: lrml info through the jlink runtime (here it explains why there is no GPU).
"$out/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$out/lib/*" \
  org.lrml.cli.Main info 2>&1 \
  | grep -v 'incubator modules' | sed 's/^/prepare-gpu: info> /'

size_kib="$(du -sk "$out" | cut -f1)"
printf 'prepare-gpu: dist/gpu is %.1f MiB (limit %d MiB): jre %s, lib %s\n' "$(echo "$size_kib / 1024" | bc -l)" \
  "$limit_mib" "$(du -sh "$out/jre" | cut -f1)" "$(du -sh "$out/lib" | cut -f1)"
[ "$size_kib" -le $((limit_mib * 1024)) ] || die "dist/gpu exceeds $limit_mib MiB"
echo "prepare-gpu: done. Copy dist/gpu to the GPU machine and run: ./run.sh   (at most 7 minutes; a dry run here: scripts/gpu/dry-run.sh)"
