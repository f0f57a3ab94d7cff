#!/usr/bin/env python3
"""Downloading a packed dataset with pix-fetch --accept any: pix-pack writes a
hot-tier zip and its .sha256, pix-serve serves both behind signed links, a
proxy cuts the first transfer at a random byte, pix-fetch --resume continues
it (Range + If-Range) and checks the bytes against the signed .sha256, and
pix-pack verify checks the fetched archive. Also: through the nginx edge, a
wrong checksum (checksum_mismatch, no file), a file that changed on the
server between the cut and the resume (restart, no splice), and hostile URL
names that must stay inside the download directory."""
import hashlib
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import serve_helpers as sh  # noqa: E402
import test_serve_cdn as cdn  # noqa: E402
from test_serve_fetch import CuttingProxy  # noqa: E402


def sha_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pack_dataset(work, name, seed):
    """A small dataset packed as NAME.zip (hot tier) in `work`; returns its path."""
    images = os.path.join(work, f"images-{name}")
    specs = [f"img{i}.jpg:jpg:720x540:{seed + i}" for i in range(8)]
    harness.make_images(images, specs)
    records = []
    for i, spec in enumerate(specs):
        path = os.path.join(images, spec.split(":")[0])
        records.append({"url": f"https://img.example/{i}.jpg", "label": ["cat", "dog"][i % 2],
                        "path": path, "sha256": sha_file(path), "bytes": os.path.getsize(path),
                        "format": "jpeg", "width": 720, "height": 540, "valid": True})
    out = os.path.join(work, name)
    run = harness.run("pix-pack", ["-q", "-o", out, "--tier", "hot"], records=records)
    assert run.returncode == 0, run.stderr
    return out + ".zip"


def fetch(records, out, *args):
    return harness.run("pix-fetch", ["-d", out, "--flat", "--accept", "any", "--allow-private",
                                     "--retries", "0", "--timeout", "60", *args],
                       records=records, timeout=180)


def verify(path):
    return subprocess.run([harness.tool("pix-pack"), "verify", path], capture_output=True,
                          text=True, timeout=120)


