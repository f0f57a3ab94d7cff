#!/bin/sh
# pix-validate on its own: a few good images and a few bad ones (truncated,
# an HTML page saved as .jpg, a decompression bomb, a polyglot), checked at
# each level; prints one line per record and the reasons.
#   Usage: sh examples/validate.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'

# Good images (PNG keeps the synthetic detail that JPEG smooths away), and
# the hostile set made from them at byte level.
pix-synth -d "$work/img" cat.png:png:640x480:1 dog.png:png:500x400:2
pix-synth -d "$work/img" --quality 101 fox.webp:webp:480x360:3
pix-synth -d "$work/img" --quality 92 owl.jpg:jpg:800x600:4
python3 "$PIX_SOURCE_DIR/tests/support/hostile_images.py" "$work/bad" "$work/img/owl.jpg" "$work/img/cat.png" \
  "$work/img/fox.webp"
for f in "$work"/img/* "$work/bad/truncated.jpg" "$work/bad/html_as.jpg" \
         "$work/bad/bomb_100000x100000.png" "$work/bad/zip_polyglot.jpg" "$work/bad/orientation_6.jpg"; do
  printf '{"path": "%s", "label": "animal"}\n' "$f"
done > "$work/fetched.jsonl"

# Content concerns (blurry, dark, ...) are flags on a valid image; they
# reject only when asked (--reject-flags). Synthetic pictures are smooth, so
# with the photograph-calibrated blur threshold some are flagged blurry.
for level in fast medium slow; do
  echo "== --level $level"
  pix-validate --level "$level" < "$work/fetched.jsonl" > "$work/$level.jsonl"
  python3 - "$work/$level.jsonl" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    extra = ""
    if "quality" in r:
        extra = f" quality={r['quality']['score']:.2f}"
    if "phash" in r:
        extra += f" phash={r['phash']}"
    size = f"{r.get('width')}x{r.get('height')}" if "width" in r else "-"
    print(f"{os.path.basename(r['path']):24} {r.get('format', '?'):5} {size:14} "
          f"valid={str(r['valid']).lower():5} {','.join(r['reject'])}{extra}"
          + (f" flags={','.join(r['flags'])}" if r.get("flags") else ""))
PY
done
grep -q '"reject":\["truncated"\]' "$work/medium.jsonl"
grep -q '"reject":\["not_an_image"\]' "$work/medium.jsonl"
grep -q '"reject":\["too_many_pixels"\]' "$work/medium.jsonl"
grep -q '"reject":\["polyglot"\]' "$work/medium.jsonl"
[ "$(grep -c '"valid":true' "$work/slow.jsonl")" -eq 5 ]
echo "== --reject-flags all: flagged images become invalid too"
pix-validate --reject-flags all < "$work/fetched.jsonl" > "$work/strict.jsonl"
python3 - "$work/medium.jsonl" "$work/strict.jsonl" <<'PY'
import json, sys
medium = [json.loads(line) for line in open(sys.argv[1])]
strict = [json.loads(line) for line in open(sys.argv[2])]
for m, s in zip(medium, strict):
    assert s["valid"] == (m["valid"] and not m["flags"]), (m, s)
print(f"{sum(r['valid'] for r in medium)} valid by default, {sum(r['valid'] for r in strict)} "
      "with --reject-flags all")
PY
echo "validate example: OK"
