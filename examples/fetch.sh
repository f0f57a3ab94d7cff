#!/bin/sh
# pix-fetch on its own: download a handful of images (and one 404) from the
# loopback fixture server, then download again to show that nothing is
# fetched twice, and that a second run into a busy directory refuses.   Usage: sh examples/fetch.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'
pix-synth -d "$work/site" cat1.jpg:jpg:640x480:11 cat2.png:png:500x400:12 dog1.webp:webp:600x450:13
start_fixture_server "$work/site"

cat >"$work/urls.jsonl" <<JSON
{"label": "cat", "url": "$FIXTURE/files/cat1.jpg"}
{"label": "cat", "url": "$FIXTURE/files/cat2.png"}
{"label": "dog", "url": "$FIXTURE/files/dog1.webp"}
{"label": "dog", "url": "$FIXTURE/files/gone.jpg"}
JSON

# --allow-private: the fixture server is on loopback, which the address guard
# refuses by default.
status=0
pix-fetch -d "$work/images" --allow-private < "$work/urls.jsonl" > "$work/fetched.jsonl" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 (one 404), got $status" >&2; exit 1; }
grep -c '"sha256"' "$work/fetched.jsonl" | grep -qx 3
grep -q '"code":"http_404"' "$work/fetched.jsonl"
ls -R "$work/images"

# Second run: every file is already present; nothing is downloaded.
pix-fetch -d "$work/images" --allow-private < "$work/urls.jsonl" 2>"$work/err" >/dev/null || true
cat "$work/err"
grep -q "3 already present" "$work/err"

# Two runs into one directory: the second refuses at once, naming the first.
echo "{\"url\": \"$FIXTURE/hostile/slow?ms=2000\"}" \
  | pix-fetch -d "$work/images" --allow-private -q >/dev/null &
first=$!
status=0 tries=0
while [ "$status" -ne 3 ] && [ $tries -lt 50 ]; do  # until the first run holds the lock
  sleep 0.1
  tries=$((tries + 1))
  status=0
  pix-fetch -d "$work/images" --allow-private </dev/null 2>"$work/err" >/dev/null || status=$?
done
cat "$work/err"
[ "$status" -eq 3 ] && grep -q "directory in use by pix-fetch PID $first" "$work/err"
wait $first
echo "fetch example: OK"
