# Shared by run.sh and podsmiter.sh (sourced, not run).

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MVN=${MVN:-mvn -B -ntp}
DIST="$E2E_ROOT/assembly/target/assembly"
DIST_TGZ="$E2E_ROOT/assembly/target/krustlet-assembly-0.1.0-SNAPSHOT.tar.gz"
TESTMOD="$E2E_ROOT/testmodules/target/classes/wasm/testmod.wasm"
NO_CLUSTER="no cluster (set KUBECONFIG to a cluster's kubeconfig)"

# The first existing file named by $KUBECONFIG (a colon-separated list, as kubectl reads it),
# as an absolute path; nothing when there is none.
e2e_kubeconfig() {
    local IFS=: f
    for f in ${KUBECONFIG:-}; do
        if [ -n "$f" ] && [ -f "$f" ]; then
            realpath "$f"
            return
        fi
    done
}

# `just build` when the distribution is missing, or (with "stale") older than its sources, the
# test `just run` makes. The build also installs what the itests test classpath needs.
e2e_build_if_needed() {
    local who=$1 when=${2:-missing}
    if [ ! -x "$DIST/bin/karaf" ] || [ ! -f "$DIST_TGZ" ] || { [ "$when" = stale ] && [ -n "$(cd "$E2E_ROOT" \
        && find pom.xml bundles etc testmodules features assembly/src assembly/pom.xml \
            -type f -newer "$DIST_TGZ" -not -path '*/target/*' 2>/dev/null | head -1)" ]; }; then
        echo "$who: building (mvn install -DskipTests)"
        (cd "$E2E_ROOT" && $MVN -q install -DskipTests)
    fi
}

# Runs a main class of the suite (io.krustlet.itests.e2e.<class>) on the itests test classpath.
e2e_java() {
    local main=$1
    shift
    (cd "$E2E_ROOT" && $MVN -q -pl itests test-compile exec:java -DskipTests -Dexec.classpathScope=test \
        -Dexec.mainClass="io.krustlet.itests.e2e.$main" -Dexec.args="$*")
}
