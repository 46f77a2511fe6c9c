#!/usr/bin/env bash
# Installs the Krustlet features into a STOCK Apache Karaf (not our assembly), the way a user would:
#   feature:repo-add mvn:io.krustlet/krustlet-features/<version>/xml/features
#   feature:install krustlet-wasi
# and checks that every krustlet bundle is Active and the shell commands answer.
#
# The build runs it (itests module, integration-test phase, after `install` of the features) with
# every input from the build itself: KARAF_TGZ (the apache-karaf tar.gz, a dependency of the itests
# module), MAVEN_REPO (the build's local repository, which the stock Karaf uses as its own) and an
# empty HOME, so nothing downloaded by hand into a home directory can make it pass.
# By hand, after `mvn install`: features/stock-karaf-check.sh (defaults: ~/.m2/repository and the
# tar.gz in it). Exit code 0 when everything is Active.
set -euo pipefail

KARAF_VERSION=${KARAF_VERSION:-4.4.10}
VERSION=${VERSION:-0.1.0-SNAPSHOT}
REPO=${MAVEN_REPO:-$HOME/.m2/repository}
KARAF_TGZ=${KARAF_TGZ:-$REPO/org/apache/karaf/apache-karaf/$KARAF_VERSION/apache-karaf-$KARAF_VERSION.tar.gz}
SSH_PORT=${SSH_PORT:-8141}
if [ -z "${JAVA_HOME:-}" ]; then
    for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-*; do [ -x "$d/bin/java" ] && { export JAVA_HOME=$d; break; }; done
fi

if [ ! -f "$KARAF_TGZ" ]; then
    echo "No Karaf at $KARAF_TGZ: run 'mvn install' (the itests module depends on apache-karaf:$KARAF_VERSION:tar.gz)" >&2
    exit 2
fi
# Java takes user.home from the password database, not from HOME: pass it on, so the stock Karaf
# (pax-url's settings.xml lookup, the shell client's known hosts) sees the same home as this script
mkdir -p "$HOME"
export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Duser.home=$HOME"
if [ -n "${STOCK_KARAF_WORK:-}" ]; then
    rm -rf "$STOCK_KARAF_WORK/karaf"; mkdir -p "$STOCK_KARAF_WORK/karaf"; work="$STOCK_KARAF_WORK/karaf"
else
    work=$(mktemp -d /tmp/krustlet-stock-karaf.XXXXXX)
fi
tar xzf "$KARAF_TGZ" -C "$work"
home="$work/apache-karaf-$KARAF_VERSION"
# A stock Karaf with only: an SSH port of our own, the RMI ports moved, the karaf/karaf user enabled
# (commented out in a stock users.properties), and the local repository named explicitly.
sed -i "s/^sshPort *= *.*/sshPort = $SSH_PORT/" "$home/etc/org.apache.karaf.shell.cfg"
sed -i "s/^rmiRegistryPort *= *.*/rmiRegistryPort = $((SSH_PORT + 1))/; s/^rmiServerPort *= *.*/rmiServerPort = $((SSH_PORT + 2))/" \
    "$home/etc/org.apache.karaf.management.cfg"
sed -i 's/^#karaf = /karaf = /; s/^#_g_/_g_/' "$home/etc/users.properties"
echo "org.ops4j.pax.url.mvn.localRepository = $REPO" >> "$home/etc/org.ops4j.pax.url.mvn.cfg"

stop() {
    # stop this Karaf (its own pid only), waiting up to 30 s for it to exit
    local pid
    pid=$(cat "$home/karaf.pid" 2>/dev/null || true)
    "$home/bin/stop" >/dev/null 2>&1 || true
    for _ in $(seq 60); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill "$pid" || true
}
trap stop EXIT
"$home/bin/start"
shell() { echo "$1" | timeout 120 "$home/bin/client" -u karaf -p karaf -a "$SSH_PORT" -r 30 -d 2 -b 2>/dev/null; }
deadline=$((SECONDS + 90))
until shell 'bundle:list -t 0' >/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "Karaf did not come up; see $home/data/log/karaf.log" >&2; exit 1; }
    sleep 1
done

shell "feature:repo-add mvn:io.krustlet/krustlet-features/$VERSION/xml/features"
# -r (no auto-refresh), as the README says: BouncyCastle satisfies optional imports of Karaf's own
# shell bundles, and a refresh of those would restart the shell the command runs in
shell "feature:install -r krustlet-wasi"
bundles=$(shell 'bundle:list -t 0')
echo "$bundles" | grep -Ei 'krustlet|jackson|yaml' || true
status=0
if echo "$bundles" | grep -i 'krustlet' | grep -v '| Active'; then
    echo "FAIL: krustlet bundles not Active" >&2; status=1
fi
for name in "Krustlet :: API" "Krustlet :: Core" "fabric8 kubernetes-client" "Krustlet :: WASI provider" "Krustlet :: Shell" \
        "Krustlet :: TLS bootstrap" "Krustlet :: HTTP"; do
    echo "$bundles" | grep -F "$name" | grep -q '| Active' || { echo "FAIL: $name is not Active" >&2; status=1; }
done
for cfg in io.krustlet.kubelet.cfg io.krustlet.oci.cfg io.krustlet.http.cfg; do
    [ -f "$home/etc/$cfg" ] || { echo "FAIL: etc/$cfg was not created" >&2; status=1; }
done
shell 'krustlet:pods' || { echo "FAIL: krustlet:pods" >&2; status=1; }
grep -E 'ERROR' "$home/data/log/karaf.log" && { echo "FAIL: errors in karaf.log" >&2; status=1; }
if [ $status -eq 0 ]; then
    echo "OK: krustlet-wasi installs and runs in a stock Karaf $KARAF_VERSION"
    stop; rm -rf "$work"
else
    echo "Karaf left in $home (data/log/karaf.log)" >&2
fi
exit $status
