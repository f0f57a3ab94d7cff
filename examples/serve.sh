#!/bin/sh
# pix-serve on its own: serve a directory of archives, hand out a signed link,
# download it with curl, resume a cut download, see a changed link refused,
# and download a packed dataset with pix-fetch, checked against its .sha256.
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
# And a real dataset archive: pix-pack's hot tier, pets.zip beside pets.zip.sha256.
pix-synth -d "$work/images" cat.jpg:jpg:320x240:1 dog.jpg:jpg:320x240:2 >/dev/null
for f in cat dog; do
  printf '{"url":"https://photos.example/%s.jpg","label":"%s","path":"%s","valid":true}\n' \
    $f $f "$work/images/$f.jpg"
done | pix-pack -q -o "$work/pack/pets" --tier hot
mv "$work/pack/pets.zip" "$work/pack/pets.zip.sha256" "$work/archives/"

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

# pix-fetch downloads archives too (--accept any keeps files of any type). A
# signed link covers one path, so the .sha256 gets its own link; pix-fetch
# checks the bytes against it before the file gets its name, and --resume
# continues an interrupted download (Range + If-Range) when run again.
sign() { pix-serve sign "$1" --expires 1h --base-url "http://127.0.0.1:$port" --secret-file "$work/secret"; }
printf '{"url":"%s","sha256_url":"%s"}\n' "$(sign pets.zip)" "$(sign pets.zip.sha256)" \
  | pix-fetch --accept any --resume --flat -d "$work/downloads" --allow-private >"$work/fetched.jsonl"
cat "$work/fetched.jsonl"
grep -q '"sha256_verified":true' "$work/fetched.jsonl"
ls "$work/downloads"
cmp "$work"/downloads/*-pets.zip "$work/archives/pets.zip"
pix-pack verify "$work"/downloads/*-pets.zip

# SIGTERM stops the server cleanly; every request was logged, without signatures.
kill -TERM $serve_pid
wait $serve_pid
cat "$work/access.log"
[ "$(grep -c 'sig=- HTTP/1.1" 20[06] ' "$work/access.log")" -eq 4 ]
[ "$(grep -c 'sig=- HTTP/1.1" 403 ' "$work/access.log")" -eq 1 ]
echo "serve example: OK"
