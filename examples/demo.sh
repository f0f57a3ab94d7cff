#!/bin/sh
# `make demo`: runs the pipeline, as far as it exists, offline against the
# loopback fixture server, and leaves the result in demo-output/:
#   demo-output/images/<label>/...   the downloaded images
#   demo-output/records.jsonl        every record, failures included
#   demo-output/index.html           a page to look at
# Usage: sh examples/demo.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
out="$PIX_SOURCE_DIR/demo-output"
rm -rf "$out"
mkdir -p "$out"
site=$(mktemp -d)
at_exit 'rm -rf "$site"'

echo "== making a small offline 'web' of synthetic photos"
i=0
for label in cat dog fox; do
  for n in 1 2 3 4 5 6; do
    i=$((i + 1))
    fmt=jpg; [ $((n % 3)) -eq 0 ] && fmt=png
    pix-synth -d "$site/$label" "$n.$fmt:$fmt:$((320 + 40 * n))x$((240 + 30 * n)):$i"
  done
done
start_fixture_server "$site"

echo "== pix-fetch: downloading from the fixture server on 127.0.0.1:$FIXTURE_PORT"
for label in cat dog fox; do
  for f in "$site/$label"/*; do
    printf '{"label":"%s","url":"%s/files/%s/%s"}\n' "$label" "$FIXTURE" "$label" "$(basename "$f")"
  done
  printf '{"label":"%s","url":"%s/files/%s/missing.jpg"}\n' "$label" "$FIXTURE" "$label"
done > "$out/urls.jsonl"
pix-fetch -d "$out/images" --allow-private < "$out/urls.jsonl" > "$out/records.jsonl" || [ $? -eq 1 ]

python3 "$PIX_SOURCE_DIR/examples/gallery.py" "$out/records.jsonl" "$out/index.html"
echo
echo "Done. Look at:"
echo "  $out/index.html       (open in a browser)"
echo "  $out/records.jsonl    (one JSON record per image; failures carry an error object)"
echo "  $out/images/          (the dataset so far)"
