"""Hostile and misbehaving servers, one behaviour per path, for pix-fetch's
tests (ARCHITECTURE.md, "Where the rules are enforced"). Images served here are small PNGs made with
zlib, so the module needs nothing beyond the standard library.

    /hostile/redirect-loop          302 to itself, forever
    /hostile/redirect-file          302 to file:///etc/passwd
    /hostile/redirect-ftp           302 to ftp://127.0.0.1/x.png
    /hostile/redirect-to?host=H     302 to http://H:<port>/hostile/image
    /hostile/short-body             Content-Length larger than the body, then close
    /hostile/truncated-chunked      chunked body cut before the last chunk
    /hostile/negative-length        Content-Length: -5
    /hostile/garbage-length         Content-Length: 12abc
    /hostile/bad-chunked            chunk size "zz"
    /hostile/endless                a chunked body that never ends
    /hostile/empty                  200 with no body
    /hostile/trickle                one byte a second
    /hostile/silent                 accepts, reads the request, never answers
    /hostile/huge-header            a 100 KB response header
    /hostile/retry-seconds?key=K    429 Retry-After: 1 the first time, then the image
    /hostile/retry-date?key=K       429 Retry-After: <HTTP date 2 s ahead>, then the image
    /hostile/unavailable?key=K&n=N  503 without Retry-After N times, then the image
    /hostile/html-as-jpeg           an HTML page labelled image/jpeg
    /hostile/image-as-html          a PNG labelled text/html
    /hostile/gzip                   a gzip-compressed PNG with Content-Encoding: gzip
    /hostile/noai                   a PNG with X-Robots-Tag: noai
    /hostile/image?size=N           a PNG of about N bytes (default 20000)
    /hostile/slow?ms=M              the image after M milliseconds (peak concurrency
                                    per host in /_stats "peak" as "slow:<host>")
    /hostile/cut-once?key=K         first time: half the image then close; later:
                                    honours Range (206)
    /hostile/cut-once-norange?key=K first time: half the image then close; later:
                                    ignores Range (200, whole image)
    /hostile/paced?size=N&chunk=C&ms=M
                                    a PNG of about N bytes sent C bytes every M ms,
                                    as nginx's limit_rate does (defaults 160000,
                                    16384, 50)
    /hostile/not-http               a reply that is not HTTP (an SSH banner)
"""
import email.utils
import gzip
import struct
import time
import urllib.parse
import zlib


def make_png(approx_bytes=20000, seed=7):
    """A valid RGB PNG of roughly approx_bytes bytes (noise compresses badly)."""
    side = max(8, int((approx_bytes / 3) ** 0.5))
    state = seed
    rows = []
    for _ in range(side):
        row = bytearray([0])
        for _ in range(side * 3):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            row.append(state >> 23)
        rows.append(bytes(row))
    return png_from_rows(side, side, rows, 6)


