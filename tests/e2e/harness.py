"""Shared helpers for the end-to-end tests: find the binaries, start and stop
the loopback fixture server, run a tool over a pipe and parse its output.

Standard library only. The tests run under ctest, which sets PIX_BIN_DIR and
PIX_SOURCE_DIR; run by hand, they fall back to ./build/bin.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

SOURCE_DIR = os.environ.get("PIX_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN_DIR = os.environ.get("PIX_BIN_DIR") or os.path.join(SOURCE_DIR, "build", "bin")


def tool(name):
    path = os.path.join(BIN_DIR, name)
    if not os.path.exists(path):
        raise unittest.SkipTest(f"{path} not built")
    return path


class FixtureServer:
    """The fixture server on an ephemeral loopback port, as a context manager."""

    def __init__(self, root=None):
        self.root = root
        self.proc = None
        self.port = None
        self.hosts = []

    def __enter__(self):
        cmd = [sys.executable, os.path.join(SOURCE_DIR, "tests", "fixture_server.py"),
               "--exit-on-stdin-eof"]
        if self.root:
            cmd += ["--root", self.root]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("fixture server did not start")
        info = json.loads(line)
        self.port, self.hosts = info["port"], info["hosts"]
        return self

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def stats(self):
        with urllib.request.urlopen(self.url("/_stats"), timeout=10) as r:
            return json.loads(r.read())

    def reset(self):
        urllib.request.urlopen(self.url("/_reset"), timeout=10).read()


class Run:
    """The outcome of one tool run."""

    def __init__(self, proc, elapsed):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.elapsed = elapsed

    @property
    def records(self):
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def by(self, key):
        """Records indexed by one field (e.g. url)."""
        return {r.get(key): r for r in self.records}


def run(name, args=(), records=None, text=None, timeout=120, env=None):
    """Runs tool `name` with `records` (dicts) or `text` on stdin."""
    if records is not None:
        text = "".join(json.dumps(r) + "\n" for r in records)
    full_env = dict(os.environ)
    full_env.pop("http_proxy", None)
    full_env.pop("https_proxy", None)
    full_env.update(env or {})
    start = time.monotonic()
    proc = subprocess.run([tool(name), *args], input=text or "", capture_output=True,
                          text=True, timeout=timeout, env=full_env)
    return Run(proc, time.monotonic() - start)


def make_images(directory, specs):
    """Writes synthetic images with pix-synth. specs: list of 'name:format:WxH:seed'."""
    os.makedirs(directory, exist_ok=True)
    subprocess.run([tool("pix-synth"), "-d", directory, *specs], check=True)


class TempDirTestCase(unittest.TestCase):
    """A test case with self.tmp, removed afterwards."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pix-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class FixtureServerTestCase(TempDirTestCase):
    """A test case with one fixture server (self.server) for the whole
    class, its stats and per-key state reset before each test."""

    @classmethod
    def setUpClass(cls):
        cls.server = FixtureServer().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)

    def setUp(self):
        super().setUp()
        self.server.reset()