class ArchiveFetchTest(harness.TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = harness.tempfile.mkdtemp(prefix="pix-fetch-archive-")
        cls.root = os.path.join(cls.work, "root")
        os.makedirs(cls.root)
        zip_path = pack_dataset(cls.work, "pets", seed=10)
        for suffix in ("", ".sha256"):
            shutil.copy(zip_path + suffix, os.path.join(cls.root, "pets.zip" + suffix))
        cls.digest = sha_file(zip_path)
        cls.size = os.path.getsize(zip_path)
        cls.origin = sh.ServeProcess(cls.root, cls.work).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.origin.__exit__()
        shutil.rmtree(cls.work, ignore_errors=True)

    def record(self, port, name="pets.zip", checksum_port=None, expires=None):
        link = sh.link(name, expires=expires)
        return {"url": f"http://127.0.0.1:{port}{link}",
                "sha256_url": f"http://127.0.0.1:{checksum_port or port}{sh.link(name + '.sha256')}"}

    def cut_and_resume(self, port, name="pets.zip", between=None):
        """Cuts the first transfer through a proxy to `port`, calls `between`,
        resumes; returns (the resumed run, the proxy's request heads)."""
        size = os.path.getsize(os.path.join(self.root, name))
        cut = random.randint(64 * 1024, size - 64 * 1024)
        proxy = CuttingProxy(port, cut)
        out = os.path.join(self.tmp, "out")
        # The checksum file comes straight from `port`: only the archive is cut.
        record = self.record(proxy.port, name, checksum_port=port)
        try:
            first = fetch([record], out, "--resume")
            self.assertEqual(first.returncode, 1, first.stderr)
            self.assertIn("kept for --resume", first.records[0]["error"]["message"])
            parts = [n for n in os.listdir(out) if n.endswith(".part")]
            self.assertEqual(len(parts), 1, os.listdir(out))
            kept = os.path.getsize(os.path.join(out, parts[0]))
            self.assertTrue(0 < kept < size, (kept, size, cut))
            with open(os.path.join(out, parts[0] + ".etag")) as f:
                validator = f.read().strip()
            self.assertTrue(validator.startswith('"'), validator)  # pix-serve's strong ETag
            if between:
                between()
            # A fresh link (another expiry, another signature) to the same
            # file continues the same part file.
            fresh = self.record(proxy.port, name, checksum_port=port,
                                expires=int(time.time()) + 7200)
            self.assertNotEqual(fresh["url"], record["url"])
            second = fetch([fresh], out, "--resume")
            heads = [h.lower() for h in proxy.heads]
            self.assertTrue(any(f"range: bytes={kept}-" in h and f"if-range: {validator}" in h
                                for h in heads), heads)
            self.assertEqual(os.listdir(out).count(parts[0]), 0, os.listdir(out))
            self.assertFalse([n for n in os.listdir(out) if n.endswith(".etag")])
            return second, heads
        finally:
            proxy.close()

    def check_archive(self, run, digest):
        self.assertEqual(run.returncode, 0, run.stderr)
        record = run.records[0]
        self.assertNotIn("error", record, json.dumps(record))
        self.assertEqual(record["mime"], "application/zip")
        self.assertTrue(record["sha256_verified"])
        self.assertEqual(record["sha256"], digest)
        self.assertTrue(record["path"].endswith("-pets.zip"), record["path"])
        self.assertEqual(sha_file(record["path"]), digest)
        checked = verify(record["path"])
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertIn("8 files intact", checked.stderr)

    def test_resume_from_pix_serve_then_verify(self):
        resumed, _ = self.cut_and_resume(self.origin.port)
        self.check_archive(resumed, self.digest)

    def test_a_fresh_link_finds_the_file_already_fetched(self):
        out = os.path.join(self.tmp, "out")
        first = fetch([self.record(self.origin.port)], out)
        self.check_archive(first, self.digest)
        again = fetch([self.record(self.origin.port, expires=int(time.time()) + 9000)], out)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("1 already present", again.stderr)
        self.assertEqual(again.records[0]["path"], first.records[0]["path"])

    @unittest.skipUnless(cdn.NGINX, "nginx is not installed (scripts/install-deps test)")
    def test_resume_through_the_nginx_edge(self):
        nginx_dir = os.path.join(self.tmp, "nginx")
        os.makedirs(nginx_dir)
        with cdn.Nginx(nginx_dir, self.origin.port) as nginx:
            resumed, _ = self.cut_and_resume(nginx.port)
        self.check_archive(resumed, self.digest)

    def test_changed_on_the_server_starts_over(self):
        shutil.copy(os.path.join(self.root, "pets.zip"), os.path.join(self.root, "moving.zip"))
        shutil.copy(os.path.join(self.root, "pets.zip.sha256"),
                    os.path.join(self.root, "moving.zip.sha256"))
        other = pack_dataset(os.path.join(self.tmp), "other", seed=50)

        def replace():
            # A new archive under the same name: a new ETag (its .sha256).
            shutil.copy(other, os.path.join(self.root, "moving.zip"))
            shutil.copy(other + ".sha256", os.path.join(self.root, "moving.zip.sha256"))

        resumed, heads = self.cut_and_resume(self.origin.port, "moving.zip", between=replace)
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        record = resumed.records[0]
        self.assertNotIn("error", record, json.dumps(record))
        self.assertEqual(record["sha256"], sha_file(other))  # the new file whole, not spliced
        self.assertTrue(record["sha256_verified"])
        self.assertEqual(verify(record["path"]).returncode, 0)

    def test_a_wrong_checksum_fails_the_record_and_keeps_no_file(self):
        shutil.copy(os.path.join(self.root, "pets.zip"), os.path.join(self.root, "wrong.zip"))
        with open(os.path.join(self.root, "wrong.zip.sha256"), "w") as f:
            f.write("0" * 64 + "  wrong.zip\n")
        out = os.path.join(self.tmp, "out")
        for record in (self.record(self.origin.port, "wrong.zip"),
                       {"url": self.origin.url(sh.link("pets.zip")), "expected_sha256": "ab" * 32}):
            run = fetch([record], out, "--resume")
            self.assertEqual(run.returncode, 1, run.stderr)
            error = run.records[0]["error"]
            self.assertEqual(error["code"], "checksum_mismatch", error)
            self.assertIn(self.digest, error["message"])
            self.assertEqual([n for n in os.listdir(out) if not n.startswith(".pix-fetch")], [])

    def test_checksum_modes_beside_and_require(self):
        # A signed link's "URL.sha256" is refused by pix-serve (it is not
        # signed): beside goes on unchecked, require fails the record.
        out = os.path.join(self.tmp, "out")
        plain = {"url": self.origin.url(sh.link("pets.zip"))}
        run = fetch([plain], out, "--checksum", "beside")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertNotIn("sha256_verified", run.records[0])
        self.assertEqual(run.records[0]["sha256"], self.digest)
        run = fetch([plain], os.path.join(self.tmp, "out2"), "--checksum", "require")
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertEqual(run.records[0]["error"]["code"], "checksum_missing")
        # off ignores even a wrong expected_sha256.
        wrong = dict(plain, expected_sha256="cd" * 32)
        run = fetch([wrong], os.path.join(self.tmp, "out3"), "--checksum", "off")
        self.assertEqual(run.returncode, 0, run.stderr)


class AnyPathHandler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


class HostileNameTest(harness.TempDirTestCase):
    def test_names_from_urls_stay_inside_the_directory(self):
        AnyPathHandler.body = b"PK\x05\x06" + b"\0" * 18  # an empty zip
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AnyPathHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        paths = ["/d/..%2F..%2Fescape.zip", "/d/..%2f..%2f.hidden", "/a/%2e%2e%5c%2e%2e%5cwin.zip",
                 "/x/%00nul.zip", "/" + "a" * 3000 + ".zip", "/%E2%80%AEevil.zip", "/"]
        out = os.path.join(self.tmp, "deep", "out")
        try:
            run = fetch([{"url": base + p} for p in paths], out)
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.records), len(paths))
        names = sorted(os.listdir(out))
        files = [n for n in names if not n.startswith(".pix-fetch")]
        self.assertEqual(len(files), len(paths), names)
        for record in run.records:
            path = record["path"]
            self.assertEqual(os.path.dirname(path), out, path)
            self.assertLessEqual(len(os.path.basename(path).encode()), 255)
            self.assertEqual(record["mime"], "application/zip")
        self.assertEqual(os.listdir(os.path.join(self.tmp, "deep")), ["out"])
        by_url = {r["url"]: os.path.basename(r["path"]) for r in run.records}
        self.assertRegex(by_url[base + paths[0]], r"^[0-9a-f]{16}-_\.\._escape\.zip$")
        self.assertRegex(by_url[base + paths[1]], r"^[0-9a-f]{16}-_\.\._\.hidden$")
        self.assertRegex(by_url[base + paths[4]], r"^[0-9a-f]{16}-a{200}\.zip$")
        self.assertRegex(by_url[base + "/"], r"^[0-9a-f]{16}\.zip$")


if __name__ == "__main__":
    unittest.main()
