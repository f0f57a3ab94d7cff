#!/bin/sh
# pix-run: a dataset from one YAML file, against the loopback fixture server:
# the plan, a run, status and logs, a run killed with kill -9 and resumed,
# and the same dataset built as four shards and merged (with GNU parallel
# when it is installed).   Usage: sh examples/run.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'
mkdir "$work/web"
start_fixture_server "$work/web"
# One pack time for every run here, so that two runs pack identical label
# files and MANIFEST (pix-run otherwise uses each job's start).
export SOURCE_DATE_EPOCH=1796000000
for engine in duckduckgo bing; do
  E=$(echo $engine | tr a-z A-Z)
  export "PIX_ENGINE_${E}_BASE_URL=$FIXTURE/eng/$engine" "PIX_ENGINE_${E}_INTERVAL=0.05"
done

cat >"$work/pets.yaml" <<'YAML'
name: pets
classes: [cat, dog]
keywords: {templates: ["{label} photo"], max_queries_per_label: 2}
search: {engines: [duckduckgo, bing], every_engine: true, max: 10}
network: {allow_private: true}
download: {per_host: 2, host_delay: 0.05}
# Shards search once (a shard cannot tell whether a class is short), so this
# run searches once too, to compare; without `rounds: 1` pix-run would search
# the short classes again, deeper (man pix-run, ROUNDS).
targets: {images_per_class: 25, rounds: 1}
YAML

echo "== pix-run check: the plan, nothing runs"
pix-run check "$work/pets.yaml"

echo "== pix-run run"
status=0
pix-run run "$work/pets.yaml" || status=$?
[ "$status" -le 1 ] || exit "$status"
cd "$work/pets"
pix-run status                       # inside the dataset directory: no --store needed
pix-run logs 1 --stage fetch | head -n 3
ls dataset                           # pix-pack's dataset folder: label files, MANIFEST, report
# The kept images (records also say when each was fetched, which differs).
kept() { grep -o '"sha256":"[0-9a-f]*"' "$1" | sort | md5sum; }
ref=$(kept dataset.jsonl)

echo "== kill -9 while downloading, then resume"
pix-run run "$work/pets.yaml" -o "$work/killed" -q &
pid=$!
sleep 1.5
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
pix-run list --store "$work/killed/.pix-run/jobs.sqlite"
status=0
pix-run resume 1 --store "$work/killed/.pix-run/jobs.sqlite" -q || status=$?
[ "$status" -le 1 ] || exit "$status"
[ "$(kept "$work/killed/dataset.jsonl")" = "$ref" ] || {
  echo "resumed dataset differs from the uninterrupted one" >&2; exit 1; }
cmp "$work/killed/dataset/MANIFEST" dataset/MANIFEST || {
  echo "resumed dataset's MANIFEST differs from the uninterrupted one" >&2; exit 1; }
echo "   the resumed dataset and its MANIFEST equal the uninterrupted run's"
pix-pack verify -q "$work/killed/dataset"

echo "== four shards, merged"
if command -v parallel >/dev/null 2>&1; then
  parallel -j4 pix-run run "$work/pets.yaml" -o "$work/shard-{}" --shard {}/4 -q ::: 1 2 3 4 || true
else
  for k in 1 2 3 4; do pix-run run "$work/pets.yaml" -o "$work/shard-$k" --shard $k/4 -q || true; done
fi
status=0
pix-run merge "$work/merged" "$work/shard-1" "$work/shard-2" "$work/shard-3" "$work/shard-4" -q \
  || status=$?
[ "$status" -le 1 ] || exit "$status"
[ "$(wc -l <"$work/merged/dataset.jsonl")" -eq "$(wc -l <"$work/pets/dataset.jsonl")" ] || {
  echo "merged shards differ from the single run" >&2; exit 1; }
echo "run example: OK"