def png_from_rows(width, height, rows, level):
    """A PNG of RGB rows (each starting with its filter byte), zlib `level`."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), level)) + chunk(b"IEND", b""))


_IMAGES = {}


def image(size=20000):
    if size not in _IMAGES:
        _IMAGES[size] = make_png(size)
    return _IMAGES[size]


def query(url):
    return dict(urllib.parse.parse_qsl(url.query))


def head(h, status, headers):
    """Writes a status line and headers by hand (for malformed framing)."""
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers] + ["", ""]
    h.raw("\r\n".join(lines))
    h.close_connection = True


def redirect(h, location):
    h.send_body(302, b"", "text/plain", [("Location", location)])


def redirect_loop(h, url):
    n = int(query(url).get("n", "0")) + 1
    redirect(h, f"/hostile/redirect-loop?n={n}")


def redirect_file(h, url):
    redirect(h, "file:///etc/passwd")


def redirect_ftp(h, url):
    redirect(h, "ftp://127.0.0.1/x.png")


def redirect_to(h, url):
    host = query(url).get("host", "localhost")
    redirect(h, f"http://{host}:{h.server.server_address[1]}/hostile/image")


def short_body(h, url):
    data = image()
    head(h, 200, [("Content-Type", "image/png"), ("Content-Length", len(data) + 1000)])
    h.raw(data)


def truncated_chunked(h, url):
    data = image()
    head(h, 200, [("Content-Type", "image/png"), ("Transfer-Encoding", "chunked")])
    half = data[: len(data) // 2]
    h.raw(b"%x\r\n" % len(half) + half + b"\r\n")


def negative_length(h, url):
    head(h, 200, [("Content-Type", "image/png"), ("Content-Length", "-5")])
    h.raw(image())


def garbage_length(h, url):
    head(h, 200, [("Content-Type", "image/png"), ("Content-Length", "12abc")])
    h.raw(image())


def bad_chunked(h, url):
    head(h, 200, [("Content-Type", "image/png"), ("Transfer-Encoding", "chunked")])
    h.raw(b"zz\r\n" + image()[:100] + b"\r\n0\r\n\r\n")


def endless(h, url):
    head(h, 200, [("Content-Type", "image/png"), ("Transfer-Encoding", "chunked")])
    block = image(65536)
    block = block[: 65536]
    frame = b"%x\r\n" % len(block) + block + b"\r\n"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        h.raw(frame)


def empty(h, url):
    h.send_body(200, b"", "image/jpeg")


def trickle(h, url):
    data = image()
    head(h, 200, [("Content-Type", "image/png"), ("Content-Length", len(data))])
    for i in range(len(data)):
        h.raw(data[i:i + 1])
        time.sleep(1)


def silent(h, url):
    h.close_connection = True
    time.sleep(60)


def huge_header(h, url):
    data = image()
    head(h, 200, [("Content-Type", "image/png"), ("X-Padding", "a" * 100 * 1024),
                  ("Content-Length", len(data))])
    h.raw(data)


def retry_seconds(h, url):
    key = "retry-seconds:" + query(url).get("key", "")
    if h.state.bump(key) == 1:
        h.send_body(429, "slow down\n", "text/plain", [("Retry-After", "1")])
    else:
        h.send_body(200, image(), "image/png")


def retry_date(h, url):
    key = "retry-date:" + query(url).get("key", "")
    if h.state.bump(key) == 1:
        when = email.utils.formatdate(time.time() + 2, usegmt=True)
        h.send_body(429, "slow down\n", "text/plain", [("Retry-After", when)])
    else:
        h.send_body(200, image(), "image/png")


def unavailable(h, url):
    q = query(url)
    if h.state.bump("unavailable:" + q.get("key", "")) <= int(q.get("n", "1")):
        h.send_body(503, "try later\n", "text/plain")
    else:
        h.send_body(200, image(), "image/png")


def html_as_jpeg(h, url):
    h.send_body(200, "<!DOCTYPE html><html><body>Hotlinking not allowed</body></html>",
                "image/jpeg")


def image_as_html(h, url):
    h.send_body(200, image(), "text/html; charset=utf-8")


def gzip_body(h, url):
    h.send_body(200, gzip.compress(image()), "image/png", [("Content-Encoding", "gzip")])


def noai(h, url):
    h.send_body(200, image(), "image/png", [("X-Robots-Tag", "noindex, noai")])


def plain_image(h, url):
    h.send_body(200, image(int(query(url).get("size", "20000"))), "image/png")


def slow(h, url):
    # Concurrency is measured around the sleep only: the server's own
    # bookkeeping after a response races with the client's next request.
    host = h.server.server_address[0]
    st = h.state
    with st.lock:
        now = st.keys.get("slow-active:" + host, 0) + 1
        st.keys["slow-active:" + host] = now
        st.peak["slow:" + host] = max(st.peak.get("slow:" + host, 0), now)
    time.sleep(int(query(url).get("ms", "200")) / 1000)
    with st.lock:
        # A test's reset() may have cleared the count while this slept.
        st.keys["slow-active:" + host] = max(0, st.keys.get("slow-active:" + host, 1) - 1)
    h.send_body(200, image(), "image/png")


def cut_once(h, url, honour_range=True):
    key = url.path + ":" + query(url).get("key", "")
    data = image(200000)
    if h.state.bump(key) == 1:
        head(h, 200, [("Content-Type", "image/png"), ("Content-Length", len(data)),
                      ("Accept-Ranges", "bytes" if honour_range else "none")])
        h.raw(data[: len(data) // 2])
        return
    rng = h.headers.get("Range", "")
    if honour_range and rng.startswith("bytes=") and rng.endswith("-"):
        start = int(rng[6:-1])
        h.send_body(206, data[start:], "image/png",
                    [("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")])
    else:
        h.send_body(200, data, "image/png")


def paced(h, url):
    q = query(url)
    data = image(int(q.get("size", "160000")))
    chunk, pause = int(q.get("chunk", "16384")), int(q.get("ms", "50")) / 1000
    head(h, 200, [("Content-Type", "image/png"), ("Content-Length", len(data))])
    for i in range(0, len(data), chunk):
        h.raw(data[i:i + chunk])
        time.sleep(pause)


def not_http(h, url):
    h.raw(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    h.close_connection = True


ROUTES = [
    ("/hostile/paced", paced),
    ("/hostile/not-http", not_http),
    ("/hostile/redirect-loop", redirect_loop),
    ("/hostile/redirect-file", redirect_file),
    ("/hostile/redirect-ftp", redirect_ftp),
    ("/hostile/redirect-to", redirect_to),
    ("/hostile/short-body", short_body),
    ("/hostile/truncated-chunked", truncated_chunked),
    ("/hostile/negative-length", negative_length),
    ("/hostile/garbage-length", garbage_length),
    ("/hostile/bad-chunked", bad_chunked),
    ("/hostile/endless", endless),
    ("/hostile/empty", empty),
    ("/hostile/trickle", trickle),
    ("/hostile/silent", silent),
    ("/hostile/huge-header", huge_header),
    ("/hostile/retry-seconds", retry_seconds),
    ("/hostile/retry-date", retry_date),
    ("/hostile/unavailable", unavailable),
    ("/hostile/html-as-jpeg", html_as_jpeg),
    ("/hostile/image-as-html", image_as_html),
    ("/hostile/gzip", gzip_body),
    ("/hostile/noai", noai),
    ("/hostile/image", plain_image),
    ("/hostile/slow", slow),
    ("/hostile/cut-once-norange", lambda h, url: cut_once(h, url, honour_range=False)),
    ("/hostile/cut-once", cut_once),
]
