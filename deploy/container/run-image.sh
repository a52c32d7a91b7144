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
command_json="$("${buildah[@]}" inspect --type container "$container")"
mapfile -t command < <(node -e 'for (const arg of JSON.parse(process.argv[1]).OCIv1.config.Cmd) console.log(arg)' "$command_json")
[[ ${#command[@]} -gt 0 ]] || { echo "$tag has no CMD" >&2; exit 1; }
echo "starting ${command[*]} on port $port" >&2
"${buildah[@]}" run --isolation chroot --network host --env "PORT=$port" "$container" -- "${command[@]}"
