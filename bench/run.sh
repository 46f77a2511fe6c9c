#!/usr/bin/env bash
# `just bench [--smoke] [PART...]`: builds what the benchmarks need, then runs the parts asked for
# (all when none is named) and prints their figures; docs/benchmarks.md says how to read them.
# `density` may be followed by a pod count (`just bench density 10000`; default 1000, 20 in a smoke run).
# --smoke runs every part with a handful of iterations (CI does, after the tests): it proves each
# part still starts and finishes, and its figures mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
PARTS=(pods cluster pull fib cpu http wagi upgrade density)

smoke=false
asked=()
density_pods=""
for arg in "$@"; do
    case "$arg" in
        --smoke) smoke=true ;;
        *) if [[ "$arg" =~ ^[0-9]+$ ]] && ((${#asked[@]})) && [ "${asked[-1]}" = density ] && [ -z "$density_pods" ]; then
               ((arg > 0)) || { echo "bench: density needs a pod count above 0" >&2; exit 2; }
               density_pods=$arg; continue
           fi
           [[ " ${PARTS[*]} " == *" $arg "* ]] || { echo "bench: unknown part '$arg' (parts: ${PARTS[*]}; density [N])" >&2; exit 2; }
           asked+=("$arg") ;;
    esac
done
((${#asked[@]})) || asked=("${PARTS[@]}")

modules=bench,bundles/krustlet-http
# upgrade and density run the real distribution: build it too
[[ " ${asked[*]} " == *" upgrade "* || " ${asked[*]} " == *" density "* ]] && modules=$modules,assembly
$MVN -q install -DskipTests -pl "$modules" -am

# the harness runs in Maven's JVM: give it the JIT options the distribution's bin/setenv sets
jit=$(sed -n 's/^KRUSTLET_JIT_OPTS="\(.*\)"$/\1/p' assembly/src/main/overlay/bin/setenv)
export MAVEN_OPTS="${MAVEN_OPTS:-} $jit"

harness=()
for part in "${asked[@]}"; do
    [ "$part" = http ] && continue
    harness+=("$part")
    [ "$part" = density ] && [ -n "$density_pods" ] && harness+=("$density_pods")
done
if ((${#harness[@]})); then
    $MVN -q -pl bench exec:java -Dkrustlet.bench.smoke=$smoke -Dexec.args="${harness[*]}"
fi
if [[ " ${asked[*]} " == *" http "* ]]; then
    args=""; $smoke && args="1 4"   # 1 s per endpoint, 4 clients
    $MVN -q -pl bundles/krustlet-http test-compile exec:java -Dexec.classpathScope=test \
        -Dexec.mainClass=io.krustlet.http.HttpBench -Dexec.args="$args"
fi
