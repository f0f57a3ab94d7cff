#!/usr/bin/env python3
"""A labelled crawl for pix-label's evidence backend, with planted wrong labels.

    gen_records.py [--images N] [--seed S] [--wrong P] > records.jsonl

Each record looks like what pix-search, pix-fetch, pix-validate and pix-dedup
leave for pix-label: label, query, engine, rank, title, url, page_url, sha256,
found_by (every engine and query that returned the image, entries from
another label's queries carrying "label"). Two fields are the truth, for the
scorer only: bench_truth (what the picture shows: one of the labels or a
distractor class such as "logo") and bench_planted (the label is wrong).

The world, stated as assumptions (these rates decide what any backend can
find; they are not measurements of a real crawl):
- 12 labels, 6 engines, 4 queries a label; a share --wrong (0.15) of the
  images a label's queries return show something else: half of them another
  label (a jaguar car under "jaguar"), half a distractor (a logo, a phone).
- A right image is returned by more of its label's queries (1 + Bin(3, 0.3))
  than a wrong one (1 + Bin(3, 0.08)), at better ranks (exponential, mean 15
  against 40).
- Titles name the label for 60% of right images and, through word
  ambiguity, 30% of wrong ones; they name what a wrong image really shows
  50% of the time; file names and page URLs name them less often.
- 35% of wrong images that show another label were also returned by that
  label's queries (a conflict in found_by); so were 3% of right images (two
  animals in one picture).
- 2% of images come twice, as a kept record and a marked duplicate (dup_of,
  same sha256 and cluster) under the same label.
"""
import argparse
import hashlib
import json
import random

LABELS = {
    "cat": ["cat", "house cat", "domestic cat"],
    "dog": ["dog", "domestic dog", "puppy"],
    "horse": ["horse", "equus caballus", "foal"],
    "jaguar": ["jaguar", "panther", "panthera onca"],
    "apple": ["apple", "eating apple", "crab apple"],
    "mouse": ["mouse", "field mouse", "house mouse"],
    "bat": ["bat", "fruit bat", "vampire bat"],
    "crane": ["crane", "whooping crane", "sandhill crane"],
    "seal": ["seal", "harbor seal", "fur seal"],
    "tiger": ["tiger", "panthera tigris", "bengal tiger"],
    "car": ["car", "automobile", "sports car"],
    "guitar": ["guitar", "acoustic guitar", "electric guitar"],
}
DISTRACTORS = {
    "logo": ["logo", "brand", "icon", "vector"],
    "phone": ["smartphone", "iphone", "case", "wallpaper"],
    "building": ["tower", "hotel", "office", "architecture"],
    "person": ["portrait", "man", "woman", "celebrity"],
    "clipart": ["clipart", "drawing", "cartoon", "sketch"],
}
ENGINES = ["bing", "duckduckgo", "google", "wikimedia", "openverse", "flickr"]
FILLER = ["photo", "image", "picture", "hd", "free", "stock", "beautiful", "closeup", "best", "new",
          "nature", "2019", "wallpaper", "download", "gallery", "view", "day", "summer"]
QUALIFIER = ["photo", "picture", "close up"]


def binom(rng, n, p):
    return sum(rng.random() < p for _ in range(n))


def words_of(cls, rng):
    if cls in LABELS:
        return rng.choice(LABELS[cls])
    return rng.choice(DISTRACTORS[cls])


def text(rng, parts, sep=" "):
    words = [rng.choice(FILLER) for _ in range(rng.randint(1, 4))]
    for p in parts:
        words.insert(rng.randint(0, len(words)), p)
    return sep.join(words)


def queries_of(label):
    return [label] + [f"{label} {q}" for q in QUALIFIER]


def finds(rng, label, n, mean_rank, tag=None):
    out = []
    qs = queries_of(label)
    for _ in range(n):
        e = {"engine": rng.choice(ENGINES), "query": rng.choice(qs),
             "rank": 1 + int(rng.expovariate(1 / mean_rank))}
        if tag:
            e["label"] = tag
        out.append(e)
    return out


def image(rng, i, wrong_share):
    label = rng.choice(list(LABELS))
    wrong = rng.random() < wrong_share
    truth = label
    if wrong:
        if rng.random() < 0.5:
            truth = rng.choice([x for x in LABELS if x != label])
        else:
            truth = rng.choice(list(DISTRACTORS))
    if not wrong:
        found = finds(rng, label, 1 + binom(rng, 3, 0.3), 15)
    else:
        found = finds(rng, label, 1 + binom(rng, 3, 0.08), 40)
    if wrong and truth in LABELS and rng.random() < 0.35:
        found += finds(rng, truth, 1 + binom(rng, 2, 0.3), 10, tag=truth)
    elif not wrong and rng.random() < 0.03:
        other = rng.choice([x for x in LABELS if x != label])
        found += finds(rng, other, 1, 30, tag=other)
    found.sort(key=lambda e: e["rank"])
    # Dedupe identical (engine, query) finds, as pix-search does.
    seen, unique = set(), []
    for e in found:
        k = (e["engine"], e["query"])
        if k not in seen:
            seen.add(k)
            unique.append(e)
    found = unique
    own = next(e for e in found if "label" not in e)

    def mention(p_label, p_truth):
        parts = []
        if rng.random() < p_label:
            parts.append(words_of(label, rng))
        if wrong and rng.random() < p_truth:
            parts.append(words_of(truth, rng))
        if not wrong and rng.random() < p_truth * 0.08:
            parts.append(words_of(rng.choice(list(LABELS)), rng))
        return parts

    r = {"label": label, "query": own["query"], "engine": own["engine"], "rank": own["rank"]}
    if rng.random() < 0.85:
        r["title"] = text(rng, mention(0.6 if not wrong else 0.3, 0.5)).capitalize()
    slug = text(rng, mention(0.4 if not wrong else 0.15, 0.25), "-").replace(" ", "-")
    r["url"] = f"https://img{rng.randint(1, 9)}.example.org/{i % 97}/{slug}_{i}.jpg"
    r["page_url"] = (f"https://site{rng.randint(1, 500)}.example.com/"
                     + text(rng, mention(0.35 if not wrong else 0.15, 0.25), "/").replace(" ", "-"))
    r["found_by"] = found
    r["sha256"] = hashlib.sha256(f"image {i}".encode()).hexdigest()
    r["cluster"] = i
    r["valid"] = True
    r["bench_truth"] = truth
    r["bench_planted"] = wrong
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wrong", type=float, default=0.15)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = []
    for i in range(a.images):
        r = image(rng, i, a.wrong)
        out.append(json.dumps(r, separators=(",", ":")))
        if rng.random() < 0.02:
            d = dict(r)
            d["url"] = r["url"].replace(".jpg", "-copy.jpg")
            d["found_by"] = [dict(e) for e in r["found_by"][:1]]
            d["dup_of"] = r["url"]
            d["dup_distance"] = 0
            out.append(json.dumps(d, separators=(",", ":")))
    print("\n".join(out))


if __name__ == "__main__":
    main()
