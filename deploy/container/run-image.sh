#!/usr/bin/env bash
# Starts a built image's own command (its CMD, as `docker run` would) with buildah on the host network, as the
# image's user, until Ctrl-C; the working container is removed afterwards. `podman run` cannot be used on machines
# whose rlimits it may not raise; `buildah run --isolation chroot` needs no such thing.
#
# Usage: PORT=3000 deploy/container/run-image.sh [tag]     (default seattle-energy:test)
set -euo pipefail

tag="${1:-seattle-energy:test}"
port="${PORT:-3000}"
buildah=(buildah --storage-driver vfs)

container="$("${buildah[@]}" from --pull=never "$tag")"
trap '"${buildah[@]}" rm "$container" >/dev/null' EXIT
mapfile -t command < <("${buildah[@]}" inspect --type container --format '{{json .OCIv1.Config.Cmd}}' "$container" |
  node -e 'for (const arg of JSON.parse(require("fs").readFileSync(0, "utf8"))) console.log(arg)')
echo "starting ${command[*]} on port $port" >&2
"${buildah[@]}" run --isolation chroot --network host --env "PORT=$port" "$container" -- "${command[@]}"
