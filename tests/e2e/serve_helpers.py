"""Shared helpers for the pix-serve end-to-end tests: start pix-serve (and
nginx) on ephemeral loopback ports, sign links in Python (an independent
implementation of the HMAC scheme, so a test can sign paths pix-serve's own
signer refuses to), and fetch with raw sockets.

Standard library only.
"""
import hashlib
import hmac
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import harness

SECRET = "e2e-secret-0123456789abcdef-0123456789"


def sign(path, expires, secret=SECRET):
    """The signature pix-serve expects for a GET of decoded `path`."""
    message = f"GET\n/d/{path}\n{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def link(path, expires=None, raw_path=None, secret=SECRET):
    """A signed request-target; raw_path is sent as is (default: path quoted)."""
    expires = expires if expires is not None else int(time.time()) + 3600
    raw = raw_path if raw_path is not None else urllib.parse.quote(path)
    return f"/d/{raw}?expires={expires}&sig={sign(path, expires, secret)}"


def forged(target):
    """`target` with the last hex digit of its signature changed: always wrong."""
    return target[:-1] + ("1" if target[-1] == "0" else "0")


def env(secret=SECRET):
    e = dict(os.environ)
    e["PIX_SERVE_SECRET"] = secret
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        e.pop(proxy, None)
    return e


class ServeProcess:
    """pix-serve on an ephemeral loopback port, as a context manager. The
    access log (stdout) and stderr are collected in files under `logdir`."""

    def __init__(self, root, logdir, *args):
        self.root, self.logdir, self.args = root, logdir, list(args)
        self.proc = None
        self.port = None

    def __enter__(self):
        self.access_path = os.path.join(self.logdir, "access.log")
        self.error_path = os.path.join(self.logdir, "serve.err")
        self.access = open(self.access_path, "wb")
        self.error = open(self.error_path, "wb")
        self.proc = subprocess.Popen(
            [harness.tool("pix-serve"), "serve", self.root, "--listen", "127.0.0.1:0", *self.args],
            stdout=self.access, stderr=self.error, env=env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(self.error_path, encoding="utf-8", errors="replace") as f:
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", f.read())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("pix-serve did not start: " + self.stderr())

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (getattr(self, "access", None), getattr(self, "error", None)):
            if f and not f.closed:
                f.close()
        return self.proc.returncode if self.proc else None

    def __exit__(self, *exc):
        self.stop()

    def url(self, target):
        return f"http://127.0.0.1:{self.port}{target}"

    def stderr(self):
        with open(self.error_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def access_log(self):
        with open(self.access_path, encoding="utf-8", errors="replace") as f:
            return f.read()


def get(url, headers=None, method="GET"):
    """A request through urllib; returns (status, headers with lower-case
    names, body) for error statuses too."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def raw_request(port, target, method="GET", headers=(), timeout=20):
    """Sends one request with the target exactly as given (bytes or str);
    returns (status, headers dict with lower-case names, body bytes)."""
    if isinstance(target, str):
        target = target.encode()
    head = method.encode() + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for name, value in headers:
        head += f"{name}: {value}\r\n".encode()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head + b"\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    if not data:
        return 0, {}, b""
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        hdrs[name.strip().lower()] = value.strip()
    return status, hdrs, body


def write_random_file(path, size, seed=1):
    """A file of `size` pseudo-random bytes (fast, reproducible)."""
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    with open(path, "wb") as f:
        left = size
        i = 0
        while left > 0:
            chunk = hashlib.sha256(block[:64] + i.to_bytes(8, "little")).digest() + block[32:]
            f.write(chunk[:min(left, len(chunk))])
            left -= min(left, len(chunk))
            i += 1
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(path + ".sha256", "w") as f:
        f.write(f"{digest}  {os.path.basename(path)}\n")
    return digest
