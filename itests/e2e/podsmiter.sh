#!/usr/bin/env bash
# `just podsmiter`: removes what an interrupted `just test-e2e` left in the cluster KUBECONFIG names:
# pods labelled krustlet-e2e=true (forced, grace period 0), the test ConfigMaps and Secrets of
# namespace krustlet-e2e, the Nodes named krustlet-e2e-*, and the bootstrap tokens, ClusterRoleBindings
# and CSRs of the TLS bootstrap scenario. See PodSmiter.java.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KUBECONFIG_FILE=$(e2e_kubeconfig)
if [ -z "$KUBECONFIG_FILE" ]; then
    echo "podsmiter: skipped: $NO_CLUSTER"
    exit 0
fi
e2e_build_if_needed podsmiter
e2e_java PodSmiter
