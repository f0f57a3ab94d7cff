#!/usr/bin/env python3
"""End-to-end test of the CDN setup: real nginx, configured with
examples/cdn/nginx.conf, in front of pix-serve, both on loopback ports.
Downloads twice (the second from nginx's cache), resumes a cut download with
`curl -C -`, and checks that expired and forged links are refused even when
the bytes are cached. Skipped when nginx or curl is not installed
(scripts/install-deps test installs them)."""
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import serve_helpers as sh  # noqa: E402

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
CURL = shutil.which("curl")
SIZE = 5 * 1024 * 1024 + 12345  # six 1 MiB slices, the last one short


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground, one process, everything under `workdir`, with
    the example configuration pointed at the origin and at the work dir."""

    def __init__(self, workdir, origin_port):
        self.dir = workdir
        self.port = free_port()
        with open(os.path.join(harness.SOURCE_DIR, "examples", "cdn", "nginx.conf")) as f:
            conf = f.read()
        conf, n1 = re.subn(r"/var/cache/nginx/pix", os.path.join(workdir, "cache"), conf)
        conf, n2 = re.subn(r"server 127\.0\.0\.1:8080;", f"server 127.0.0.1:{origin_port};", conf)
        conf, n3 = re.subn(r"listen 8000;", f"listen 127.0.0.1:{self.port};", conf)
        assert (n1, n2, n3) == (1, 1, 1), "examples/cdn/nginx.conf changed its marked values"
        with open(os.path.join(workdir, "pix-cdn.conf"), "w") as f:
            f.write(conf)
        temp = "\n".join(f"  {kind}_temp_path {workdir}/{kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(os.path.join(workdir, "nginx.conf"), "w") as f:
            f.write(f"""daemon off;
master_process off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log info;
events {{ worker_connections 256; }}
http {{
  access_log {workdir}/nginx-access.log;
{temp}
  include {workdir}/pix-cdn.conf;
}}
""")
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-e", f"{self.dir}/error.log",
                                      "-c", f"{self.dir}/nginx.conf"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.__exit__()
        with open(f"{self.dir}/error.log") as f:
            raise RuntimeError("nginx did not start: " + f.read())

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()

    def url(self, target):
        return f"http://127.0.0.1:{self.port}{target}"


get = sh.get


@unittest.skipUnless(NGINX, "nginx is not installed (scripts/install-deps test)")
@unittest.skipUnless(CURL, "curl is not installed (scripts/install-deps test)")
class CdnTest(harness.TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = harness.tempfile.mkdtemp(prefix="pix-cdn-")
        cls.root = os.path.join(cls.work, "root")
        os.makedirs(cls.root)
        cls.digest = sh.write_random_file(os.path.join(cls.root, "cats.tar"), SIZE)
        sh.write_random_file(os.path.join(cls.root, "dogs.tar"), SIZE, seed=2)
        with open(os.path.join(cls.root, "cats.tar"), "rb") as f:
            cls.content = f.read()
        cls.origin = sh.ServeProcess(cls.root, cls.work).__enter__()
        cls.nginx = Nginx(cls.work, cls.origin.port).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.nginx.__exit__()
        cls.origin.__exit__()
        if os.environ.get("PIX_KEEP"):
            print("kept", cls.work)
            return
        shutil.rmtree(cls.work, ignore_errors=True)

    def origin_file_requests(self, name):
        """Requests for /d/<name> the origin has logged so far."""
        time.sleep(0.3)
        return len(re.findall(rf'"GET /d/{re.escape(name)}\?', self.origin.access_log()))

    def test_second_download_comes_from_the_cache(self):
        first = sh.link("cats.tar")
        status, headers, body = get(self.nginx.url(first))
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), self.digest)
        self.assertIn(headers["x-cache-status"], ("MISS", "HIT"))  # HIT if another test ran first
        self.assertEqual(headers["etag"], f'"{self.digest}"')
        fetched = self.origin_file_requests("cats.tar")
        self.assertGreaterEqual(fetched, 1)
        # Another valid link to the same file (a different expiry, so a
        # different signature) is served from the same cached copy.
        second = sh.link("cats.tar", expires=int(time.time()) + 7200)
        self.assertNotEqual(first, second)
        status, headers, body = get(self.nginx.url(second))
        self.assertEqual(status, 200)
        self.assertEqual(headers["x-cache-status"], "HIT")
        self.assertEqual(body, self.content)
        self.assertEqual(self.origin_file_requests("cats.tar"), fetched)
        # A range from the cache.
        status, headers, body = get(self.nginx.url(second), {"Range": "bytes=1048570-1048589"})
        self.assertEqual(status, 206)
        self.assertEqual(body, self.content[1048570:1048590])
        self.assertEqual(headers["content-range"], f"bytes 1048570-1048589/{SIZE}")

    def test_bad_links_are_refused_even_when_cached(self):
        self.assertEqual(get(self.nginx.url(sh.link("cats.tar")))[0], 200)  # now cached
        now = int(time.time())
        good = sh.link("cats.tar")
        for name, target in {
            # Well in the past: the server's time() is the coarse clock, which
            # may still show the previous second just after Python's did tick.
            "expired": sh.link("cats.tar", expires=now - 60),
            "forged": sh.forged(good),
            "no signature": "/d/cats.tar",
            "other secret": sh.link("cats.tar", secret="another-secret-0123456789"),
            "escape": sh.link("../root/cats.tar", raw_path="..%2Froot%2Fcats.tar"),
        }.items():
            with self.subTest(name):
                status, _, body = get(self.nginx.url(target))
                # nginx itself answers 404 for a path that normalises out of /d/.
                self.assertEqual(status, 404 if name == "escape" else 403)
                self.assertNotIn(self.content[:64], body)

    def test_resume_a_cut_download_with_curl(self):
        url = self.nginx.url(sh.link("dogs.tar"))
        with open(os.path.join(self.root, "dogs.tar.sha256")) as f:
            digest = f.read().split()[0]
        out = os.path.join(self.tmp, "dogs.tar")
        # A cut transfer leaves the first bytes of the file; make that state
        # exactly (a rate-limited curl killed at a moment is not reliable on a
        # loaded machine: its average rate lets it finish before the kill).
        cut = 700 * 1024 + 123
        subprocess.run([CURL, "-fsS", "-r", f"0-{cut - 1}", "-o", out, url], check=True,
                       timeout=60)
        self.assertEqual(os.path.getsize(out), cut)
        run = subprocess.run([CURL, "-fsS", "-C", "-", "-o", out, "-D", "-", url],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("206", run.stdout.splitlines()[0])
        self.assertIn(f"Content-Range: bytes {cut}-{SIZE - 1}/{SIZE}", run.stdout)
        with open(out, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), digest)
        # An expired link cannot resume.
        expired = self.nginx.url(sh.link("dogs.tar", expires=int(time.time()) - 1))
        run = subprocess.run([CURL, "-fsS", "-C", "-", "-o", out + ".2", "-r", "10-", expired],
                             capture_output=True, text=True, timeout=60)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("403", run.stderr)


if __name__ == "__main__":
    unittest.main()
