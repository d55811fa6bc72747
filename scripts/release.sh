#!/usr/bin/env bash
# Releases create-clustera-kernel and clustera-kernel-runtime together, at one version (runtime/README.md, Versions):
# checks the two versions agree and CHANGELOG.md has the release's entry, builds the npm tarball, the wheel and the
# sdist, then publishes the runtime with `uv publish` and the CLI with `npm publish`.
#
#   scripts/release.sh [--dry-run]
#
# Where they go is the tools' own configuration: npm's registry and token (.npmrc, npm_config_registry, ...), uv's
# upload URL and credentials (UV_PUBLISH_URL, UV_PUBLISH_TOKEN or UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD, or
# UV_PUBLISH_INDEX naming a [[tool.uv.index]] with a publish-url). --dry-run builds and checks everything and uploads
# nothing (`uv publish --dry-run`, `npm publish --dry-run`). The built files stay in .tmp/release-<version>/.
set -euo pipefail

dry_run=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=1 ;;
    -h | --help)
      sed -n '2,10s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *)
      echo "release: unknown argument $arg (usage: scripts/release.sh [--dry-run])" >&2
      exit 2
      ;;
  esac
done

fail() {
  echo "release: $*" >&2
  exit 1
}

cd "$(dirname "$0")/.."
root="$(pwd)"

version="$(node -p 'require("./package.json").version')"
runtime_version="$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' runtime/pyproject.toml)"
[ "$version" = "$runtime_version" ] ||
  fail "package.json says $version but runtime/pyproject.toml says $runtime_version: release both at one version"
# The heading update reads the release notes from: `## <version>`, maybe followed by a date.
grep -Eq "^## ${version//./\\.}([[:space:]]|$)" CHANGELOG.md ||
  fail "CHANGELOG.md has no entry for $version (a \`## $version\` heading with its notes)"

# Published versions never change: a version already on the registry would leave the runtime published without it.
if [ "$dry_run" = 0 ] && published="$(npm view "create-clustera-kernel@$version" version 2>/dev/null)" &&
  [ -n "$published" ]; then
  fail "create-clustera-kernel $version is already on the npm registry"
fi

out="$root/.tmp/release-$version"
rm -rf "$out"
mkdir -p "$out"

# npm pack runs prepack (the build) once; the tarball is what npm publish uploads, so it is built and checked before
# anything is published.
echo "release: building create-clustera-kernel $version"
tarball="$(npm pack --pack-destination "$out" --silent | tail -n 1)"
[ -f "$out/$tarball" ] || fail "npm pack left no tarball in $out"

echo "release: building clustera-kernel-runtime $version"
(cd runtime && uv build --quiet --out-dir "$out")
wheel="$out/clustera_kernel_runtime-$version-py3-none-any.whl"
sdist="$out/clustera_kernel_runtime-$version.tar.gz"
[ -f "$wheel" ] && [ -f "$sdist" ] || fail "uv build did not make $(basename "$wheel") and $(basename "$sdist")"

publish_flags=()
if [ "$dry_run" = 1 ]; then publish_flags=(--dry-run); fi

# The runtime first: a CLI whose runtime cannot be found makes kernels that do not install, while a runtime without
# its CLI harms no one until the CLI follows.
echo "release: publishing clustera-kernel-runtime $version"
uv publish "${publish_flags[@]}" "$wheel" "$sdist"
echo "release: publishing create-clustera-kernel $version"
npm publish "${publish_flags[@]}" "$out/$tarball"

if [ "$dry_run" = 1 ]; then
  echo "release: dry run of $version done; nothing was published (built files in $out)"
else
  echo "release: published create-clustera-kernel $version and clustera-kernel-runtime $version"
fi
