#!/usr/bin/env bash
# `just test-e2e [TEST]`: the kubectl-level end-to-end suite, against the cluster KUBECONFIG names.
#
# Starts a copy of the distribution (assembly/target/assembly) in a temporary directory as node
# krustlet-e2e-<short host name> (E2E_NODE_NAME overrides it), joined to that cluster; waits for
# the Node to be Ready; runs the JUnit scenarios itests/src/test/java/io/krustlet/itests/e2e/*E2E.java
# (failsafe, profile e2e: not the Pax Exam *IT tests); stops the node whatever happens.
# TEST, if given, selects scenarios as failsafe's -Dit.test does (LogsE2E, 'VolumesE2E#secret*').
# Some scenarios start a node of their own from the same distribution (BootstrapE2E: TLS bootstrap
# with a bootstrap token; ApiServerOutageE2E: the node cut off from the API server for a minute;
# LogsAfterNodeRestartE2E: a node restart), named krustlet-e2e-<purpose>-<random>, on a free kubelet
# port, and stop it again; the API server must reach those ports too.
#
# Environment: KUBECONFIG (required, else the suite is skipped), E2E_NODE_NAME, E2E_NO_BUILD=1 (use
# the distribution as built even when sources are newer), E2E_READY_TIMEOUT (seconds for the Node
# to be Ready, default 180), E2E_TIMEOUT (seconds a pod may take to reach a state, default 120),
# E2E_KEEP=1 (keep the temporary directory after a pass), MVN (default "mvn -B -ntp"; add -o to
# stay offline). KRUSTLET_* variables reach the node (KRUSTLET_NODE_IP, for instance, when the
# API server must reach the node at a given address).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KUBECONFIG_FILE=$(e2e_kubeconfig)
if [ -z "$KUBECONFIG_FILE" ]; then
    echo "test-e2e: skipped: $NO_CLUSTER"
    exit 0
fi

if [ "${E2E_NO_BUILD:-}" = 1 ]; then
    e2e_build_if_needed test-e2e missing
else
    e2e_build_if_needed test-e2e stale
fi
if [ ! -f "$TESTMOD" ]; then
    echo "test-e2e: $TESTMOD is missing: the C test module needs clang, lld, wasi-libc and" \
        "libclang-rt-14-dev-wasm32 ('just deps' as root), then 'just build'" >&2
    exit 1
fi

short_host=$(hostname 2>/dev/null || echo "${HOSTNAME:-localhost}")
short_host=$(echo "${short_host%%.*}" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')
NODE_NAME=${E2E_NODE_NAME:-krustlet-e2e-$short_host}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/krustlet-e2e.XXXXXX")
KARAF="$WORK/karaf"
KARAF_LOG="$KARAF/data/log/karaf.log"
mkdir -p "$WORK/pods" "$WORK/data" "$WORK/modules" "$WORK/host"

# A clean copy: no data, cache, logs or instance records from runs of the original.
cp -a "$DIST" "$KARAF"
rm -rf "$KARAF/data" "$KARAF/instances" "$KARAF/karaf.pid" "$KARAF/lock"
cp "$TESTMOD" "$WORK/modules/testmod.wasm"

KARAF_PID=
stop_node() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$KARAF_PID" ] && kill -0 "$KARAF_PID" 2>/dev/null; then
        echo "test-e2e: stopping node $NODE_NAME"
        "$KARAF/bin/stop" >/dev/null 2>&1 || true
        local deadline=$((SECONDS + 30)) java_pid
        while kill -0 "$KARAF_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
            sleep 1 # polling for the exit, bounded by the deadline
        done
        if kill -0 "$KARAF_PID" 2>/dev/null; then
            echo "test-e2e: the node did not stop within 30 s; killing it" >&2
            java_pid=$(cat "$KARAF/karaf.pid" 2>/dev/null || true)
            [ -n "$java_pid" ] && kill -9 "$java_pid" 2>/dev/null || true
            kill -9 "$KARAF_PID" 2>/dev/null || true
        fi
    fi
    if [ "$rc" -ne 0 ]; then
        echo "test-e2e: FAILED (exit $rc). The node's log is kept: $KARAF_LOG" >&2
        echo "test-e2e: scenario reports: $E2E_ROOT/itests/target/failsafe-reports;" \
            "'just podsmiter' removes what is left in the cluster" >&2
    elif [ "${E2E_KEEP:-}" = 1 ]; then
        echo "test-e2e: passed; kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap stop_node EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "test-e2e: starting node $NODE_NAME in $KARAF, joining the cluster of $KUBECONFIG_FILE"
(
    cd "$KARAF"
    export KRUSTLET_KUBECONFIG="$KUBECONFIG_FILE"
    export KRUSTLET_NODE_NAME="$NODE_NAME"
    export KRUSTLET_NODE_LABELS="krustlet-e2e=true"
    export KRUSTLET_ALLOW_LOCAL_MODULES=true
    export KRUSTLET_POD_MANIFEST_PATH="$WORK/pods"
    export KRUSTLET_DATA_DIR="$WORK/data"
    export CHECK_ROOT_INSTANCE_RUNNING=false
    exec bin/karaf server >"$WORK/console.log" 2>&1 </dev/null
) &
KARAF_PID=$!

echo "test-e2e: waiting up to ${E2E_READY_TIMEOUT:-180} s for node $NODE_NAME to be Ready"
e2e_java AwaitNodeReady "$NODE_NAME" "${E2E_READY_TIMEOUT:-180}" "$KARAF_PID"

echo "test-e2e: running the scenarios"
args=(-pl itests verify -Pe2e
    "-Dkrustlet.e2e.node=$NODE_NAME"
    "-Dkrustlet.e2e.distribution=$DIST"
    "-Dkrustlet.e2e.image=fs/$WORK/modules/testmod.wasm"
    "-Dkrustlet.e2e.hostDir=$WORK/host"
    "-Dkrustlet.e2e.timeoutSeconds=${E2E_TIMEOUT:-120}")
if [ $# -gt 0 ]; then
    args+=("-Dit.test=$1" -Dfailsafe.failIfNoSpecifiedTests=false)
fi
(cd "$E2E_ROOT" && KUBECONFIG="$KUBECONFIG_FILE" $MVN "${args[@]}")
echo "test-e2e: all scenarios passed"
