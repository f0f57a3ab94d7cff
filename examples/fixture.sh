# Sourced by the example scripts: puts the built tools on PATH, starts the
# loopback fixture server (the stand-in for the internet, see
# tests/fixture_server.py) and stops it on exit.
#   use_build [BUILD_DIR]             PATH and PIX_SOURCE_DIR
#   start_fixture_server ROOT_DIR    sets FIXTURE_PORT and FIXTURE (base URL)
#   at_exit 'COMMAND'                 runs COMMAND when the script ends

_at_exit=":"
at_exit() {
  _at_exit="$1; $_at_exit"
  trap "$_at_exit" EXIT
  trap "$_at_exit; exit 130" INT TERM
}

start_fixture_server() {
  _fixture_out=$(mktemp)
  python3 "$PIX_SOURCE_DIR/tests/fixture_server.py" --root "$1" >"$_fixture_out" &
  _fixture_pid=$!
  at_exit 'kill $_fixture_pid 2>/dev/null; rm -f "$_fixture_out"'
  _tries=0
  while [ ! -s "$_fixture_out" ]; do
    _tries=$((_tries + 1))
    if [ $_tries -gt 100 ]; then echo "fixture server did not start" >&2; exit 3; fi
    sleep 0.1
  done
  FIXTURE_PORT=$(sed 's/.*"port": \([0-9]*\).*/\1/' "$_fixture_out")
  FIXTURE="http://127.0.0.1:$FIXTURE_PORT"
}

# Resolves the build directory given as $1 (default: build) and puts its
# tools first on PATH.
use_build() {
  PIX_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
  build=${1:-build}
  case "$build" in /*) ;; *) build="$PIX_SOURCE_DIR/$build" ;; esac
  PATH="$build/bin:$PATH"
  export PATH PIX_SOURCE_DIR
}

# serve_port ERRFILE: waits for a pix-serve started with --listen 127.0.0.1:0
# and stderr to ERRFILE to say where it listens, and prints the port.
serve_port() {
  tries=0
  until port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$1" 2>/dev/null) &&
    [ -n "$port" ]; do
    tries=$((tries + 1))
    if [ $tries -gt 100 ]; then cat "$1" >&2; exit 3; fi
    sleep 0.1
  done
  echo "$port"
}
