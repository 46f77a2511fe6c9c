#!/usr/bin/env bash
# Builds the bundles that export packages (api, oci, bootstrap, core) as they were at the commit
# in build/api-baseline, as version 0.0.0-baseline, into the build's local Maven repository. The
# build's bnd-baseline-maven-plugin compares each exported package with them and fails when a
# package changed without the right semantic version bump. `just test` runs this first; without
# it the baseline check finds nothing to compare with and only warns.
#
# Environment: MAVEN_REPO (the local repository; default: the one Maven uses), MVN.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
ref=$(grep -v '^#' build/api-baseline | head -1 | tr -d '[:space:]')
modules=(bundles/krustlet-api bundles/krustlet-oci bundles/krustlet-bootstrap bundles/krustlet-core)
repo=${MAVEN_REPO:-$($MVN -q -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")}
marker="$repo/io/krustlet/krustlet-api/0.0.0-baseline/built-from-$ref"
if [ -f "$marker" ]; then
    echo "API baseline: $ref (already built)"
    exit 0
fi
if ! git cat-file -e "$ref^{commit}" 2>/dev/null; then
    echo "API baseline: commit $ref (build/api-baseline) is not in this clone" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive "$ref" pom.xml "${modules[@]}" | tar -x -C "$work"
# only the exported modules, at the baseline version, without their tests and test dependencies
awk -v list="${modules[*]}" 'BEGIN { n = split(list, m, " ") }
    /<modules>/ { print; for (i = 1; i <= n; i++) print "    <module>" m[i] "</module>"; skip = 1; next }
    /<\/modules>/ { skip = 0 }
    !skip { print }' "$work/pom.xml" > "$work/pom.xml.new" && mv "$work/pom.xml.new" "$work/pom.xml"
for pom in "$work/pom.xml" "${modules[@]/#/$work/}"; do
    pom=${pom%/}; [ -d "$pom" ] && pom="$pom/pom.xml"
    sed -i 's#<version>0.1.0-SNAPSHOT</version>#<version>0.0.0-baseline</version>#' "$pom"
    [ "$pom" = "$work/pom.xml" ] || sed -i '/<scope>test<\/scope>/d' "$pom"
done
echo "API baseline: building the exported packages as of $ref"
$MVN -q -f "$work/pom.xml" install -Dmaven.test.skip=true -Dmaven.repo.local="$repo"
touch "$marker"
