#!/usr/bin/env python3
"""pix-fetch --resume against pix-serve, directly and through the nginx edge:
a proxy cuts the first transfer at a random byte, a second run with --resume
continues it with a Range request, and the file is byte-identical (checked
against the .sha256 file beside it on the server).

This one runs pix-fetch in its default image mode, so the served file is a
large JPEG-headed file; test_serve_fetch_archive.py downloads a real pix-pack
archive with --accept any, checks it against its .sha256 and verifies it."""
import hashlib
import json
import os
import random
import shutil
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import serve_helpers as sh  # noqa: E402
import test_serve_cdn as cdn  # noqa: E402

SIZE = 3 * 1024 * 1024 + 4321


class CuttingProxy:
    """A TCP proxy to 127.0.0.1:`upstream` that closes the first connection
    after `cut` bytes of the response, and records every request head."""

    def __init__(self, upstream, cut):
        self.upstream, self.cut = upstream, cut
        self.heads = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            limit = self.cut if self.connections == 0 else None
            self.connections += 1
            threading.Thread(target=self.relay, args=(client, limit), daemon=True).start()

    def relay(self, client, limit):
        server = socket.create_connection(("127.0.0.1", self.upstream))

        def upstream():
            head = b""
            try:
                while True:
                    data = client.recv(65536)
                    if not data:
                        break
                    if b"\r\n\r\n" not in head:
                        head += data
                        if b"\r\n\r\n" in head:
                            self.heads.append(head.split(b"\r\n\r\n")[0].decode("latin-1"))
                    server.sendall(data)
            except OSError:
                pass

        threading.Thread(target=upstream, daemon=True).start()
        sent = 0
        try:
            while limit is None or sent < limit:
                data = server.recv(65536 if limit is None else min(65536, limit - sent))
                if not data:
                    break
                client.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (client, server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.listener.close()


class FetchResumeTest(harness.TempDirTestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = harness.tempfile.mkdtemp(prefix="pix-serve-fetch-")
        cls.root = os.path.join(cls.work, "root")
        os.makedirs(cls.root)
        path = os.path.join(cls.root, "big.jpg")
        sh.write_random_file(path, SIZE, seed=7)
        with open(path, "r+b") as f:
            f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")  # a JPEG head: pix-fetch keeps images only
        with open(path, "rb") as f:
            cls.digest = hashlib.sha256(f.read()).hexdigest()
        with open(path + ".sha256", "w") as f:
            f.write(f"{cls.digest}  big.jpg\n")
        cls.origin = sh.ServeProcess(cls.root, cls.work).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.origin.__exit__()
        shutil.rmtree(cls.work, ignore_errors=True)

    def fetch(self, url, out):
        return harness.run("pix-fetch", ["-d", out, "--flat", "--resume", "--allow-private",
                                         "--retries", "0", "--timeout", "60"],
                           records=[{"url": url}], timeout=180)

    def cut_and_resume(self, port, expected_server_digest):
        cut = random.randint(100 * 1024, SIZE - 100 * 1024)
        proxy = CuttingProxy(port, cut)
        out = os.path.join(self.tmp, "out")
        url = f"http://127.0.0.1:{proxy.port}{sh.link('big.jpg')}"
        try:
            first = self.fetch(url, out)
            record = first.records[0]
            self.assertIn("error", record, first.stderr)
            parts = [n for n in os.listdir(out) if n.endswith(".part")]
            self.assertEqual(len(parts), 1, (os.listdir(out), record))
            kept = os.path.getsize(os.path.join(out, parts[0]))
            self.assertGreater(kept, 0)
            self.assertLess(kept, SIZE)

            second = self.fetch(url, out)
            self.assertEqual(second.returncode, 0, second.stderr)
            record = second.records[0]
            self.assertNotIn("error", record, json.dumps(record))
            self.assertEqual(record["sha256"], expected_server_digest)
            with open(record["path"], "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), self.digest)
            self.assertTrue(any(f"range: bytes={kept}-" in h.lower() for h in proxy.heads),
                            proxy.heads)
        finally:
            proxy.close()

    def test_resume_from_pix_serve(self):
        self.cut_and_resume(self.origin.port, self.digest)

    @unittest.skipUnless(cdn.NGINX, "nginx is not installed (scripts/install-deps test)")
    def test_resume_through_the_nginx_edge(self):
        nginx_dir = os.path.join(self.tmp, "nginx")
        os.makedirs(nginx_dir)
        with cdn.Nginx(nginx_dir, self.origin.port) as nginx:
            self.cut_and_resume(nginx.port, self.digest)


if __name__ == "__main__":
    unittest.main()
