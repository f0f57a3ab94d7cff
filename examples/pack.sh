#!/bin/sh
# pix-pack on its own: records as the earlier stages leave them become a
# dataset folder with splits, label files, MANIFEST, report and a hot (zip)
# archive; a second batch is added to it; then it moves down to the warm
# tier (7z), verified before the folder is deleted.
#   Usage: sh examples/pack.sh [BUILD_DIR]
set -eu
. "$(dirname "$0")/fixture.sh"
use_build "${1:-build}"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'
cd "$work"

# Downloads (synthetic photos) and the records pix-validate/pix-dedup wrote
# for them: two labels, one duplicate, one broken download.
pix-synth -d images cat1.jpg:jpg:480x360:1 cat2.png:png:400x300:2 dog1.jpg:jpg:360x480:3 \
  dog2.webp:webp:320x320:4 dog3.jpg:jpg:300x300:5 >/dev/null
record() {  # file label [extra json]
  printf '{"url":"https://photos.example/%s","label":"%s","path":"images/%s","sha256":"%s","valid":true%s}\n' \
    "$1" "$2" "$1" "$(sha256sum "images/$1" | cut -c1-64)" "${3:-}"
}
{
  record cat1.jpg cat ',"license":"cc-by-sa","creator":"A. Photographer","label_confidence":0.93'
  record cat2.png cat ',"label_confidence":0.41,"needs_review":true'
  record dog1.jpg dog
  record dog2.webp dog ',"dup_of":"https://photos.example/dog1.jpg"'
  echo '{"url":"https://photos.example/gone.jpg","label":"dog","error":{"stage":"fetch","code":"http_404","message":"HTTP 404"}}'
} >night1.jsonl

pix-pack -o pets --split train=0.8,val=0.1,test=0.1 --tier hot <night1.jsonl
ls pets pets/*
head -n 3 pets/labels.csv
pix-pack verify pets
pix-pack verify pets.zip
sha256sum -c pets.zip.sha256
[ "$(grep -o '"reason"' pets/report.json | wc -l)" -eq 2 ]   # the duplicate and the 404

# Night 2: the same records again plus a new one; the dataset grows by one
# image and nothing already in it is touched.
{ cat night1.jsonl; record dog3.jpg dog; } >night2.jsonl
pix-pack -o pets --split train=0.8,val=0.1,test=0.1 <night2.jsonl
[ "$(grep -c '"path"' pets/labels.json)" -eq 4 ]

# A byte changed behind pix-pack's back is caught.
cp -r pets pets-copy
first=$(grep -v '^#' pets-copy/MANIFEST | grep -m1 '/' | sed 's/.*  //')
printf 'X' | dd of="pets-copy/$first" bs=1 seek=200 conv=notrunc 2>/dev/null
if pix-pack verify pets-copy; then echo "verify missed a changed byte" >&2; exit 1; fi
rm -rf pets-copy

# Down a tier: the folder becomes pets.7z once the 7z has been read back and
# checked against the MANIFEST.
rm pets.zip pets.zip.sha256
pix-pack tier pets --to warm
pix-pack verify pets.7z
ls
echo "pack example: OK"
