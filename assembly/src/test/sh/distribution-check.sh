#!/usr/bin/env bash
# Starts the distribution the way a user does (bin/start, JAVA_HOME as bin/setenv picks it) on each
# JDK it supports that is installed here (Java 25, Java 17), and checks what depends on the JDK:
#   - the node runs on the JDK expected (Java 25 when installed and JAVA_HOME is not set);
#   - the shell works: a command, jaas:whoami (the user of the session), an admin-only command for
#     the admin, the same command refused to a viewer, who still lists the pods (on Java 24+ Karaf's shell finds its
#     user through lib/krustlet-karaf-agent.jar: without it no session opens, and a broken rewrite
#     would either lock the admin out or let the viewer in);
#   - the sample pod runs and its output is in its log;
#   - modules run on virtual threads on Java 21+ and on platform threads on Java 17;
#   - the log has no ERROR, and bin/stop stops the node.
#
# The build runs it (assembly module, integration-test phase) with DIST_TGZ = the tar.gz it just
# made. By hand: assembly/src/test/sh/distribution-check.sh (after `mvn install -pl assembly -am`).
# Exit code 0 when every check passes on every JDK tried.
set -euo pipefail

cd "$(dirname "$0")/../../.."
DIST_TGZ=${DIST_TGZ:-target/krustlet-assembly-0.1.0-SNAPSHOT.tar.gz}
WORK=${DIST_CHECK_WORK:-target/distribution-check}
SSH_PORT=${SSH_PORT:-8151}
KUBELET_PORT=${KUBELET_PORT:-10351}

first_jdk() {
    for d in "$@"; do [ -x "$d/bin/java" ] && { echo "$d"; return 0; }; done
    return 1
}
jdk25=$(first_jdk /usr/lib/jvm/temurin-25-* /usr/lib/jvm/java-25-openjdk-* || true)
jdk17=$(first_jdk /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-* || true)

status=0
fail() { echo "FAIL ($1): $2" >&2; status=1; }

# check NAME JAVA_HOME-to-give-or-empty EXPECTED-MAJOR
check() {
    local name=$1 java_home=$2 expected=$3
    local work="$WORK/$name"
    rm -rf "$work"; mkdir -p "$work"
    tar xzf "$DIST_TGZ" -C "$work"
    local home
    home=$(cd "$work"/krustlet-* && pwd)
    sed -i "s/^sshPort *= *.*/sshPort = $SSH_PORT/" "$home/etc/org.apache.karaf.shell.cfg"
    echo 'viewer = viewer,_g_:viewergroup' >> "$home/etc/users.properties"
    echo '_g_\:viewergroup = group,viewer,ssh' >> "$home/etc/users.properties"
    (
        if [ -n "$java_home" ]; then export JAVA_HOME=$java_home; else unset JAVA_HOME; fi
        export KRUSTLET_KUBECONFIG=none KRUSTLET_PORT=$KUBELET_PORT KRUSTLET_NODE_NAME=dist-check
        "$home/bin/start"
    )
    local pid=""
    stop() {
        "$home/bin/stop" >/dev/null 2>&1 || true
        for _ in $(seq 60); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            fail "$name" "bin/stop did not stop the node within 30 s"; kill "$pid" || true
        fi
    }
    shell() { echo "$2" | timeout 120 "$home/bin/client" -u "$1" -p "$1" -a "$SSH_PORT" -r 30 -d 2 -b 2>&1; }
    local deadline=$((SECONDS + 120)) out
    until out=$(shell karaf 'krustlet:pods') && echo "$out" | grep -q 'hello-dist-check.*Completed'; do
        if [ $SECONDS -ge $deadline ]; then
            fail "$name" "no shell, or the sample pod did not complete within 120 s: $out"
            pid=$(cat "$home/karaf.pid" 2>/dev/null || true); stop; return
        fi
        sleep 2
    done
    pid=$(cat "$home/karaf.pid")
    local java major
    java=$(readlink -f "/proc/$pid/exe")
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(dirname "$java")")/release")
    [ "$major" = "$expected" ] || fail "$name" "the node runs on Java $major ($java), expected $expected"
    shell karaf 'krustlet:logs hello-dist-check' | grep -q 'Hello from WebAssembly!' \
        || fail "$name" "krustlet:logs of the sample pod"
    shell karaf 'jaas:whoami' | grep -qx 'karaf' || fail "$name" "jaas:whoami does not name the session's user"
    shell karaf 'system:property karaf.name' | grep -qx 'root' || fail "$name" "admin-only command refused to the admin"
    # Karaf hides the commands a user may not run ("Command not found") or refuses them
    out=$(shell viewer 'system:property karaf.name' || true)
    echo "$out" | grep -Eq 'Command not found: .*system:property|Insufficient credentials' \
        || fail "$name" "admin-only command not refused to a viewer: $out"
    shell viewer 'krustlet:pods' | grep -q 'hello-dist-check' || fail "$name" "a viewer cannot list the pods"
    if [ "$major" -ge 21 ]; then
        grep -q 'modules on virtual threads, 256 carriers' "$home/data/log/karaf.log" \
            || fail "$name" "modules are not on virtual threads"
    else
        grep -q 'modules on platform threads' "$home/data/log/karaf.log" || fail "$name" "no platform threads line"
    fi
    if grep -E '\| ERROR ' "$home/data/log/karaf.log"; then fail "$name" "errors in karaf.log"; fi
    stop
    if [ $status -eq 0 ]; then
        echo "OK ($name): the distribution runs on Java $major: shell, ACLs, sample pod, module threads"
    fi
}

[ -f "$DIST_TGZ" ] || { echo "No distribution at $DIST_TGZ" >&2; exit 2; }
if [ -n "$jdk25" ]; then
    check default-jdk "" 25
elif [ -n "$jdk17" ]; then
    check default-jdk "" 17
fi
if [ -n "$jdk17" ] && [ -n "$jdk25" ]; then
    check java-17 "$jdk17" 17
fi
if [ $status -eq 0 ]; then rm -rf "$WORK"; else echo "Nodes left in $WORK (data/log/karaf.log)" >&2; fi
exit $status
