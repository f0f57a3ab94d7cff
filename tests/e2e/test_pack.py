#!/usr/bin/env python3
"""pix-pack end to end: admission, layout, label files, incremental runs,
splits, faults (missing and changed files), MANIFEST and verify, storage
tiers with libarchive (checked with unzip -t, 7z t, sha256sum -c), the
all-or-nothing commit under kill -9, and the report. Images are made with
pix-synth; records are written as the earlier stages would."""
import csv
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def sha_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pack(args=(), records=None, text=None, timeout=120):
    return harness.run("pix-pack", ["-q", *args], records=records, text=text, timeout=timeout)


def listing(root):
    """{relative path: (inode, mtime_ns, size)} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            st = os.stat(p)
            out[os.path.relpath(p, root)] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return out


class PackTestCase(harness.TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.img = os.path.join(self.tmp, "images")
        harness.make_images(self.img, [
            "cat1.jpg:jpg:320x240:1", "cat2.jpg:jpg:300x200:2", "cat3.png:png:200x200:3",
            "dog1.jpg:jpg:240x320:4", "dog2.webp:webp:256x256:5", "bird1.jpg:jpg:200x150:6",
        ])
        self.out = os.path.join(self.tmp, "pets")

    def rec(self, name, label, **extra):
        path = os.path.join(self.img, name)
        fmt = {"jpg": "jpeg", "png": "png", "webp": "webp"}[name.rsplit(".", 1)[1]]
        r = {"url": f"https://img.example/{label}/{name}", "label": label, "path": path,
             "sha256": sha_file(path), "bytes": os.path.getsize(path), "format": fmt,
             "width": 320, "height": 240, "valid": True, "quality": {"score": 0.7},
             "found_by": [{"engine": "bing", "query": label}]}
        r.update(extra)
        return r

    def base_records(self):
        return [
            self.rec("cat1.jpg", "cat", license="cc-by", creator="Ann", label_confidence=0.9),
            self.rec("cat2.jpg", "cat", needs_review=True, label_confidence=0.4),
            self.rec("dog1.jpg", "dog", cluster=3),
            self.rec("dog2.webp", "dog"),
            # Turned away, each with its reason:
            self.rec("cat3.png", "cat", dup_of="https://img.example/cat/cat1.jpg"),
            self.rec("bird1.jpg", "bird", valid=False, reject=["too_small"]),
            {"url": "https://img.example/x.jpg", "label": "cat",
             "error": {"stage": "fetch", "code": "http_404", "message": "HTTP 404"}},
            {"url": "https://img.example/y.jpg", "label": "cat", "path": "nowhere.jpg"},
        ]


class LayoutTest(PackTestCase):
    def test_dataset_folder_label_files_and_records(self):
        run = pack(["-o", self.out, "--records", "-"], records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        recs = run.records
        self.assertEqual(len(recs), 8)
        packed = [r for r in recs if "dataset_path" in r]
        self.assertEqual(len(packed), 4)
        reasons = sorted(r["pack_reject"]["reason"] for r in recs if "pack_reject" in r)
        self.assertEqual(reasons, ["duplicate", "failed", "invalid", "not_validated"])
        # ImageFolder layout; images are hard links of the downloads.
        for r in packed:
            p = os.path.join(self.out, r["dataset_path"])
            self.assertTrue(os.path.isfile(p), p)
            self.assertEqual(r["dataset_path"].split("/")[0], r["label"])
            self.assertEqual(os.stat(p).st_ino, os.stat(r["path"]).st_ino)
        self.assertEqual(sorted(os.listdir(os.path.join(self.out, "dog"))),
                         sorted(os.path.basename(r["dataset_path"]) for r in packed
                                if r["label"] == "dog"))
        self.assertTrue(any(n.endswith(".webp") for n in os.listdir(os.path.join(self.out, "dog"))))
        # The four label formats agree.
        with open(os.path.join(self.out, "labels.json")) as f:
            labels = json.load(f)
        self.assertEqual(sorted(e["path"] for e in labels),
                         sorted(r["dataset_path"] for r in packed))
        by_path = {e["path"]: e for e in labels}
        cat1 = next(e for e in labels if e["url"].endswith("cat1.jpg"))
        self.assertEqual((cat1["license"], cat1["creator"], cat1["confidence"]), ("cc-by", "Ann", 0.9))
        with open(os.path.join(self.out, "labels.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual({r["path"]: r["label"] for r in rows},
                         {p: e["label"] for p, e in by_path.items()})
        self.assertIn("needs_review", rows[0])
        with open(os.path.join(self.out, "labels.txt")) as f:
            lines = [l for l in f.read().splitlines() if not l.startswith("#")]
        self.assertEqual(len(lines), 4)
        with open(os.path.join(self.out, "labels.yaml")) as f:
            self.assertEqual(f.read().count("\n- path: "), 4)  # each follows a line break
        with open(os.path.join(self.out, "classes.txt")) as f:
            self.assertEqual(f.read(), "cat\ndog\n")
        with open(os.path.join(self.out, "metadata.jsonl")) as f:
            meta = [json.loads(l) for l in f]
        self.assertEqual(sorted(m["file_name"] for m in meta), sorted(by_path))
        with open(os.path.join(self.out, "metadata.json")) as f:
            stats = json.load(f)
        self.assertEqual(stats["images"], 4)
        self.assertEqual(stats["labels"]["cat"]["images"], 2)
        self.assertEqual(stats["pipeline"]["failed"], {"fetch/http_404": 1})
        self.assertEqual(stats["pipeline"]["invalid"], {"too_small": 1})
        self.assertEqual(stats["pipeline"]["duplicates"], 1)
        self.assertEqual(stats["formats"], {"jpeg": 3, "webp": 1})
        self.assertEqual(stats["engines"], {"bing": 4})
        with open(os.path.join(self.out, "ATTRIBUTION.md")) as f:
            attribution = f.read()
        self.assertIn("## cc\\-by (1 images)", attribution)
        self.assertIn("by Ann", attribution)
        with open(os.path.join(self.out, "report.json")) as f:
            report = json.load(f)
        self.assertEqual(report["summary"]["images"], 4)
        self.assertEqual(len(report["rejected"]), 4)
        self.assertEqual([e["path"] for e in report["needs_review"]],
                         [r["dataset_path"] for r in packed if r.get("needs_review")])
        # MANIFEST covers every file but itself, and verify agrees.
        with open(os.path.join(self.out, "MANIFEST")) as f:
            manifest = {l.split("  ")[2]: l.split("  ")[0]
                        for l in f.read().splitlines() if not l.startswith("#")}
        self.assertEqual(set(manifest), set(listing(self.out)) - {"MANIFEST"})
        for p, digest in manifest.items():
            self.assertEqual(sha_file(os.path.join(self.out, p)), digest, p)
        run = harness.run("pix-pack", ["verify", self.out])
        self.assertEqual(run.returncode, 0, run.stderr)
        # Nothing is left beside the dataset.
        self.assertEqual(sorted(os.listdir(self.tmp)), ["images", "pets"])

    def test_incremental_run_adds_without_touching(self):
        records = self.base_records()
        self.assertEqual(pack(["-o", self.out], records=records[:3]).returncode, 0)
        before = listing(self.out)
        images_before = {p: v for p, v in before.items() if p.startswith(("cat/", "dog/"))}
        run = pack(["-o", self.out, "--records", "-"], records=records)
        self.assertEqual(run.returncode, 0, run.stderr)
        after = listing(self.out)
        for p, v in images_before.items():
            self.assertEqual(after[p], v, p)  # same inode, never rewritten
        with open(os.path.join(self.out, "labels.json")) as f:
            self.assertEqual(len(json.load(f)), 4)
        with open(os.path.join(self.out, "report.json")) as f:
            summary = json.load(f)["summary"]
        self.assertEqual((summary["added"], summary["already_present"]), (1, 3))
        by_url = {r["url"]: r for r in run.records}
        self.assertIn("dataset_path", by_url["https://img.example/cat/cat1.jpg"])
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)

    def test_packing_the_same_records_again_changes_nothing(self):
        records = self.base_records()
        first = pack(["-o", self.out], records=records)
        self.assertEqual(first.returncode, 0, first.stderr)
        before = listing(self.out)
        with open(os.path.join(self.out, "metadata.json"), "rb") as f:
            metadata = f.read()
        # Not quiet: the summary says why nothing was written.
        again = harness.run("pix-pack", ["-o", self.out, "--records", "-"], records=records)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("0 added, 4 already present", again.stderr)
        self.assertIn("unchanged", again.stderr)
        self.assertEqual(listing(self.out), before)  # same files, inodes and times
        with open(os.path.join(self.out, "metadata.json"), "rb") as f:
            self.assertEqual(f.read(), metadata)
        self.assertEqual(sorted(os.listdir(self.tmp)), ["images", "pets"])
        by_url = {r["url"]: r for r in again.records}
        self.assertIn("dataset_path", by_url["https://img.example/cat/cat1.jpg"])
        # One more image is a new version.
        third = pack(["-o", self.out], records=records + [self.rec("bird1.jpg", "bird")])
        self.assertEqual(third.returncode, 0, third.stderr)
        self.assertNotEqual(listing(self.out)["labels.json"], before["labels.json"])
        self.assertIn("bird", os.listdir(self.out))
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)

    def test_output_that_is_not_a_dataset_is_refused(self):
        os.makedirs(self.out)
        with open(os.path.join(self.out, "precious.txt"), "w") as f:
            f.write("mine")
        run = pack(["-o", self.out], records=self.base_records())
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("not a pix-pack dataset", run.stderr)
        self.assertEqual(os.listdir(self.out), ["precious.txt"])
        self.assertEqual(pack([]).returncode, 2)  # -o is required

    def test_names_are_sanitised_distinct_and_stable(self):
        a = self.rec("cat1.jpg", "Cat")
        b = self.rec("cat2.jpg", "cat")
        c = self.rec("dog1.jpg", "../../etc", url="https://x.example/a/cat1.jpg")
        d = self.rec("dog2.webp", "con", url="https://y.example/cat1.jpg")
        run = pack(["-o", self.out, "--records", "-"], records=[a, b, c, d])
        self.assertEqual(run.returncode, 0, run.stderr)
        paths = [r["dataset_path"] for r in run.records]
        folders = [p.split("/")[0] for p in paths]
        self.assertEqual(len({f.lower() for f in folders}), 4, folders)
        for p in paths:
            self.assertNotIn("..", p.split("/"))
            self.assertTrue(os.path.realpath(os.path.join(self.out, p)).startswith(
                os.path.realpath(self.out) + os.sep))
        self.assertFalse(folders[3].lower() == "con")
        # The same input into a new folder gives the same names.
        again = pack(["-o", self.out + "2", "--records", "-"], records=[a, b, c, d])
        self.assertEqual([r["dataset_path"] for r in again.records], paths)


class SplitTest(PackTestCase):
    def test_split_is_by_hash_and_keeps_clusters_together(self):
        recs = [self.rec(n, "cat") for n in ("cat1.jpg", "cat2.jpg", "cat3.png", "dog1.jpg",
                                               "dog2.webp", "bird1.jpg")]
        for r in recs[3:]:
            r["cluster"] = 42  # near copies that dedup kept apart: one split
        split = ["--split", "train=0.5,val=0.25,test=0.25"]
        run = pack(["-o", self.out, "--records", "-", *split], records=recs)
        self.assertEqual(run.returncode, 0, run.stderr)
        got = {r["url"]: r["split"] for r in run.records}
        self.assertEqual(len({got[r["url"]] for r in recs[3:]}), 1)
        for r in run.records:
            self.assertTrue(r["dataset_path"].startswith(r["split"] + "/cat/"))
        # Another order, another folder: same splits (cluster lands where its first member does,
        # so compare the unclustered ones).
        again = pack(["-o", self.out + "b", "--records", "-", *split], records=recs[::-1])
        got2 = {r["url"]: r["split"] for r in again.records}
        for r in recs[:3]:
            self.assertEqual(got[r["url"]], got2[r["url"]])
        # HF imagefolder metadata per split folder.
        for s in set(got.values()):
            with open(os.path.join(self.out, s, "metadata.jsonl")) as f:
                for line in f:
                    self.assertTrue(os.path.isfile(
                        os.path.join(self.out, s, json.loads(line)["file_name"])))
        # A layout change is refused.
        self.assertEqual(pack(["-o", self.out], records=recs).returncode, 2)


class FaultTest(PackTestCase):
    def test_missing_and_changed_files_are_left_out(self):
        records = self.base_records()[:4]
        gone = os.path.join(self.tmp, "gone.jpg")
        with open(os.path.join(self.img, "cat1.jpg"), "rb") as f, open(gone, "wb") as g:
            g.write(f.read() + b"another image")  # not a copy of one in the dataset
        missing = self.rec("cat1.jpg", "cat", path=gone, sha256=sha_file(gone), url="https://m/x.jpg")
        os.unlink(gone)
        changed = self.rec("bird1.jpg", "bird", sha256="0" * 64)
        run = pack(["-o", self.out, "--records", "-"], records=records + [missing, changed])
        self.assertEqual(run.returncode, 1, run.stderr)
        errors = {r["url"]: r["error"]["code"] for r in run.records if "error" in r}
        self.assertEqual(errors, {"https://m/x.jpg": "missing_file",
                                  "https://img.example/bird/bird1.jpg": "changed_file"})
        self.assertFalse(os.path.exists(os.path.join(self.out, "bird")))
        with open(os.path.join(self.out, "labels.json")) as f:
            self.assertEqual(len(json.load(f)), 4)
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)

    def test_kill_9_leaves_the_previous_version(self):
        records = self.base_records()
        self.assertEqual(pack(["-o", self.out], records=records[:2]).returncode, 0)
        before = listing(self.out)
        proc = subprocess.Popen([harness.tool("pix-pack"), "-q", "-o", self.out],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        for r in records[2:4]:
            proc.stdin.write((json.dumps(r) + "\n").encode())
        proc.stdin.flush()
        deadline = time.time() + 10
        parent = os.path.dirname(self.out)
        while time.time() < deadline and not any(".pix-tmp-" in n for n in os.listdir(parent)):
            time.sleep(0.02)
        time.sleep(0.3)  # let it place the two images in its staging folder
        proc.kill()
        proc.wait()
        proc.stdin.close()
        proc.stderr.close()
        self.assertEqual(listing(self.out), before)
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)
        # The next run cleans up the leftover and completes.
        self.assertEqual(pack(["-o", self.out], records=records).returncode, 0)
        self.assertEqual(sorted(os.listdir(parent)), ["images", "pets"])

    def test_records_never_claim_a_dataset_that_was_not_written(self):
        records = self.base_records()
        self.assertEqual(pack(["-o", self.out], records=records[:2]).returncode, 0)
        before = listing(self.out)
        # dog1 and dog2 would be added, bird1 is left out, then a line that is not JSON stops
        # the run (fatal without --skip-invalid); the line after it is never started.
        text = "".join(json.dumps(r) + "\n" for r in records[2:4] + [records[5]])
        text += "{not json\n" + json.dumps(records[4]) + "\n"
        run = pack(["-o", self.out, "--records", "-"], text=text)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("left as it was", run.stderr)
        self.assertEqual(listing(self.out), before)
        by_url = {r["url"]: r for r in run.records}
        self.assertEqual(len(run.records), 4)  # every record read except the bad line
        for name in ("dog1.jpg", "dog2.webp"):
            r = by_url[f"https://img.example/dog/{name}"]
            self.assertNotIn("dataset_path", r)
            self.assertNotIn("split", r)
            self.assertEqual((r["error"]["stage"], r["error"]["code"]), ("pack", "interrupted"))
            self.assertIn("before the dataset was written", r["error"]["message"])
        self.assertNotIn("error", by_url["https://img.example/bird/bird1.jpg"])
        self.assertEqual(by_url["https://img.example/cat/cat3.png"]["error"]["code"], "interrupted")
        # The same records without the bad line are packed, and say so.
        run = pack(["-o", self.out, "--records", "-"], records=records)
        self.assertEqual(run.returncode, 0, run.stderr)
        by_url = {r["url"]: r for r in run.records}
        self.assertTrue(os.path.isfile(os.path.join(
            self.out, by_url["https://img.example/dog/dog1.jpg"]["dataset_path"])))


class VerifyTest(PackTestCase):
    def test_verify_catches_a_flipped_byte_a_missing_and_an_extra_file(self):
        self.assertEqual(pack(["-o", self.out, "--copy"], records=self.base_records()).returncode, 0)
        with open(os.path.join(self.out, "labels.json")) as f:
            first = json.load(f)[0]["path"]
        target = os.path.join(self.out, first)
        self.assertNotEqual(os.stat(target).st_ino,
                            os.stat(os.path.join(self.img, "cat1.jpg")).st_ino)
        with open(target, "r+b") as f:
            f.seek(100)
            b = f.read(1)
            f.seek(100)
            f.write(bytes([b[0] ^ 1]))
        run = harness.run("pix-pack", ["verify", self.out])
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.stdout, f"altered\t{first}\n")
        os.unlink(os.path.join(self.out, "classes.txt"))
        with open(os.path.join(self.out, "dog", "new.jpg"), "w") as f:
            f.write("x")
        run = harness.run("pix-pack", ["verify", self.out])
        self.assertEqual(run.returncode, 1)
        self.assertIn("missing\tclasses.txt\n", run.stdout)
        self.assertIn("extra\tdog/new.jpg\n", run.stdout)
        self.assertEqual(harness.run("pix-pack", ["verify", self.tmp]).returncode, 1)
        self.assertEqual(harness.run("pix-pack", ["verify"]).returncode, 2)


class TierTest(PackTestCase):
    def check_sum_file(self, archive):
        run = subprocess.run(["sha256sum", "-c", os.path.basename(archive) + ".sha256"],
                             cwd=os.path.dirname(archive), capture_output=True, text=True)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_hot_warm_archive(self):
        run = pack(["-o", self.out, "--tier", "hot"], records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        zip_path = self.out + ".zip"
        self.check_sum_file(zip_path)
        if shutil.which("unzip"):
            t = subprocess.run(["unzip", "-t", zip_path], capture_output=True, text=True)
            self.assertEqual(t.returncode, 0, t.stdout)
            self.assertIn("No errors detected", t.stdout)
            v = subprocess.run(["unzip", "-v", zip_path], capture_output=True, text=True).stdout
            self.assertIn("Stored", v)
            self.assertNotIn("Defl", v)
        import zipfile
        with zipfile.ZipFile(zip_path) as z:
            names = z.namelist()
        self.assertEqual(names[0], "pets/MANIFEST")
        self.assertTrue(all(n.startswith("pets/") and ".." not in n for n in names))
        self.assertEqual(harness.run("pix-pack", ["verify", zip_path]).returncode, 0)
        # Down the tiers: the folder to 7z (the zip stays), then the 7z to tar.zst.
        run = harness.run("pix-pack", ["tier", self.out, "--to", "warm"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertFalse(os.path.exists(self.out))
        self.assertTrue(os.path.exists(zip_path))
        seven = self.out + ".7z"
        self.check_sum_file(seven)
        if shutil.which("7z"):
            t = subprocess.run(["7z", "t", seven], capture_output=True, text=True)
            self.assertEqual(t.returncode, 0, t.stdout)
            self.assertIn("Everything is Ok", t.stdout)
            self.assertIn("LZMA2", subprocess.run(["7z", "l", "-slt", seven], capture_output=True,
                                                  text=True).stdout)
        run = harness.run("pix-pack", ["tier", seven, "--to", "archive"])
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertFalse(os.path.exists(seven))
        self.assertFalse(os.path.exists(seven + ".sha256"))
        zst = self.out + ".tar.zst"
        self.check_sum_file(zst)
        self.assertEqual(harness.run("pix-pack", ["verify", zst]).returncode, 0)
        if shutil.which("zstd"):
            raw = subprocess.run(["zstd", "-dc", zst], capture_output=True).stdout
            with tarfile.open(fileobj=io.BytesIO(raw)) as t:
                members = t.getmembers()
            self.assertTrue(all(m.isfile() and m.name.startswith("pets/") for m in members))
            self.assertEqual(members[0].name, "pets/MANIFEST")
        # Moving up or sideways is refused.
        run = harness.run("pix-pack", ["tier", zst, "--to", "warm"])
        self.assertEqual(run.returncode, 2)

    def test_older_than_moves_old_datasets_only(self):
        shelf = os.path.join(self.tmp, "shelf")
        os.makedirs(shelf)
        recs = self.base_records()
        for name in ("old", "new"):
            self.assertEqual(pack(["-o", os.path.join(shelf, name), "--tier", "hot"],
                                  records=recs).returncode, 0)
        past = time.time() - 10 * 86400
        os.utime(os.path.join(shelf, "old.zip"), (past, past))
        os.utime(os.path.join(shelf, "old"), (past, past))
        run = harness.run("pix-pack", ["tier", shelf, "--to", "warm", "--older-than", "7d"])
        self.assertEqual(run.returncode, 0, run.stderr)
        # old/ and old.zip both became old.7z (the second found it there, verified, and only
        # removed the zip); new/ and new.zip stay.
        self.assertEqual(sorted(os.listdir(shelf)),
                         ["new", "new.zip", "new.zip.sha256", "old.7z", "old.7z.sha256"])
        self.assertEqual(harness.run("pix-pack", ["verify", os.path.join(shelf, "old.7z")]).returncode, 0)


class WebDatasetTest(PackTestCase):
    def test_shards_read_back_in_webdataset_layout(self):
        split = ["--split", "train=0.5,test=0.5"]
        run = pack(["-o", self.out, "--webdataset", "--shard-size", "2", *split],
                   records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(os.path.join(self.out, "labels.json")) as f:
            labels = json.load(f)
        with open(os.path.join(self.out, "classes.txt")) as f:
            classes = f.read().split()
        shards = sorted(n for n in os.listdir(self.out) if n.endswith(".tar"))
        self.assertTrue(shards)
        seen = {}
        for shard in shards:
            self.assertRegex(shard, r"^pets-(train|test)-\d{6}\.tar$")
            split_name = shard.split("-")[1]
            with tarfile.open(os.path.join(self.out, shard)) as t:
                members = t.getmembers()
                self.assertLessEqual(len(members), 2 * 3)
                # webdataset groups consecutive entries by key (up to the first dot of the name).
                keys = []
                for m in members:
                    self.assertTrue(m.isfile())
                    base = m.name.rsplit("/", 1)[-1]
                    key = m.name[:len(m.name) - len(base)] + base.split(".", 1)[0]
                    ext = base.split(".", 1)[1]
                    if not keys or keys[-1][0] != key:
                        keys.append((key, {}))
                    self.assertNotIn(ext, keys[-1][1])
                    keys[-1][1][ext] = t.extractfile(m).read()
            for key, sample in keys:
                self.assertEqual(len({k for k in sample} & {"jpg", "png", "webp"}), 1)
                meta = json.loads(sample["json"])
                self.assertEqual(int(sample["cls"]), classes.index(meta["label"]))
                self.assertEqual(meta["split"], split_name)
                image = next(v for k, v in sample.items() if k in ("jpg", "png", "webp"))
                self.assertEqual(hashlib.sha256(image).hexdigest(), meta["sha256"])
                seen[meta["path"]] = key
        self.assertEqual(sorted(seen), sorted(e["path"] for e in labels))
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)
        # Without --webdataset a re-run drops the shards instead of leaving them stale.
        self.assertEqual(pack(["-o", self.out, *split], records=self.base_records()).returncode, 0)
        self.assertFalse(any(n.endswith(".tar") for n in os.listdir(self.out)))


class NormalizeTest(PackTestCase):
    def test_resize_and_reencode(self):
        run = pack(["-o", self.out, "--records", "-", "--resize", "64x64", "--resize-mode", "pad",
                    "--format", "png"], records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        packed = [r for r in run.records if "dataset_path" in r]
        self.assertEqual(len(packed), 4)
        for r in packed:
            p = os.path.join(self.out, r["dataset_path"])
            self.assertTrue(p.endswith(".png"))
            with open(p, "rb") as f:
                head = f.read(24)
            self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
            self.assertEqual(int.from_bytes(head[16:20], "big"), 64)
            self.assertEqual(int.from_bytes(head[20:24], "big"), 64)
            self.assertNotEqual(os.stat(p).st_ino, os.stat(r["path"]).st_ino)
        with open(os.path.join(self.out, "labels.json")) as f:
            labels = json.load(f)
        self.assertTrue(all(e["source_sha256"] and e["width"] == 64 for e in labels))
        # A re-run recognises the images by their downloads' digests.
        stats = os.path.join(self.tmp, "stats.json")
        again = pack(["-o", self.out, "--records", "-", "--resize", "64x64", "--resize-mode", "pad",
                      "--format", "png", "--stats", stats], records=self.base_records())
        with open(stats) as f:
            counters = json.load(f)
        self.assertEqual((counters["extra"]["added"], counters["extra"]["already_present"]), (0, 4),
                         again.stderr)
        self.assertEqual(pack(["-o", self.out + "x", "--resize", "0"], records=[]).returncode, 2)


class ReportTest(PackTestCase):
    def test_report_renders_in_headless_chromium(self):
        run = pack(["-o", self.out], records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        html_path = os.path.join(self.out, "report.html")
        with open(html_path) as f:
            html = f.read()
        self.assertNotIn("http://", html.replace("http://www.w3.org", ""))
        self.assertNotIn("<script", html)
        self.assertEqual(html.count("data:image/jpeg;base64,"), 4 + 2 + 1 + 1)  # kept, dup pair, reject, review
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if not chromium:
            self.skipTest("chromium not installed (scripts/install-deps test): report not rendered")
        shot = os.path.join(self.tmp, "report.png")
        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                "--v=0", f"--user-data-dir={os.path.join(self.tmp, 'profile')}"]
        dom = subprocess.run([*args, "--dump-dom", "file://" + html_path], capture_output=True,
                             text=True, timeout=120)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        console = [l for l in dom.stderr.splitlines() if ":CONSOLE" in l]
        self.assertEqual(console, [])
        self.assertIn('id="summary"', dom.stdout)
        self.assertIn("records turned away", dom.stdout)
        self.assertEqual(dom.stdout.count("<img"), 8)
        subprocess.run([*args, f"--screenshot={shot}", "--window-size=1200,1600",
                        "file://" + html_path], capture_output=True, timeout=120)
        self.assertTrue(os.path.exists(shot) and os.path.getsize(shot) > 10000)


class TorchvisionTest(PackTestCase):
    CHECK = """
