#!/usr/bin/env python3
"""pix-dedup end to end: exact, pixel and near duplicates, keep policies,
where duplicates go, found_by union, the index across runs, streaming exact
mode and bad input. Records are made directly (the hashes are what
pix-validate writes), so these tests need no images."""
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BASE = 0x8F3C5A6B1E2D4C7B


def sha(n):
    return f"{n:064x}"


def rec(url, phash, w=640, h=480, sha_n=None, **extra):
    r = {"url": url, "phash": f"{phash:016x}", "width": w, "height": h}
    r["sha256"] = sha(sha_n if sha_n is not None else abs(hash(url)) % (1 << 200) + 1)
    r.update(extra)
    return r


def flip(h, *bits):
    for b in bits:
        h ^= 1 << b
    return h


def open_files(pid):
    """The paths of the files process `pid` has open (deleted ones too)."""
    paths = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            paths.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:  # closed meanwhile
            pass
    return paths


def dedup(args=(), records=None, text=None):
    return harness.run("pix-dedup", ["-q", *args], records=records, text=text)


class DedupTest(harness.TempDirTestCase):
    def group(self):
        """One image in five versions and an unrelated one."""
        return [
            rec("a-small", BASE, 320, 240, sha_n=1, found_by=[{"engine": "bing", "query": "cat"}]),
            rec("a-copy", BASE, 320, 240, sha_n=1, found_by=[{"engine": "ddg", "query": "cat"}]),
            rec("a-meta", BASE, 320, 240, sha_n=2, pixel_hash="p-a",
                found_by=[{"engine": "bing", "query": "cat"}]),
            rec("a-large", flip(BASE, 1, 2, 3), 1280, 960, sha_n=3,
                found_by=[{"engine": "wikimedia", "query": "kitten"}]),
            rec("a-crop", flip(BASE, 10, 20, 30, 40, 50, 60), 600, 450, sha_n=4),
            rec("other", ~BASE & (2**64 - 1), 800, 600, sha_n=5),
        ]

    def test_mark_keeps_order_and_sets_fields(self):
        records = self.group()
        records[2]["pixel_hash"] = "p-a"
        records[0]["pixel_hash"] = "p-a"
        run = dedup(["--mark"], records)
        self.assertEqual(run.returncode, 0, run.stderr)
        out = run.records
        self.assertEqual([r["url"] for r in out], [r["url"] for r in records])
        by = {r["url"]: r for r in out}
        kept = by["a-large"]
        self.assertNotIn("dup_of", kept)
        for url in ("a-small", "a-copy", "a-meta", "a-crop"):
            self.assertEqual(by[url]["dup_of"], "a-large", url)
            self.assertEqual(by[url]["dup_kind"], "phash", url)
            self.assertEqual(by[url]["cluster"], kept["cluster"])
        self.assertEqual(by["a-small"]["dup_distance"], 3)
        self.assertEqual(by["a-crop"]["dup_distance"], 9)
        self.assertNotIn("dup_of", by["other"])
        self.assertNotEqual(by["other"]["cluster"], kept["cluster"])
        # The kept record gained every engine and query, its own first, once each.
        self.assertEqual(kept["found_by"], [{"engine": "wikimedia", "query": "kitten"},
                                            {"engine": "bing", "query": "cat"},
                                            {"engine": "ddg", "query": "cat"}])
        # Unknown fields and their spelling pass through byte for byte.
        run = dedup(["--mark"], text='{"x": 1.50, "url":"u", "phash":"00000000000000ff"}\n')
        self.assertTrue(run.stdout.startswith('{"x":1.50,"url":"u",'), run.stdout)

    def test_exact_and_pixel_kinds(self):
        records = [rec("first", BASE, sha_n=1, pixel_hash="P"),
                   rec("same-bytes", BASE, sha_n=1, pixel_hash="P"),
                   rec("same-pixels", BASE, sha_n=2, pixel_hash="p")]  # case is ignored
        run = dedup(["--mark", "--keep", "first"], records)
        by = run.by("url")
        self.assertEqual(by["same-bytes"]["dup_kind"], "sha256")
        self.assertEqual(by["same-pixels"]["dup_kind"], "pixels")
        self.assertEqual(by["same-pixels"]["dup_distance"], 0)

    def test_duplicates_dropped_or_rejected_nothing_lost(self):
        records = self.group()
        run = harness.run("pix-dedup", [], records=records)
        self.assertEqual([r["url"] for r in run.records], ["a-large", "other"])
        self.assertIn("4 duplicates", run.stderr)
        self.assertIn("--mark or --rejects", run.stderr)
        rejects = os.path.join(self.tmp, "dups.jsonl")
        run = dedup(["--rejects", rejects], records)
        with open(rejects) as f:
            dups = [json.loads(line) for line in f]
        self.assertEqual(sorted(r["url"] for r in run.records + dups),
                         sorted(r["url"] for r in records))
        self.assertTrue(all(r["dup_of"] == "a-large" for r in dups))

    def test_keep_policies(self):
        records = [rec("small-sharp", BASE, 320, 240, quality={"score": 0.9}),
                   rec("big-blurry", flip(BASE, 5), 1600, 1200, quality={"score": 0.3}),
                   rec("mid", flip(BASE, 6), 800, 600)]
        kept = lambda args: [r["url"] for r in dedup(args, records).records]  # noqa: E731
        self.assertEqual(kept(["--keep", "largest"]), ["big-blurry"])
        self.assertEqual(kept(["--keep", "best-quality"]), ["small-sharp"])
        self.assertEqual(kept(["--keep", "first"]), ["small-sharp"])
        records.reverse()
        self.assertEqual(kept(["--keep", "first"]), ["mid"])
        self.assertEqual(kept([]), ["big-blurry"])  # largest is the default

    def test_keep_is_deterministic_whatever_the_order(self):
        rng = random.Random(3)
        records = []
        for g in range(30):
            centre = rng.getrandbits(64)
            for c in range(4):  # equal sizes: only the tie-break decides
                records.append(rec(f"g{g}-c{c}", flip(centre, c), 500, 500))
        results = set()
        for _ in range(4):
            rng.shuffle(records)
            run = dedup(["--mark"], records)
            results.add(frozenset((r["url"], r.get("dup_of")) for r in run.records))
        self.assertEqual(len(results), 1)

    def test_every_duplicate_is_near_its_kept_image_and_kept_images_are_apart(self):
        rng = random.Random(11)
        records, threshold = [], 10
        for g in range(150):
            centre = rng.getrandbits(64)
            for c in range(rng.randint(1, 6)):
                h = centre
                for _ in range(rng.randint(0, 7)):
                    h ^= 1 << rng.randrange(64)
                records.append(rec(f"g{g}-{c}", h, rng.randint(100, 2000), rng.randint(100, 2000)))
        run = dedup(["--mark", "--dhash-threshold", "64"], records)
        self.assertEqual(run.returncode, 0, run.stderr)
        out = run.by("url")
        phash = {r["url"]: int(r["phash"], 16) for r in records}
        kept = [u for u, r in out.items() if "dup_of" not in r]
        for url, r in out.items():
            if "dup_of" in r:
                self.assertNotIn("dup_of", out[r["dup_of"]])
                d = bin(phash[url] ^ phash[r["dup_of"]]).count("1")
                self.assertEqual(d, r["dup_distance"])
                self.assertLessEqual(d, threshold)
        # Greedy leaders: no two kept images are within the threshold.
        for i, a in enumerate(kept):
            for b in kept[i + 1:]:
                self.assertGreater(bin(phash[a] ^ phash[b]).count("1"), threshold, (a, b))

    def test_crop_pass_pairs_a_window_with_a_full_frame(self):
        # A cropped copy: its full-frame hashes are far from the original's
        # (32 pHash bits) but equal, within a few bits, to window 8 of the
        # original's crop_hashes. An unrelated image's window matches nothing.
        dh = 0x0F0F33CC5A5A9696
        copy_p = BASE ^ 0xFFFFFFFF000
        windows = [(flip(BASE, k), flip(dh, k)) for k in range(14)]
        windows[8] = (flip(copy_p, 1, 2, 3), flip(dh ^ 0xFF00, 4))
        crops = "".join(f"{p:016x}{d:016x}" for p, d in windows)
        original = rec("https://a.example/orig.jpg", BASE, w=1000, h=800, dhash=f"{dh:016x}",
                       crop_hashes=crops)
        copy = rec("https://b.example/crop.jpg", copy_p, w=900, h=720, dhash=f"{dh ^ 0xFF00:016x}")
        other = rec("https://c.example/other.jpg", ~BASE & (2**64 - 1), w=900, h=720,
                    dhash=f"{~dh & (2**64 - 1):016x}", crop_hashes="0" * 448)
        r = dedup(["--mark", "--crop-threshold", "12"], records=[original, copy, other])
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.records
        self.assertEqual(out[1]["dup_of"], original["url"])
        self.assertEqual(out[1]["dup_distance"], 32)
        self.assertNotIn("dup_of", out[2])
        r = dedup(["--mark"], records=[original, copy, other])  # on by default
        self.assertEqual(r.records[1].get("dup_of"), original["url"])
        r = dedup(["--mark", "--crop-threshold", "-1"], records=[original, copy, other])
        self.assertTrue(all("dup_of" not in x for x in r.records))
        # A malformed crop_hashes is a warning, not a failure.
        original["crop_hashes"] = "xyz"
        r = harness.run("pix-dedup", ["--mark", "--crop-threshold", "12"], records=[original, copy])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("malformed crop_hashes", r.stderr)
        self.assertTrue(all("dup_of" not in x for x in r.records))

    def test_dhash_check_and_threshold(self):
        a = rec("a", BASE, 1000, 1000, dhash="0000000000000000")
        b = rec("b", flip(BASE, 1, 2), 500, 500, dhash="00000000ffffffff")  # dHash 32 bits off
        self.assertEqual(len(dedup([], [a, b]).records), 2)
        self.assertEqual(len(dedup(["--dhash-threshold", "64"], [a, b]).records), 1)
        self.assertEqual(len(dedup(["--threshold", "1", "--dhash-threshold", "64"], [a, b]).records), 2)

    def test_index_across_runs(self):
        index = os.path.join(self.tmp, "seen.db")
        day1 = self.group()
        run = dedup(["--index", index], day1)
        self.assertEqual(run.returncode, 2)  # a read-only index that does not exist
        self.assertIn("does not exist", run.stderr)
        run = dedup(["--index", index, "--index-update"], day1)
        self.assertEqual(run.returncode, 0, run.stderr)
        day1_out = run.by("url")
        with sqlite3.connect(index) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM images").fetchone()[0], 2)
        # Day 2: a recompressed copy of day 1's image and one new image.
        day2 = [rec("b-new", 0x0123456789ABCDEF, sha_n=9),
                rec("a-again", flip(BASE, 7), 2000, 2000, sha_n=10),
                rec("a-same-bytes", flip(BASE, 1, 2, 3), sha_n=3)]
        run = dedup(["--index", index, "--index-update", "--mark"], day2)
        self.assertEqual(run.returncode, 0, run.stderr)
        by = run.by("url")
        self.assertNotIn("dup_of", by["b-new"])
        # Earlier datasets win even over a larger copy.
        self.assertEqual(by["a-again"]["dup_of"], "a-large")
        self.assertEqual(by["a-again"]["cluster"], day1_out["a-large"]["cluster"])
        self.assertEqual(by["a-same-bytes"]["dup_of"], "a-large")
        self.assertEqual(by["a-same-bytes"]["dup_kind"], "sha256")
        self.assertGreater(by["b-new"]["cluster"], max(r["cluster"] for r in day1_out.values()))
        with sqlite3.connect(index) as db:
            ids = [r[0] for r in db.execute("SELECT record_id FROM images ORDER BY id")]
        self.assertEqual(ids, ["a-large", "other", "b-new"])
        # Exact-only mode reads the same index; a read-only run changes nothing.
        run = dedup(["--index", index, "--exact-only", "--mark"], [rec("x", 0x0123456789ABCDEF, sha_n=9)])
        self.assertEqual(run.records[0]["dup_of"], "b-new")
        with sqlite3.connect(index) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM images").fetchone()[0], 3)

    def test_index_locked_by_another_run(self):
        index = os.path.join(self.tmp, "seen.db")
        self.assertEqual(dedup(["--index", index, "--index-update"], self.group()).returncode, 0)
        holder = sqlite3.connect(index, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            run = dedup(["--index", index, "--index-update", "--index-wait", "0.2"], self.group())
            self.assertEqual(run.returncode, 3)
            self.assertIn("being updated by another run", run.stderr)
            self.assertEqual(run.stdout, "")
            # Readers are not blocked.
            run = dedup(["--index", index], self.group())
            self.assertEqual(run.returncode, 0, run.stderr)
        finally:
            holder.execute("ROLLBACK")
            holder.close()

    def test_killed_run_leaves_the_index_as_it_was(self):
        index = os.path.join(self.tmp, "seen.db")
        self.assertEqual(dedup(["--index", index, "--index-update"], self.group()).returncode, 0)
        with sqlite3.connect(index) as db:
            before = db.execute("SELECT * FROM images ORDER BY id").fetchall()
        # An exact-only run adds kept images to the index as they stream by,
        # inside one transaction; kill -9 it after it has written some.
        with subprocess.Popen(
                [harness.tool("pix-dedup"), "-q", "--exact-only", "--line-buffered", "--index",
                 index, "--index-update"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True) as proc:
            for n in range(3):
                proc.stdin.write(json.dumps(rec(f"new-{n}", (n + 1) * 0x1111111111111111, sha_n=100 + n)) + "\n")
                proc.stdin.flush()
                self.assertIn(f"new-{n}", proc.stdout.readline())
            proc.kill()
        with sqlite3.connect(index) as db:
            self.assertEqual(db.execute("SELECT * FROM images ORDER BY id").fetchall(), before)
        # Nothing is left locked: the next updating run adds the images.
        run = dedup(["--index", index, "--index-update", "--index-wait", "1"],
                    [rec(f"new-{n}", (n + 1) * 0x1111111111111111, sha_n=100 + n) for n in range(3)])
        self.assertEqual(run.returncode, 0, run.stderr)
        with sqlite3.connect(index) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM images").fetchone()[0],
                             len(before) + 3)

    def test_fast_hash_fields(self):
        records = [{"url": "a", "phash_fast": f"{BASE:016x}", "width": 100, "height": 100},
                   {"url": "b", "phash_fast": f"{flip(BASE, 4):016x}", "width": 50, "height": 50}]
        run = dedup(["--mark", "--hash", "fast"], records)
        self.assertEqual(run.by("url")["b"]["dup_of"], "a")
        # Exact and fast hashes do not compare: an index holds one kind.
        index = os.path.join(self.tmp, "seen.db")
        self.assertEqual(dedup(["--index", index, "--index-update"], self.group()).returncode, 0)
        run = dedup(["--hash", "fast", "--index", index], records)
        self.assertEqual(run.returncode, 2)
        self.assertIn("holds phash hashes, not phash_fast", run.stderr)

    def test_not_an_index(self):
        path = os.path.join(self.tmp, "other.db")
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE t(x)")
        run = dedup(["--index", path], self.group())
        self.assertEqual(run.returncode, 2)
        self.assertIn("is not a pix-dedup index", run.stderr)

    def test_exact_only_streams(self):
        proc = subprocess.Popen([harness.tool("pix-dedup"), "-q", "--exact-only", "--mark",
                                 "--line-buffered"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = rec("one", BASE, sha_n=1)
            proc.stdin.write(json.dumps(first) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()  # arrives while the input is still open
            self.assertEqual(json.loads(line)["url"], "one")
            proc.stdin.write(json.dumps(rec("two", BASE, sha_n=1)) + "\n")
            proc.stdin.flush()
            self.assertEqual(json.loads(proc.stdout.readline())["dup_of"], "one")
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=30), 0)
        finally:
            proc.kill()
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        records = self.group()
        run = dedup(["--exact-only", "--mark"], records)
        by = run.by("url")
        self.assertEqual(by["a-copy"]["dup_of"], "a-small")
        self.assertEqual(by["a-copy"]["dup_kind"], "sha256")
        self.assertNotIn("dup_of", by["a-large"])  # near duplicates are not looked for
        run = dedup(["--exact-only", "--keep", "largest"], records)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--exact-only", run.stderr)

    def test_bad_and_missing_hashes(self):
        text = "\n".join([
            json.dumps(rec("good", BASE)),
            "",
            json.dumps({"url": "bad", "phash": "xyz"}),
            json.dumps({"url": "nohash"}),
            json.dumps({"url": "sha-only", "sha256": sha(77)}),
            json.dumps({"url": "failed", "error": {"stage": "fetch", "code": "http_404"}}),
            json.dumps({"url": "invalid", "valid": False, "phash": f"{BASE:016x}"}),
        ]) + "\n"
        run = harness.run("pix-dedup", [], text=text)
        self.assertEqual(run.returncode, 1)
        by = run.by("url")
        self.assertEqual(set(by), {"good", "bad", "nohash", "sha-only", "failed", "invalid"})
        self.assertEqual(by["bad"]["error"]["code"], "bad_hash")
        self.assertEqual(by["bad"]["error"]["message"],
                         '<stdin>:3: phash must be 16 hex digits, got "xyz"')
        self.assertEqual(by["nohash"], {"url": "nohash"})
        self.assertIn("cluster", by["sha-only"])
        self.assertEqual(by["failed"]["error"]["stage"], "fetch")
        self.assertNotIn("cluster", by["invalid"])
        self.assertIn("1 record(s) without any hash passed through", run.stderr)
        self.assertIn("without phash were matched by sha256/pixel_hash only", run.stderr)
        run = harness.run("pix-dedup", ["--strict"], text=text)
        by = run.by("url")
        self.assertEqual(by["nohash"]["error"]["code"], "missing_hash")
        self.assertEqual(by["sha-only"]["error"]["code"], "missing_hash")
        self.assertEqual(run.returncode, 1)

    def test_malformed_json_and_empty_input(self):
        run = dedup([], text='{"url":"a"}\n{not json\n')
        self.assertEqual(run.returncode, 3)
        self.assertIn("<stdin>:2", run.stderr)
        run = dedup([], text="")
        self.assertEqual((run.returncode, run.stdout), (0, ""))

    def test_id_fields(self):
        records = [{"path": "x/1.jpg", "phash": f"{BASE:016x}", "width": 10, "height": 10},
                   {"path": "x/2.jpg", "phash": f"{BASE:016x}", "width": 20, "height": 20, "id": 7}]
        by = dedup(["--mark"], records).by("path")
        self.assertEqual(by["x/1.jpg"]["dup_of"], "x/2.jpg")
        by = dedup(["--mark", "--id-field", "id,path"], records).by("path")
        self.assertEqual(by["x/1.jpg"]["dup_of"], "7")

    def test_a_temporary_directory_gone_before_the_crop_search_loses_no_record(self):
        # The crop search writes its windows to a file in --temp-dir once all
        # records are read. Remove the directory after the spool (created
        # first, and unlinked at once) is open: the windows' file cannot be
        # made, and every record read is still written, marked interrupted.
        temp = os.path.join(self.tmp, "temp")
        os.mkdir(temp)
        records = [rec(f"https://h.example/{i}.jpg", flip(BASE, i % 64, (i * 7) % 64),
                       dhash=f"{BASE ^ i:016x}", crop_hashes=f"{BASE ^ i:016x}" * 28)
                   for i in range(50)]
        proc = subprocess.Popen([harness.tool("pix-dedup"), "--temp-dir", temp],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while not any(path.startswith(temp + "/") for path in open_files(proc.pid)):
                self.assertLess(time.monotonic(), deadline, "the spool was never opened")
                time.sleep(0.02)
            os.rmdir(temp)
            out, err = proc.communicate("".join(json.dumps(r) + "\n" for r in records).encode(),
                                        timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        err = err.decode()
        self.assertEqual(proc.returncode, 3, err)
        self.assertIn(temp, err)
        got = [json.loads(line) for line in out.decode().splitlines()]
        self.assertEqual([r["url"] for r in got], [r["url"] for r in records])
        for r in got:
            self.assertEqual(r["error"]["code"], "interrupted", r)
            self.assertIn(temp, r["error"]["message"])


if __name__ == "__main__":
    unittest.main()
