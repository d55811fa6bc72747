# Sourced by the kernel benches: the real broker (and PostgreSQL on request) from dist/infra, and a generated
# basic kernel whose process_message is rebound to `return True`.

# start_services WORK [--postgres]: sets BOOTSTRAP (and DATABASE_URL) and uv's index settings; stopped by stop_services.
start_services() {
  local work="$1"; shift
  node "$BENCH_DIR/kernel/services.mjs" "$work/services.env" "$@" &
  SERVICES_PID=$!
  until [ -s "$work/services.env" ]; do kill -0 "$SERVICES_PID" || return 1; sleep 0.5; done
  source "$work/services.env"
}

stop_services() {
  if [ -n "${SERVICES_PID:-}" ]; then kill "$SERVICES_PID" 2>/dev/null || true; wait "$SERVICES_PID" 2>/dev/null || true; fi
}

# make_noop_kernel DIR: generates, rebinds process_message just before the runtime starts, and installs.
make_noop_kernel() {
  local dir="$1"
  node "$CLI_BIN" "$dir" --kind basic --yes --no-install --no-git >/dev/null
  python3 - "$dir/main.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
noop = 'def process_message(message: Message) -> bool:  # noqa: F811\n    return True\n\n\n'
open(path, "w").write(text.replace('if __name__ == "__main__":', noop + 'if __name__ == "__main__":'))
PY
  (cd "$dir" && uv sync --quiet)
}
