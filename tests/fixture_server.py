#!/usr/bin/env python3
"""The fixture HTTP server: everything the tests, the demo and the benchmarks
need from "the internet", on loopback only, with the Python 3 standard library.

    python3 tests/fixture_server.py [--root DIR] [--port N] [--exit-on-stdin-eof]

It listens on 127.0.0.1 and 127.0.0.2 (same port), prints one line
`{"port": N, "hosts": [...]}` on stdout when ready, and serves until it is
killed (or, with --exit-on-stdin-eof, until its stdin closes). Two loopback addresses give the tests two distinct "hosts"
(per-host limits) and a way to test the address guard: allow one address
with --allow-net and watch a redirect to the other be refused.

Routes come from the modules in tests/fixture_routes/: each has
`ROUTES = [(path_prefix, handler)]`; a handler gets the request handler
object and the parsed URL and writes a full response (it may also misbehave
on the raw socket: that is the point of the hostile routes). The core routes:

    /files/<path>        a file under --root (Range supported)
    /_stats              JSON: request counts per path, peak concurrency per host
    /_reset              clears the stats and per-key state
"""
import argparse
import importlib
import json
import os
import pkgutil
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class State:
    """Shared, lock-protected server state."""

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.counts = {}          # path -> requests seen
        self.active = {}          # host -> requests in progress
        self.peak = {}            # host -> highest value of active
        self.keys = {}            # free-form per-key state for stateful routes
        self.requests = []        # (method, path, selected headers), newest last

    def reset(self):
        with self.lock:
            self.counts.clear()
            self.peak.clear()
            self.keys.clear()
            self.requests.clear()

    def bump(self, key):
        """Increments and returns a per-key counter (1 on first use)."""
        with self.lock:
            self.keys[key] = self.keys.get(key, 0) + 1
            return self.keys[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pix-fixture/1"
    routes = []    # filled by load_routes()
    state = None   # set in main()

    def log_message(self, fmt, *args):  # quiet: tests read stdout/stderr
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; with Nagle's algorithm
        # and the client's delayed ACK that costs 40 ms a response on a
        # reused connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_body(self, status, body, content_type="application/octet-stream", headers=()):
        """Sends a complete, well-formed response."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def raw(self, data):
        """Writes bytes straight to the socket, bypassing HTTP framing."""
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        host = self.server.server_address[0]
        st = self.state
        observed = not url.path.startswith("/_")  # the tests' own /_stats calls are not traffic
        if observed:
            with st.lock:
                st.counts[url.path] = st.counts.get(url.path, 0) + 1
                st.active[host] = st.active.get(host, 0) + 1
                st.peak[host] = max(st.peak.get(host, 0), st.active[host])
                st.requests.append({
                    "method": self.command, "path": self.path, "host": host, "t": time.monotonic(),
                    "headers": {k: v for k, v in self.headers.items()
                                if k.lower() in ("user-agent", "referer", "range",
                                                 "accept-encoding", "authorization",
                                                 "x-api-key", "content-type", "accept")}})
                del st.requests[:-1000]
        try:
            for prefix, handler in self.routes:
                if url.path.startswith(prefix):
                    handler(self, url)
                    return
            self.send_body(404, "no such route\n", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if observed:
                with st.lock:
                    st.active[host] -= 1


def serve_file(h, url):
    rel = urllib.parse.unquote(url.path[len("/files/"):])
    root = os.path.realpath(h.state.root or os.getcwd())
    path = os.path.realpath(os.path.join(root, rel))
    if not path.startswith(root + os.sep) or not os.path.isfile(path):
        h.send_body(404, "not found\n", "text/plain")
        return
    with open(path, "rb") as f:
        data = f.read()
    ctype = guess_type(path)
    rng = h.headers.get("Range")
    if rng and rng.startswith("bytes=") and "," not in rng:
        start_s, _, end_s = rng[6:].partition("-")
        try:
            start = int(start_s)
            end = int(end_s) if end_s else len(data) - 1
        except ValueError:
            start, end = -1, -1
        if 0 <= start < len(data) and start <= end:
            end = min(end, len(data) - 1)
            h.send_body(206, data[start:end + 1], ctype, [
                ("Content-Range", f"bytes {start}-{end}/{len(data)}"), ("Accept-Ranges", "bytes")])
            return
        h.send_body(416, b"", ctype, [("Content-Range", f"bytes */{len(data)}")])
        return
    h.send_body(200, data, ctype, [("Accept-Ranges", "bytes")])


def guess_type(path):
    ext = os.path.splitext(path)[1].lower()
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
            ".webp": "image/webp", ".gif": "image/gif", ".json": "application/json",
            ".html": "text/html; charset=utf-8"}.get(ext, "application/octet-stream")


def stats(h, url):
    st = h.state
    with st.lock:
        body = json.dumps({"counts": st.counts, "peak": st.peak, "requests": st.requests})
    h.send_body(200, body, "application/json")


def reset(h, url):
    h.state.reset()
    h.send_body(200, "{}", "application/json")


def load_routes():
    routes = [("/files/", serve_file), ("/_stats", stats), ("/_reset", reset)]
    import fixture_routes
    for mod in pkgutil.iter_modules(fixture_routes.__path__):
        module = importlib.import_module("fixture_routes." + mod.name)
        routes.extend(getattr(module, "ROUTES", []))
    # Longest prefix first, so /hostile/x-y wins over /hostile/x.
    routes.sort(key=lambda r: -len(r[0]))
    return routes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", help="directory served under /files/")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin closes (so a test's server dies with the test)")
    args = parser.parse_args()

    Handler.routes = load_routes()
    Handler.state = State(args.root)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 1024
    first = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = first.server_address[1]
    servers = [first]
    try:
        servers.append(ThreadingHTTPServer(("127.0.0.2", port), Handler))
    except OSError:
        pass  # only one host then; tests that need two skip themselves
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(json.dumps({"port": port, "hosts": [s.server_address[0] for s in servers]}), flush=True)
    try:
        if args.exit_on_stdin_eof:
            sys.stdin.read()
        else:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