import json, sys
from torchvision import datasets
root, classes = sys.argv[1], sys.argv[2].split(",")
ds = datasets.ImageFolder(root)
assert ds.classes == classes, (ds.classes, classes)
out = []
for i in range(len(ds)):
    image, index = ds[i]
    out.append([ds.samples[i][0], index, image.size[0]])
print(json.dumps(out))
"""

    def python_with_torchvision(self):
        # Debian's python3-torchvision goes to the system interpreter, which
        # may not be the one running this test.
        for python in (sys.executable, "/usr/bin/python3"):
            if os.path.exists(python) and subprocess.run(
                    [python, "-c", "import torchvision"], capture_output=True).returncode == 0:
                return python
        self.skipTest("python3-torchvision not installed: ImageFolder check not run")

    def test_imagefolder_loads_the_dataset(self):
        python = self.python_with_torchvision()
        run = pack(["-o", self.out], records=self.base_records())
        self.assertEqual(run.returncode, 0, run.stderr)
        with open(os.path.join(self.out, "classes.txt")) as f:
            classes = f.read().split()
        with open(os.path.join(self.out, "labels.json")) as f:
            labels = {os.path.join(self.out, e["path"]): e for e in json.load(f)}
        check = subprocess.run([python, "-c", self.CHECK, self.out, ",".join(classes)],
                               capture_output=True, text=True, timeout=300)
        self.assertEqual(check.returncode, 0, check.stderr[-3000:])
        loaded = json.loads(check.stdout)
        self.assertEqual(sorted(p for p, _, _ in loaded), sorted(labels))
        for path, index, width in loaded:
            self.assertEqual(classes[index], labels[path]["label"])
            self.assertGreater(width, 0)

if __name__ == "__main__":
    unittest.main()
