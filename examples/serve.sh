#!/bin/sh
# pix-serve on its own: serve a directory of archives, hand out a signed link,
# download it with curl, resume a cut download, and see a changed link refused.
#   Usage: sh examples/serve.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'

# Something to serve: an archive and its checksum (pix-serve's ETag).
mkdir "$work/archives"
head -c 3000000 /dev/urandom >"$work/archives/cats.tar"
(cd "$work/archives" && sha256sum cats.tar >cats.tar.sha256)

# The signing secret lives in a file only its owner can read.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/secret"
chmod 600 "$work/secret"

# Serve on a free loopback port; the access log goes to stdout.
pix-serve serve "$work/archives" --listen 127.0.0.1:0 --secret-file "$work/secret" \
  >"$work/access.log" 2>"$work/serve.err" &
serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null || true"
port=$(serve_port "$work/serve.err")

# A link valid for one hour.
link=$(pix-serve sign cats.tar --expires 1h --base-url "http://127.0.0.1:$port" \
  --secret-file "$work/secret")
echo "signed link: $link"
pix-serve verify "$link" --secret-file "$work/secret"

# Download it, and check it.
curl -fsS -o "$work/cats.tar" "$link"
cmp "$work/cats.tar" "$work/archives/cats.tar"

# A download cut after 1 MB continues where it stopped.
head -c 1000000 "$work/archives/cats.tar" >"$work/resumed.tar"
curl -fsS -C - -o "$work/resumed.tar" "$link"
cmp "$work/resumed.tar" "$work/archives/cats.tar"

# A link whose expiry was changed is refused (as are expired and unsigned ones).
changed=$(echo "$link" | sed 's/expires=\([0-9]*\)/expires=9\1/')
status=$(curl -s -o /dev/null -w '%{http_code}' "$changed")
[ "$status" = 403 ]
if pix-serve verify "$changed" --secret-file "$work/secret"; then exit 1; fi

# SIGTERM stops the server cleanly; every request was logged, without signatures.
kill -TERM $serve_pid
wait $serve_pid
cat "$work/access.log"
[ "$(grep -c 'sig=- HTTP/1.1" 20[06] ' "$work/access.log")" -eq 2 ]
[ "$(grep -c 'sig=- HTTP/1.1" 403 ' "$work/access.log")" -eq 1 ]
echo "serve example: OK"
