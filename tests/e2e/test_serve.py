#!/usr/bin/env python3
"""End-to-end tests of pix-serve on its own: signed links (made by the tool
and, independently, in Python), downloads, ranges, validators, refusals that
say nothing, every path escape, the access log, limits (slowloris, a
throttled client, the connection cap) and a clean stop with a grace period."""
import hashlib
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import serve_helpers as sh  # noqa: E402

SIZE = 3 * 1024 * 1024 + 17


get = sh.get


class ServeTest(harness.TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = harness.tempfile.mkdtemp(prefix="pix-serve-root-")
        cls.outside = harness.tempfile.mkdtemp(prefix="pix-serve-outside-")
        cls.digest = sh.write_random_file(os.path.join(cls.root, "cats.tar"), SIZE)
        with open(os.path.join(cls.root, "cats.tar"), "rb") as f:
            cls.content = f.read()
        os.makedirs(os.path.join(cls.root, "sets", "v1"))
        with open(os.path.join(cls.root, "sets", "v1", "dogs.tar"), "wb") as f:
            f.write(b"dogs" * 1000)
        with open(os.path.join(cls.root, ".secret"), "w") as f:
            f.write(sh.SECRET)
        with open(os.path.join(cls.outside, "passwd"), "w") as f:
            f.write("root:x:0:0\n")
        os.symlink(os.path.join(cls.outside, "passwd"), os.path.join(cls.root, "escape"))
        os.symlink(cls.outside, os.path.join(cls.root, "escape-dir"))
        os.symlink("cats.tar", os.path.join(cls.root, "alias.tar"))
        cls.logdir = harness.tempfile.mkdtemp(prefix="pix-serve-log-")
        cls.server = sh.ServeProcess(cls.root, cls.logdir, "--timeout", "3").__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        for d in (cls.root, cls.outside, cls.logdir):
            harness.shutil.rmtree(d, ignore_errors=True)

    def url(self, target):
        return self.server.url(target)

    def tool(self, *args, secret=sh.SECRET):
        return subprocess.run([harness.tool("pix-serve"), *args], capture_output=True, text=True,
                              timeout=60, env=sh.env(secret))

    # --- signing and checking links -------------------------------------

    def test_sign_prints_a_link_that_downloads_and_verifies(self):
        run = self.tool("sign", "cats.tar", "--expires", "2h",
                        "--base-url", f"http://127.0.0.1:{self.server.port}/")
        self.assertEqual(run.returncode, 0, run.stderr)
        link = run.stdout.strip()
        self.assertRegex(link, rf"^http://127\.0\.0\.1:{self.server.port}/d/cats\.tar"
                               r"\?expires=\d+&sig=[0-9a-f]{64}$")
        expires = int(re.search(r"expires=(\d+)", link).group(1))
        self.assertAlmostEqual(expires, time.time() + 7200, delta=120)
        # Python's HMAC agrees with the tool's.
        self.assertIn(sh.sign("cats.tar", expires), link)
        status, _, body = get(link)
        self.assertEqual(status, 200)
        self.assertEqual(hashlib.sha256(body).hexdigest(), self.digest)
        verify = self.tool("verify", link)
        self.assertEqual(verify.returncode, 0, verify.stderr)
        self.assertIn("valid: cats.tar until", verify.stdout)

    def test_verify_says_expired_or_invalid(self):
        expired = self.url(sh.link("cats.tar", expires=int(time.time()) - 5))
        run = self.tool("verify", expired)
        self.assertEqual(run.returncode, 1)
        self.assertIn("expired", run.stdout)
        forged = self.url(sh.link("cats.tar")).replace("cats.tar", "dogs.tar", 1)
        run = self.tool("verify", forged)
        self.assertEqual(run.returncode, 1)
        self.assertIn("invalid", run.stdout)
        run = self.tool("verify", self.url(sh.link("cats.tar")), secret="another-secret-0123456789")
        self.assertEqual(run.returncode, 1)

    def test_the_secret_comes_from_a_file_or_the_environment_only(self):
        self.assertEqual(self.tool("sign", "a", "--secret", sh.SECRET).returncode, 2)
        run = self.tool("sign", "a", secret="")
        self.assertEqual(run.returncode, 2)
        self.assertIn("PIX_SERVE_SECRET", run.stderr)
        self.assertEqual(self.tool("sign", "a", secret="short").returncode, 2)
        path = os.path.join(self.tmp, "secret")
        with open(path, "w") as f:
            f.write(sh.SECRET + "\n")
        os.chmod(path, 0o644)
        run = self.tool("sign", "cats.tar", "--secret-file", path, secret="")
        self.assertEqual(run.returncode, 2)
        self.assertIn("chmod 600", run.stderr)
        os.chmod(path, 0o600)
        run = self.tool("sign", "cats.tar", "--secret-file", path, secret="")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn(sh.sign("cats.tar", int(re.search(r"expires=(\d+)", run.stdout).group(1))),
                      run.stdout)
        # Paths that could never be served are not signed.
        for bad in ("../etc/passwd", "a//b", ".secret"):
            self.assertEqual(self.tool("sign", bad).returncode, 2, bad)

    # --- downloads, ranges, validators ----------------------------------

    def test_whole_file_head_and_validators(self):
        target = sh.link("cats.tar")
        status, headers, body = get(self.url(target))
        self.assertEqual(status, 200)
        self.assertEqual(body, self.content)
        self.assertEqual(headers["content-length"], str(SIZE))
        self.assertEqual(headers["etag"], f'"{self.digest}"')
        self.assertEqual(headers["accept-ranges"], "bytes")
        self.assertIn("last-modified", headers)
        status, head_headers, body = get(self.url(target), method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(head_headers["content-length"], str(SIZE))
        self.assertEqual(head_headers["etag"], headers["etag"])
        status, _, body = get(self.url(target), {"If-None-Match": headers["etag"]})
        self.assertEqual((status, body), (304, b""))
        status, _, _ = get(self.url(target), {"If-Modified-Since": headers["last-modified"]})
        self.assertEqual(status, 304)
        # A symlink inside the root is served.
        status, _, body = get(self.url(sh.link("alias.tar")))
        self.assertEqual((status, len(body)), (200, SIZE))

    def test_ranges(self):
        target = self.url(sh.link("cats.tar"))
        status, headers, body = get(target, {"Range": "bytes=1000-1999"})
        self.assertEqual(status, 206)
        self.assertEqual(body, self.content[1000:2000])
        self.assertEqual(headers["content-range"], f"bytes 1000-1999/{SIZE}")
        self.assertEqual(headers["content-length"], "1000")
        status, headers, body = get(target, {"Range": f"bytes={SIZE - 10}-"})
        self.assertEqual((status, body), (206, self.content[-10:]))
        status, headers, body = get(target, {"Range": "bytes=-7"})
        self.assertEqual((status, body), (206, self.content[-7:]))
        status, headers, _ = get(target, {"Range": f"bytes={SIZE}-"})
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], f"bytes */{SIZE}")
        # Several ranges: the whole file (never a multipart body).
        status, headers, body = get(target, {"Range": "bytes=0-9,100-109"})
        self.assertEqual((status, len(body)), (200, SIZE))
        # If-Range: the range only applies to the same version of the file.
        etag = f'"{self.digest}"'
        status, _, body = get(target, {"Range": "bytes=5-9", "If-Range": etag})
        self.assertEqual((status, body), (206, self.content[5:10]))
        status, _, body = get(target, {"Range": "bytes=5-9", "If-Range": '"old-version"'})
        self.assertEqual((status, len(body)), (200, SIZE))

    # --- refusals ---------------------------------------------------------

    def test_bad_links_get_one_uninformative_403(self):
        now = int(time.time())
        good = sh.link("cats.tar")
        cases = {
            "no signature": "/d/cats.tar",
            "no expiry": good.split("?")[0] + "?sig=" + sh.sign("cats.tar", now + 60),
            "expired": sh.link("cats.tar", expires=now - 60),  # time() may lag a tick
            "forged": sh.forged(good),
            "other secret": sh.link("cats.tar", secret="another-secret-0123456789"),
            "moved expiry": good.replace("expires=", "expires=1"),
            "other file's signature": "/d/cats.tar?" + sh.link("sets/v1/dogs.tar").split("?")[1],
        }
        bodies = set()
        for name, target in cases.items():
            with self.subTest(name):
                status, headers, body = get(self.url(target))
                self.assertEqual(status, 403)
                bodies.add(body)
        self.assertEqual(bodies, {b"Forbidden\n"})

    def test_no_listing_and_no_escape(self):
        now = int(time.time()) + 600
        # Each target is signed correctly for the path it names, so only the
        # server's own path checks stand between it and the file.
        cases = {
            "directory": sh.link("sets"),
            "subdirectory": sh.link("sets/v1"),
            "root itself": "/d/",
            "dot-dot": sh.link("../etc/passwd", raw_path="../etc/passwd"),
            "encoded dot-dot": sh.link("../etc/passwd", raw_path="%2e%2e/etc/passwd"),
            "encoded slash": sh.link("sets/v1/dogs.tar", raw_path="sets%2Fv1%2Fdogs.tar"),
            "encoded NUL": sh.link("cats.tar", raw_path="cats.tar%00.txt"),
            "backslash": sh.link("..\\cats.tar", raw_path="..%5Ccats.tar"),
            "symlink out of the root": sh.link("escape"),
            "through a symlinked directory": sh.link("escape-dir/passwd"),
            "dot file": sh.link(".secret"),
            "missing": sh.link("nope.tar"),
            "absolute": f"/d//etc/passwd?expires={now}&sig={sh.sign('/etc/passwd', now)}",
        }
        for name, target in cases.items():
            with self.subTest(name):
                status, _, body = sh.raw_request(self.server.port, target)
                self.assertEqual(status, 404, body)
                self.assertNotIn(b"root:x", body)
        # A raw NUL byte in the request line never reaches a file.
        status, _, body = sh.raw_request(self.server.port, b"/d/cats.tar\x00x?expires=1&sig=0")
        self.assertNotIn(status, (200, 206))
        for target in ("/", "/d", "/etc/passwd", "/cats.tar"):
            self.assertEqual(sh.raw_request(self.server.port, target)[0], 404, target)
        self.assertEqual(sh.raw_request(self.server.port, sh.link("cats.tar"), "POST")[0], 405)

    def test_auth_endpoint(self):
        good = sh.link("cats.tar")
        status, _, body = sh.raw_request(self.server.port, "/auth", headers=[("X-Original-URI", good)])
        self.assertEqual((status, body), (204, b""))
        for uri in (sh.link("cats.tar", expires=int(time.time()) - 1), sh.forged(good), "/d/cats.tar"):
            status, _, _ = sh.raw_request(self.server.port, "/auth", headers=[("X-Original-URI", uri)])
            self.assertEqual(status, 403, uri)
        self.assertEqual(sh.raw_request(self.server.port, "/auth")[0], 403)

    def test_access_log_is_common_log_format_without_signatures(self):
        target = sh.link("sets/v1/dogs.tar")
        sig = target.split("sig=")[1]
        get(self.url(target))
        deadline = time.monotonic() + 10
        log = ""
        while time.monotonic() < deadline and "dogs.tar" not in log:
            time.sleep(0.1)
            log = self.server.access_log()
        self.assertRegex(log, r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] '
                              r'"GET /d/sets/v1/dogs\.tar\?expires=\d+&sig=- HTTP/1\.1" 200 4000')
        self.assertNotIn(sig, log)
        self.assertNotIn(sh.SECRET, log + self.server.stderr())

    # --- limits -----------------------------------------------------------

    def timed_download(self, target=None):
        start = time.monotonic()
        status, _, body = get(self.url(target or sh.link("sets/v1/dogs.tar")))
        self.assertEqual(status, 200)
        return time.monotonic() - start

    def test_slowloris_clients_do_not_block_others_and_are_dropped(self):
        stop = threading.Event()
        socks = []
        for _ in range(40):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            s.sendall(b"GET /d/cats.tar HTTP/1.1\r\n")
            socks.append(s)

        def trickle():
            i = 0
            while not stop.is_set():
                for s in socks:
                    try:
                        s.sendall(b"X-a%d: b\r\n" % i)
                    except OSError:
                        pass
                i += 1
                stop.wait(0.5)

        t = threading.Thread(target=trickle)
        t.start()
        try:
            for _ in range(5):
                self.assertLess(self.timed_download(), 5)
        finally:
            stop.set()
            t.join()
        # A connection that goes silent is closed after --timeout (3 s).
        silent = socks[0]
        silent.settimeout(15)
        start = time.monotonic()
        try:
            data = silent.recv(100)
        except (ConnectionResetError, socket.timeout):
            data = None
        self.assertIn(data, (b"", None))
        self.assertLess(time.monotonic() - start, 12)
        for s in socks:
            s.close()

    def test_a_throttled_download_does_not_stop_others(self):
        # A client that reads slowly from a small receive window.
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", self.server.port))
        slow.sendall(f"GET {sh.link('cats.tar')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        slow.settimeout(10)
        got = len(slow.recv(1024))
        try:
            for _ in range(5):
                self.assertLess(self.timed_download(sh.link("cats.tar")), 10)
                got += len(slow.recv(1024))
        finally:
            slow.close()
        self.assertLess(got, SIZE)


class ServeLimitsTest(harness.TempDirTestCase):
    """Server settings that need their own process."""

    def setUp(self):
        super().setUp()
        self.root = os.path.join(self.tmp, "root")
        os.makedirs(self.root)
        sh.write_random_file(os.path.join(self.root, "big.tar"), 64 * 1024 * 1024)

    def test_connection_cap(self):
        with sh.ServeProcess(self.root, self.tmp, "-c", "1", "--max-connections", "4") as server:
            held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]
            time.sleep(0.3)
            # Over the cap a connection waits in the listen queue, unserved...
            extra = socket.create_connection(("127.0.0.1", server.port))
            extra.sendall(f"HEAD {sh.link('big.tar')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            extra.settimeout(2)
            with self.assertRaises(socket.timeout):
                extra.recv(100)
            # ...until a slot frees up.
            for s in held:
                s.close()
            extra.settimeout(15)
            self.assertTrue(extra.recv(100).startswith(b"HTTP/1.1 200"))
            extra.close()

    def start_slow_download(self, port):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET {sh.link('big.tar')} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        s.settimeout(10)
        first = s.recv(1024)
        self.assertTrue(first.startswith(b"HTTP/1.1 200"))
        return s, len(first) - first.index(b"\r\n\r\n") - 4

    def test_stop_lets_transfers_finish_within_the_grace_period(self):
        server = sh.ServeProcess(self.root, self.tmp, "--grace", "30").__enter__()
        try:
            s, total = self.start_slow_download(server.port)
            server.proc.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            # No new connections once stopping...
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", server.port), timeout=5).recv(1)
            # ...but the transfer in flight runs to its end.
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
            s.close()
            self.assertEqual(total, 64 * 1024 * 1024)
            self.assertEqual(server.proc.wait(timeout=30), 0)
            self.assertIn("stopped", server.stderr())
        finally:
            server.stop()

    def test_stop_cuts_stalled_transfers_after_the_grace_period(self):
        server = sh.ServeProcess(self.root, self.tmp, "--grace", "1").__enter__()
        try:
            s, _ = self.start_slow_download(server.port)  # never read again
            start = time.monotonic()
            server.proc.send_signal(signal.SIGINT)
            self.assertEqual(server.proc.wait(timeout=30), 0)
            self.assertLess(time.monotonic() - start, 10)
            self.assertIn("cut 1 transfer", server.stderr())
            s.close()
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
