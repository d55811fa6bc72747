#!/usr/bin/env bash
# What `npx create-clustera-kernel` downloads and installs: the packed tarball and the node_modules it installs into.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$REPO_ROOT" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball=$(ls "$work"/*.tgz)
entries=$(tar -tzf "$tarball" | wc -l)
packed_kb=$(( $(stat -c %s "$tarball") / 1024 ))
unpacked_kb=$(mkdir "$work/unpacked" && tar -xzf "$tarball" -C "$work/unpacked" && du -sk --apparent-size "$work/unpacked" | cut -f1)
# A consumer project installing the tarball, as npx does into its cache.
mkdir "$work/consumer"
(cd "$work/consumer" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "$tarball" >/dev/null)
install_kb=$(du -sk --apparent-size "$work/consumer/node_modules" | cut -f1)
packages=$(cd "$work/consumer" && npm ls --all --parseable 2>/dev/null | tail -n +2 | wc -l)
{
  echo "| figure | value |"
  echo "| --- | --- |"
  echo "| files in the tarball | $entries |"
  echo "| tarball (gzip) | ${packed_kb} KiB |"
  echo "| tarball unpacked | ${unpacked_kb} KiB |"
  echo "| node_modules after installing the tarball | ${install_kb} KiB ($packages packages) |"
  echo
} >"$work/body.md"
write_section package-size "Package: npm pack and install size (bench/package-size.sh)" "$work/body.md"
cat "$work/body.md"
