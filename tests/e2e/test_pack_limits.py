#!/usr/bin/env python3
"""pix-pack at its limits: a ZIP past 65,535 entries (ZIP64, read back by
Python's zipfile and `unzip -t`), a full disk (RLIMIT_FSIZE: every write past
the limit fails with EFBIG, as ENOSPC would), and an output that cannot be
written. A failed run must say why, exit 3, and leave no partly written
dataset or archive under its final name; the previous version stays as it
was. Also --stats: the counters of a sink."""
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import unittest
import zipfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def file_record(path, label, data, **extra):
    r = {"url": f"https://img.example/{label}/{os.path.basename(path)}", "label": label,
         "path": path, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
         "format": "jpeg", "valid": True}
    r.update(extra)
    return r


def write_files(directory, count, labels=4, size=0, **extra):
    """count small distinct files and their records."""
    os.makedirs(directory, exist_ok=True)
    records = []
    for i in range(count):
        data = (b"pix%06d" % i) + b"x" * size
        path = os.path.join(directory, f"{i:06d}.jpg")
        with open(path, "wb") as f:
            f.write(data)
        records.append(file_record(path, f"class{i % labels}", data, **extra))
    return records


def limited_fsize(limit):
    """A preexec_fn: files can grow to `limit` bytes; a write past it fails with EFBIG
    (SIGXFSZ, which would kill the process instead, is ignored)."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def pack_limited(args, records, limit):
    text = "".join(json.dumps(r) + "\n" for r in records)
    return subprocess.run([harness.tool("pix-pack"), *args], input=text, capture_output=True,
                          text=True, timeout=120, preexec_fn=limited_fsize(limit))


def tree(root):
    """{relative path: bytes} of every file under root."""
    out = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, root)] = fh.read()
    return out


class DiskFullTest(harness.TempDirTestCase):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.tmp, "ds")
        # Long creators make labels.json far larger than the limit below.
        self.records = write_files(os.path.join(self.tmp, "img"), 40, creator="c" * 2000)

    def leftovers(self):
        return sorted(n for n in os.listdir(self.tmp) if n not in ("img", "ds"))

    def test_a_full_disk_keeps_the_previous_dataset(self):
        first = harness.run("pix-pack", ["-q", "-o", self.out, "--no-report"],
                            records=self.records[:10])
        self.assertEqual(first.returncode, 0, first.stderr)
        before = tree(self.out)
        run = pack_limited(["-o", self.out, "--no-report"], self.records, 30000)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("File too large", run.stderr)
        self.assertIn("the dataset was left as it was", run.stderr)
        self.assertEqual(tree(self.out), before)
        self.assertEqual(self.leftovers(), [])  # the staging folder is gone
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)

    def test_a_full_disk_leaves_no_new_dataset(self):
        run = pack_limited(["-o", self.out, "--no-report"], self.records, 30000)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(self.leftovers(), [])

    def test_a_full_disk_leaves_no_partial_archive(self):
        # Copies (not links) of 40 files of 20 KB: the folder fits, the stored zip
        # (which holds them all) does not.
        records = write_files(os.path.join(self.tmp, "big"), 40, size=20000)
        ok = harness.run("pix-pack", ["-q", "-o", self.out, "--no-report"], records=records)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        run = subprocess.run([harness.tool("pix-pack"), "tier", self.out, "--to", "hot"],
                             capture_output=True, text=True, timeout=60,
                             preexec_fn=limited_fsize(300000))
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("File too large", run.stderr)
        self.assertEqual(self.leftovers(), ["big"])  # no ds.zip, no ds.zip.tmp-*
        self.assertEqual(harness.run("pix-pack", ["verify", self.out]).returncode, 0)
        # The same through `pix-pack -o --tier`: the dataset is committed, the archive is not.
        shutil.rmtree(self.out)
        run = pack_limited(["-o", self.out, "--no-report", "--tier", "hot"], records, 300000)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn("(the dataset was written)", run.stderr)
        self.assertEqual(self.leftovers(), ["big"])

    def test_unwritable_output_is_a_clear_error(self):
        blocker = os.path.join(self.tmp, "file")
        with open(blocker, "w") as f:
            f.write("not a folder")
        run = harness.run("pix-pack", ["-o", os.path.join(blocker, "ds")], records=self.records)
        self.assertEqual(run.returncode, 3, run.stderr)
        self.assertIn(blocker, run.stderr)
        self.assertIn("not a directory", run.stderr.lower())
        self.assertEqual(self.leftovers(), ["file"])


class StatsTest(harness.TempDirTestCase):
    def test_stats_count_what_the_sink_took(self):
        records = write_files(os.path.join(self.tmp, "img"), 6)
        records[5]["sha256"] = "0" * 64  # changed since it was hashed: a fault
        records.append({"url": "https://img.example/x.jpg", "label": "cat",
                        "error": {"stage": "fetch", "code": "http_404", "message": "404"}})
        stats = os.path.join(self.tmp, "stats.json")
        run = harness.run("pix-pack", ["-o", os.path.join(self.tmp, "ds"), "--no-report",
                                       "--stats", stats], records=records)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("7 records: 6 consumed, 1 failed (changed_file: 1)", run.stderr)
        self.assertIn("5 added, 0 already present, 2 left out", run.stderr)
        with open(stats) as f:
            s = json.load(f)
        self.assertEqual((s["tool"], s["stage"], s["exit_code"]), ("pix-pack", "pack", 1))
        self.assertEqual((s["read"], s["consumed"], s["failed"], s["written"]), (7, 6, 1, 0))
        self.assertEqual(s["failures"], {"changed_file": 1})
        self.assertEqual(s["extra"], {"added": 5, "already_present": 0, "left_out": 2,
                                      "images": 5})


class Zip64Test(harness.TempDirTestCase):
    def test_hot_zip_past_65535_entries(self):
        count = 65600
        records = write_files(os.path.join(self.tmp, "img"), count, labels=2)
        out = os.path.join(self.tmp, "many")
        run = harness.run("pix-pack", ["-q", "-o", out, "--no-report", "--tier", "hot"],
                          records=records, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        path = out + ".zip"
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            self.assertGreater(len(names), 65535)
            self.assertTrue(any(n.startswith("many/class0/000000-") for n in names))
            info = z.getinfo(next(n for n in names if n.endswith("/labels.csv")))
            self.assertGreater(info.file_size, 0)
        with open(path, "rb") as f:
            f.seek(-200000, os.SEEK_END)
            tail = f.read()
        self.assertIn(b"PK\x06\x06", tail)  # the ZIP64 end of central directory record
        if shutil.which("unzip"):
            t = subprocess.run(["unzip", "-tqq", path], capture_output=True, text=True,
                               timeout=120)
            self.assertEqual(t.returncode, 0, t.stdout + t.stderr)
        verify = harness.run("pix-pack", ["verify", path], timeout=120)
        self.assertEqual(verify.returncode, 0, verify.stderr)


if __name__ == "__main__":
    unittest.main()
