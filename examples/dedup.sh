#!/bin/sh
# pix-dedup on its own: exact and near duplicates in one batch, then a second
# batch checked against an index of the first, as a nightly cron job would.
#   Usage: sh examples/dedup.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'

# Records as pix-validate writes them (hashes made up for the example): one
# photo found three times (a byte copy, a smaller near copy), and another.
sha_a=1111111111111111111111111111111111111111111111111111111111111111
cat >"$work/night1.jsonl" <<JSON
{"url":"https://a.example/cat.jpg","sha256":"$sha_a","phash":"8f3c5a6b1e2d4c7b","dhash":"0f1e2d3c4b5a6978","width":1600,"height":1200,"found_by":[{"engine":"bing","query":"cat"}]}
{"url":"https://mirror.example/cat.jpg","sha256":"$sha_a","phash":"8f3c5a6b1e2d4c7b","dhash":"0f1e2d3c4b5a6978","width":1600,"height":1200,"found_by":[{"engine":"duckduckgo","query":"cat"}]}
{"url":"https://b.example/cat-small.jpg","sha256":"2222222222222222222222222222222222222222222222222222222222222222","phash":"8f3c5a6b1e2d4c78","dhash":"0f1e2d3c4b5a6970","width":400,"height":300,"found_by":[{"engine":"openverse","query":"kitten"}]}
{"url":"https://c.example/dog.jpg","sha256":"3333333333333333333333333333333333333333333333333333333333333333","phash":"70c3a594e1d2b384","dhash":"f0e1d2c3b4a59687","width":800,"height":600}
JSON

# Night 1: keep one copy of each picture, duplicates to a side file, and
# remember the kept images in an index.
pix-dedup --rejects "$work/dups1.jsonl" --index "$work/seen.db" --index-update \
  <"$work/night1.jsonl" >"$work/kept1.jsonl"
cat "$work/kept1.jsonl"
[ "$(wc -l <"$work/kept1.jsonl")" -eq 2 ]
[ "$(wc -l <"$work/dups1.jsonl")" -eq 2 ]
# The kept cat carries every engine and query that found any copy of it.
grep '"url":"https://a.example/cat.jpg"' "$work/kept1.jsonl" | grep -q openverse

# Night 2: a recompressed copy of last night's cat and a new picture. Only the
# new one is kept; the copy names last night's image in dup_of.
cat >"$work/night2.jsonl" <<JSON
{"url":"https://d.example/cat-q40.jpg","sha256":"4444444444444444444444444444444444444444444444444444444444444444","phash":"8f3c5a6b1e2d4c3b","width":1600,"height":1200}
{"url":"https://e.example/bird.jpg","sha256":"5555555555555555555555555555555555555555555555555555555555555555","phash":"1b2c3d4e5f607182","width":1024,"height":768}
JSON
pix-dedup --mark --index "$work/seen.db" --index-update <"$work/night2.jsonl" >"$work/marked2.jsonl"
cat "$work/marked2.jsonl"
grep '"url":"https://d.example/cat-q40.jpg"' "$work/marked2.jsonl" |
  grep -q '"dup_of":"https://a.example/cat.jpg"'
[ "$(grep -vc dup_of "$work/marked2.jsonl")" -eq 1 ]
echo "dedup example: OK"
