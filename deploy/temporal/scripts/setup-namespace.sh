#!/bin/sh
# Creates the namespace and registers gcsync's custom search attributes. Idempotent.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
for attr in GcsyncPhase=Keyword GcsyncAwaitingApproval=Bool GcsyncPlanDigest=Keyword; do
  name="${attr%%=*}"; type="${attr#*=}"
  temporal operator search-attribute create -n "$ns" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS" || true
done
echo "namespace $ns ready"
