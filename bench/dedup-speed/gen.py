#!/usr/bin/env python3
"""Synthetic 64-bit perceptual hashes for the dedup speed benchmark.

Real pHashes are not uniform: the DC bit is almost always set and the other
bits are biased. Background hashes draw each bit with its own probability
(0.98 for the DC bit, 0.25..0.75 for the others); a fifth of the hashes sit in
planted clusters of 2..12 near copies, each a centre with 0..8 bits flipped,
so copies are up to 16 bits apart. Order is shuffled.

Each record also carries crop_hashes (hash/crop_hashes.h): fourteen window
hashes, each its image's hash with about 16 bits flipped (a window is 12 to
40 bits from its full frame on real photographs). Copies in a cluster share
their centre's window pHashes with 0..4 bits flipped, as the strips of a
resized or captioned copy stay near the original's; and one cluster in ten
has a cropped member: its full frame is a window of the first copy with 0..6 bits
flipped, and its width and height are the window's. Dhashes are drawn at
random for every image (its windows' near its own), as before crop_hashes.
view_hashes (six more views: four corners, two turns) are drawn as the
windows are, and shared by a cluster's copies the same way.

    gen.py N SEED HASHES.bin [RECORDS.jsonl [STRIPS.bin]]
RECORDS.jsonl holds the same hashes as pix-validate-style records; STRIPS.bin
the top-strip pHash of every record, in the same order.
"""
import json
import random
import struct
import sys

COMMON_ASPECTS = [4 / 3, 3 / 2, 16 / 9, 1, 3 / 4, 2 / 3, 9 / 16]


def main():
    n, seed, bin_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    jsonl_path = sys.argv[4] if len(sys.argv) > 4 else None
    rng = random.Random(seed)
    prob = [0.98] + [rng.uniform(0.25, 0.75) for _ in range(63)]
    thresholds = [int(p * 2**32) for p in prob]

    def background():
        h = 0
        for i, t in enumerate(thresholds):
            if rng.getrandbits(32) < t:
                h |= 1 << (63 - i)
        return h

    def flip(h, bits):
        for _ in range(bits):
            h ^= 1 << rng.randrange(64)
        return h

    # A pool of masks of about 16 bits: a window is its frame ^ one of them.
    pool = [flip(0, rng.randint(12, 20)) for _ in range(4096)]

    def windows_of(phash, dhash):
        # 14 crop windows, then the 6 views.
        return [(phash ^ rng.choice(pool), dhash ^ rng.choice(pool)) for _ in range(20)]

    # An image: (phash, dhash, width, height, windows). Four in five have one
    # of the common aspect ratios, as photographs do (the crop search groups
    # images by aspect ratio, so this is what its cost depends on).
    def image(i, phash):
        dhash = rng.getrandbits(64)
        w = 320 + i % 1600
        aspect = COMMON_ASPECTS[i % 7] if i % 5 else rng.uniform(0.5, 2.5)
        return [phash, dhash, w, max(1, round(w / aspect)), windows_of(phash, dhash)]

    images = []
    clustered = n // 5
    while len(images) < clustered:
        centre = image(len(images), background())
        size = min(rng.randint(2, 12), clustered - len(images))
        first = len(images)
        for c in range(size):
            copy = list(centre)
            copy[0] = flip(centre[0], rng.randint(0, 8))
            # Every image has a dHash of its own, so the dHash checks refuse
            # most pairs the pHash searches find (the worst case for their
            # cost: every candidate is looked at).
            copy[1] = rng.getrandbits(64)
            copy[4] = [(flip(p, rng.randint(0, 4)), copy[1] ^ rng.choice(pool))
                       for p, _ in centre[4]]
            if c == size - 1 and c > 0 and rng.random() < 0.1:
                # A crop of the first copy to its window 8 (the bottom-right
                # 90% window).
                p, d = images[first][4][8]
                copy[0], copy[1] = flip(p, rng.randint(0, 6)), flip(d, rng.randint(0, 6))
                copy[2], copy[3] = round(centre[2] * 0.9), round(centre[3] * 0.9)
                copy[4] = windows_of(copy[0], copy[1])
            images.append(copy)
    while len(images) < n:
        images.append(image(len(images), background()))
    rng.shuffle(images)
    hashes = [im[0] for im in images]

    with open(bin_path, "wb") as f:
        f.write(struct.pack(f"<{n}Q", *hashes))
    if len(sys.argv) > 5:
        with open(sys.argv[5], "wb") as f:
            f.write(struct.pack(f"<{n}Q", *(im[4][11][0] for im in images)))
    if jsonl_path:
        with open(jsonl_path, "w") as f:
            for i, (h, d, w, hh, windows) in enumerate(images):
                rec = {"url": f"https://img.example/{i}.jpg", "path": f"images/x/{i:07x}.jpg",
                       "sha256": f"{rng.getrandbits(256):064x}", "width": w, "height": hh,
                       "quality": {"score": round(rng.random(), 3)},
                       "phash": f"{h:016x}", "dhash": f"{d:016x}",
                       "crop_hashes": "".join(f"{p:016x}{q:016x}" for p, q in windows[:14]),
                       "view_hashes": "".join(f"{p:016x}{q:016x}" for p, q in windows[14:]),
                       "found_by": [{"engine": "bing", "query": "cat", "rank": i % 100}]}
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
