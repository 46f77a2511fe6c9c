# Krustlet for the JVM. `just` lists the recipes.

set shell := ["bash", "-euo", "pipefail", "-c"]

# The build (Maven, Pax Exam, the stock Karaf check) runs on Java 17; prefer it when several JDKs are
# installed. The distribution picks its own JDK (Java 25 when installed, see assembly's bin/setenv):
# `run` passes on only a JAVA_HOME of the caller's own.
export JAVA_HOME := env_var_or_default("JAVA_HOME", `for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-*; do [ -x "$d/bin/java" ] && { echo "$d"; exit 0; }; done; dirname "$(dirname "$(readlink -f "$(command -v java)")")"`)
caller_java_home := env_var_or_default("JAVA_HOME", "")

mvn := "mvn -B -ntp"
dist := "assembly/target/assembly"

default:
    @just --list

# Build every module and the Karaf distribution, without running tests.
build:
    {{mvn}} -q install -DskipTests

# Start the node in the foreground (standalone unless a cluster is configured); builds first if needed.
run:
    @if [ ! -x {{dist}}/bin/karaf ] || [ ! -f assembly/target/krustlet-assembly-0.1.0-SNAPSHOT.tar.gz ] || [ -n "$(find pom.xml bundles etc testmodules features assembly/src assembly/pom.xml -type f -newer assembly/target/krustlet-assembly-0.1.0-SNAPSHOT.tar.gz -not -path '*/target/*' 2>/dev/null | head -1)" ]; then just build; fi
    @echo "Starting Krustlet (Karaf console; type 'krustlet:pods', or Ctrl-D to stop)"
    {{ if caller_java_home == "" { "env -u JAVA_HOME " } else { "" } }}{{dist}}/bin/karaf

# The API baseline, then unit tests of every bundle, the Pax Exam tests in our Karaf, and feature:install in a stock Karaf (all inside `mvn install`).
test: check-wasi-toolchain
    @MVN="{{mvn}}" bash build/baseline.sh
    {{mvn}} install

# End-to-end tests against the cluster KUBECONFIG names (skipped without one): a node joins it and runs the *E2E scenarios.
test-e2e *TEST:
    @bash itests/e2e/run.sh {{TEST}}

# Remove what an interrupted test-e2e left in the cluster: its pods, ConfigMaps, Secrets and krustlet-e2e-* Nodes.
podsmiter:
    @bash itests/e2e/podsmiter.sh

# Benchmarks (all, or some of: pods cluster pull fib cpu http wagi upgrade density [N]; --smoke: a few iterations of each): static pod latency, 100 pods through the API server, pulls, fib(30) per engine, CPU-bound C programs against V8, kubelet API req/s, WAGI req/s, a provider upgraded 20 times under 50 pods, N sleeping pods on the distribution.
bench *ARGS: check-wasi-toolchain
    @MVN="{{mvn}}" bash bench/run.sh {{ARGS}}

# Push a .wasm module to an OCI registry: just push hello.wasm 127.0.0.1:5000/hello:v1 [--insecure] [--docker-config FILE]
push FILE REF *FLAGS:
    @[ -f bundles/krustlet-oci/target/classes/io/krustlet/oci/internal/PushTool.class ] || {{mvn}} -q install -DskipTests -pl bundles/krustlet-oci -am
    {{mvn}} -q -pl bundles/krustlet-oci exec:java -Dexec.mainClass=io.krustlet.oci.internal.PushTool -Dexec.classpathScope=compile -Dexec.args="$(realpath {{FILE}}) {{REF}} {{FLAGS}}"

# Install the Debian packages the tests need: the wasm32-wasi C toolchain, an OCI registry and openssl (needs root).
deps:
    apt-get update -q && apt-get install -y -q clang lld wasi-libc libclang-rt-14-dev-wasm32 docker-registry apache2-utils openssl

[private]
check-wasi-toolchain:
    @[ -f /usr/lib/wasm32-wasi/libc.a ] && command -v clang >/dev/null || { echo "The C test module needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32: run 'just deps' (as root)" >&2; exit 1; }
