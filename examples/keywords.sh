#!/bin/sh
# pix-keywords on its own, offline: templates, the classes of a dataset.yaml,
# WordNet, and a language model (the fake OpenAI-compatible server of the
# fixture server stands in for Ollama or OpenAI), asked twice to show the
# answer cache.   Usage: sh examples/keywords.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'

echo "== the default templates for one label record (other fields pass through)"
echo '{"label":"red fox","my_field":42}' | pix-keywords | tee "$work/templates.jsonl"
grep -c '"my_field":42' "$work/templates.jsonl" | grep -qx 4

echo "== the classes of examples/dataset.yaml, without WordNet, at most 4 queries each"
pix-keywords --config "$PIX_SOURCE_DIR/examples/dataset.yaml" --no-wordnet \
  --max-queries-per-label 4 | tee "$work/classes.jsonl"
grep -q '"query":"polar fox -drawing -cartoon -plush"' "$work/classes.jsonl"

if [ -r /usr/share/wordnet/index.noun ]; then
  echo "== WordNet synonyms and hyponyms of 'dog' (the sense is chosen automatically)"
  pix-keywords -k dog --no-templates --wordnet --max-queries-per-label 12 | tee "$work/wn.jsonl"
  grep -q '"query":"puppy","query_source":"wordnet"' "$work/wn.jsonl"
else
  echo "== WordNet: skipped, /usr/share/wordnet is missing (scripts/install-deps runtime)"
fi

echo "== a language model (a fake OpenAI-compatible server on loopback)"
start_fixture_server "$work"
# --allow-net: the model is served on loopback, which the address guard refuses by default.
llm() {
  pix-keywords -k "arctic fox" --no-templates --llm --llm-model good \
    --llm-base-url "$FIXTURE/llm/openai/v1" --allow-net 127.0.0.1/32 \
    --llm-cache "$work/llm-cache"
}
llm | tee "$work/llm.jsonl"
grep -q '"query":"Baby arctic fox","query_source":"llm"' "$work/llm.jsonl"
echo "== the same again: answered from the cache, no request"
llm 2>"$work/err" >"$work/llm2.jsonl"
cat "$work/err"
grep -q "0 request(s), 1 answer(s) from the cache" "$work/err"
cmp "$work/llm.jsonl" "$work/llm2.jsonl"
echo "keywords example: OK"
