#!/usr/bin/env bash
# Builds the repository's Dockerfile with buildah (vfs storage, chroot isolation, no registry pulls) on a machine
# without a Docker engine. The base is the local stand-in made by base-image.sh under the official name.
#
# The Dockerfile itself stays what `docker build` expects. The only machine-specific part is here: when this
# machine reaches the npm registry through a TLS-intercepting proxy (NODE_EXTRA_CA_CERTS or npm's `cafile` set),
# its CA bundle and an npmrc naming it are bind-mounted into the build's RUN steps. Mounts are not part of any
# layer, and the runtime stage has no RUN step, so nothing of it reaches the image.
#
# Usage: deploy/container/build-image.sh [tag]     (default seattle-energy:test; prints the tag on its last line)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
tag="${1:-seattle-energy:test}"
buildah=(buildah --storage-driver vfs)

"$root/deploy/container/base-image.sh" >&2

mounts=()
work="$(mktemp -d /var/tmp/seattle-energy-build.XXXXXX)"
trap 'rm -rf "$work"' EXIT
ca_file="${NODE_EXTRA_CA_CERTS:-}"
if [[ -z "$ca_file" ]]; then ca_file="$(npm config get cafile 2>/dev/null || true)"; fi
if [[ -n "$ca_file" && "$ca_file" != "null" && "$ca_file" != "undefined" && -f "$ca_file" ]]; then
  cp "$ca_file" "$work/ca.pem"
  printf 'cafile=/etc/ssl/build-ca.pem\n' >"$work/npmrc"
  mounts+=(--volume "$work/ca.pem:/etc/ssl/build-ca.pem:ro" --volume "$work/npmrc:/root/.npmrc:ro")
fi

previous="$("${buildah[@]}" inspect --type image --format '{{.FromImageID}}' "$tag" 2>/dev/null || true)"
# --format docker: the OCI image format has no HEALTHCHECK, and buildah would drop it.
"${buildah[@]}" bud --isolation chroot --pull=never --layers --format docker "${mounts[@]}" \
  --file "$root/Dockerfile" --tag "$tag" "$root" >&2
current="$("${buildah[@]}" inspect --type image --format '{{.FromImageID}}' "$tag")"
# The image this tag named before is now unnamed: remove it so that repeated builds do not pile up in vfs storage.
if [[ -n "$previous" && "$previous" != "$current" ]]; then "${buildah[@]}" rmi "$previous" >/dev/null 2>&1 || true; fi
echo "$tag"
