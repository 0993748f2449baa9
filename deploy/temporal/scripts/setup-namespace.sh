#!/bin/sh
# Creates the namespace and registers gcsync's custom search attributes. Idempotent.
# The attribute list mirrors CUSTOM_SEARCH_ATTRIBUTES in workflows/search-attributes.ts (test/unit/compose.test.ts
# fails when they drift).
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe -n "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
  || temporal operator namespace create -n "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
# A new namespace reaches the frontend's cache only after a few seconds, and until then creating an attribute fails
# with "namespace not found": retry until each attribute is listed, and fail (so compose restarts the job) if not.
for attr in GcsyncPhase=Keyword GcsyncAwaitingApproval=Bool GcsyncPlanDigest=Keyword; do
  name="${attr%%=*}"; type="${attr#*=}"
  tries=0
  until temporal operator search-attribute list -n "$ns" --address "$TEMPORAL_ADDRESS" -o json 2>/dev/null \
    | grep -q "\"$name\""; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then echo "search attribute $name could not be registered in $ns" >&2; exit 1; fi
    temporal operator search-attribute create -n "$ns" --name "$name" --type "$type" --address "$TEMPORAL_ADDRESS" \
      >/dev/null 2>&1 || sleep 2
  done
done
echo "namespace $ns ready"
