#!/bin/sh
# `make demo`: the whole pipeline, offline. The fixture server plays the
# search engines (DuckDuckGo, Bing and Wikimedia Commons, replayed from the
# structure of real captures) and the web sites their results point to; the
# "photos" are synthetic, with the copies, near copies and broken files a real
# crawl finds. The result is left in demo-output/:
#   demo-output/index.html           a page to look at
#   demo-output/dataset.jsonl        the kept images, one record each
#   demo-output/duplicates.jsonl     duplicates removed, each naming its original
#   demo-output/rejected.jsonl       failed downloads and images pix-validate refused
#   demo-output/images/<label>/...   the downloaded files
#   demo-output/dataset/             the packed dataset (pix-pack), with report.html
#   demo-output/dataset.zip          its hot-tier archive
#   demo-output/tiers/               the same moved down: warm/dataset.7z, archive/dataset.tar.zst
#   demo-output/.pix-run/jobs.sqlite the job store (pix-run status, logs)
# Usage: sh examples/demo.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
out="$PIX_SOURCE_DIR/demo-output"
rm -rf "$out"
mkdir -p "$out"
web=$(mktemp -d)
at_exit 'rm -rf "$web"'

echo "== making an offline 'web' of photo-like images, with copies and broken files"
seed=1
for pool in cat dog red-fox; do
  dir="$web/pools/$pool"
  pix-synth -d "$dir" --count 12 --seed "$seed" --min-size 320 --max-size 720 --mixed-formats \
    --variants copy resize50 jpeg40 bright15 text >/dev/null
  seed=$((seed + 100))
  # What crawls also bring home: a download cut short and an error page
  # served as a JPEG.
  first=$(ls "$dir"/*.jpg | head -n 1)
  head -c 3000 "$first" >"$dir/cut-short.jpg"
  printf '<!doctype html><title>Access denied</title><p>Hotlinking is not allowed.\n' >"$dir/denied.jpg"
  # Shuffle the name order, which decides which image a result URL serves
  # (the same way on every run).
  for f in "$dir"/*; do
    mv "$f" "$dir/$(printf %s "$pool/$(basename "$f")" | md5sum | cut -c1-8)-$(basename "$f")"
  done
done
# And one picture under two labels: a dog photo is on a cat page too.
# pix-label sees the conflict; it asks a person only when the record kept is
# the one filed under the label with less support.
stray=$(ls "$web/pools/dog/"*.jpg | grep -v -e cut-short -e denied | head -n 1)
cp "$stray" "$web/pools/cat/00000000-stray-dog.jpg"
start_fixture_server "$web"
for engine in duckduckgo bing wikimedia; do
  E=$(echo $engine | tr a-z A-Z)
  export "PIX_ENGINE_${E}_BASE_URL=$FIXTURE/eng/$engine" "PIX_ENGINE_${E}_INTERVAL=0.1"
done
export PIX_ENGINE_WIKIMEDIA_CONTACT=demo@pixcrawler.invalid

echo "== pix-run run examples/demo.yaml -o demo-output"
echo "   (keywords | search | fetch | validate | dedup | label | pack, with a job store;"
echo "    search engines and image hosts: the fixture server on 127.0.0.1:$FIXTURE_PORT)"
status=0
pix-run run "$PIX_SOURCE_DIR/examples/demo.yaml" -o "$out" || status=$?
# 1: finished, some records failed (the demo's web has broken downloads).
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "demo: pix-run failed (exit $status)" >&2
  exit "$status"
fi
cd "$out"
kept=$(wc -l <dataset.jsonl)
echo "== $kept images kept in dataset.jsonl, $(wc -l <duplicates.jsonl) duplicates," \
  "$(wc -l <rejected.jsonl) rejected"
if [ "$kept" -eq 0 ]; then echo "demo: no image made it into the dataset" >&2; exit 1; fi
python3 "$PIX_SOURCE_DIR/examples/gallery.py" index.html dataset.jsonl duplicates.jsonl rejected.jsonl
echo "== pix-label: $(grep -c '"found_under"' dataset.jsonl || true) image(s) found under two labels" \
  "(the dog photo on a cat page), $(grep -c '"needs_review":true' dataset.jsonl || true) need review"
echo "   (label_evidence in dataset.jsonl says why; dataset/report.html lists those to review)"

pix-pack verify -q dataset.zip
echo "   pix-pack verify dataset.zip: every file matches its MANIFEST"

echo "== pix-serve: a signed, expiring link to the archive, downloaded with curl"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$web/secret"
chmod 600 "$web/secret"
pix-serve serve "$out" --listen 127.0.0.1:0 --secret-file "$web/secret" \
  2>"$web/serve.err" >/dev/null &
serve_pid=$!
at_exit "kill $serve_pid 2>/dev/null || true"
port=$(serve_port "$web/serve.err")
link=$(pix-serve sign dataset.zip --expires 1h --base-url "http://127.0.0.1:$port" \
  --secret-file "$web/secret")
echo "   $link"
curl -fsS -o "$web/dataset.zip" "$link"
cmp "$web/dataset.zip" dataset.zip
echo "   downloaded with curl: identical to dataset.zip"
kill -TERM $serve_pid
wait $serve_pid || true

echo "== pix-pack tier: copies of the zip moved down to the warm (7z) and archive (tar + zstd) tiers"
for tier in warm archive; do
  mkdir -p "tiers/$tier"
  cp dataset.zip dataset.zip.sha256 "tiers/$tier/"
  pix-pack tier -q "tiers/$tier/dataset.zip" --to "$tier"
done
pix-pack verify -q tiers/warm/dataset.7z
pix-pack verify -q tiers/archive/dataset.tar.zst
echo "   each verified against its MANIFEST, the zip copies removed:" \
  "$(cd tiers && ls warm/* archive/* | tr '\n' ' ')"
echo
echo "Done. Look at:"
echo "  $out/index.html         (open in a browser)"
echo "  $out/dataset.jsonl      (one JSON record per kept image)"
echo "  $out/duplicates.jsonl   (what pix-dedup removed, with dup_of)"
echo "  $out/rejected.jsonl     (failed downloads and invalid images, with the reasons)"
echo "  $out/images/            (the files, one folder per label)"
echo "  $out/dataset/           (the packed dataset: train/val/test, labels.*, MANIFEST, report.html)"
echo "  $out/dataset.zip        (the same as a stored zip, with dataset.zip.sha256)"
echo "  $out/tiers/             (the same moved down: warm/dataset.7z, archive/dataset.tar.zst)"
echo "  $out/label-report.json  (pix-label: per label, confidence bands and images to review)"
echo "  pix-run status --store $out/.pix-run/jobs.sqlite   (stages, classes, failures)"
