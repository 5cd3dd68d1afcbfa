#!/usr/bin/env bash
# Writes k8s/rendered/{dev,prod}.yaml: what `kubectl kustomize` renders for each overlay, for `kubectl apply -f`
# without kustomize and for the manifest tests where kubectl is not installed. A test fails when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p k8s/rendered
for overlay in dev prod; do
  kubectl kustomize "k8s/overlays/$overlay" > "k8s/rendered/$overlay.yaml"
  echo "k8s/rendered/$overlay.yaml"
done
