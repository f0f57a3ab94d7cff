#!/usr/bin/env python3
"""Hostile and unusual image files, made at byte level from valid ones.

Standard library only. Each function takes the bytes of a valid image written
by pix-synth (or nothing) and returns the bytes of a damaged, lying or odd
file: truncations, garbage, decompression bombs, scan bombs, polyglots,
animations, EXIF orientations, 16-bit PNGs. The tests write them, run
pix-validate on them and check the reason code each one ends in.

    python3 tests/support/hostile_images.py DIR BASE.jpg BASE.png BASE.webp

writes the whole set into DIR (for the example and for trying by hand).
"""
import io
import random
import struct
import sys
import zipfile
import zlib

# ---- PNG ------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(data):
    """[(kind, payload)] of a PNG file."""
    out, pos = [], 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        out.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return out


def png_from_chunks(chunks):
    return PNG_SIGNATURE + b"".join(png_chunk(k, d) for k, d in chunks)


def png_raw(width, height, rows, bit_depth, color_type):
    """A PNG from raw scanlines (filter type 0 is prepended)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    raw = b"".join(b"\0" + r for r in rows)
    return png_from_chunks([(b"IHDR", ihdr), (b"IDAT", zlib.compress(raw, 6)), (b"IEND", b"")])


def png_16bit_rgb(width=96, height=80, seed=1):
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            for c in range(3):
                v = (x * 600 + y * 300 + c * 9000 + rng.randrange(2000)) % 65536
                row += struct.pack(">H", v)
        rows.append(bytes(row))
    return png_raw(width, height, rows, 16, 2)


def png_bomb(width=100000, height=100000):
    """IHDR declares width x height; the data is a few bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return png_from_chunks([(b"IHDR", ihdr), (b"IDAT", zlib.compress(b"\0" * 64)), (b"IEND", b"")])


def png_bad_crc(png):
    data = bytearray(png)
    pos = 8 + 12 + 13  # first chunk after IHDR
    (length,) = struct.unpack(">I", data[pos:pos + 4])
    data[pos + 8 + length] ^= 0xFF  # flip the stored CRC
    return bytes(data)


def png_garbage_idat(png, seed=7):
    """Valid chunk structure and CRCs, but IDAT is not a zlib stream."""
    rng = random.Random(seed)
    chunks = []
    for kind, payload in png_chunks(png):
        if kind == b"IDAT":
            payload = bytes(rng.randrange(256) for _ in range(len(payload)))
        chunks.append((kind, payload))
    return png_from_chunks(chunks)


def png_garbage_after_header(png, seed=3):
    """Signature and IHDR intact, then random bytes."""
    rng = random.Random(seed)
    return png[:8 + 25] + bytes(rng.randrange(256) for _ in range(4000))


def apng(png, frames=3):
    """An animated PNG: acTL and fcTL before the IDAT (the default image is frame 0)."""
    chunks = png_chunks(png)
    width, height = struct.unpack(">II", chunks[0][1][:8])
    actl = struct.pack(">II", frames, 0)
    fctl = struct.pack(">IIIIIHHBB", 0, width, height, 0, 0, 1, 10, 0, 0)
    out = [chunks[0], (b"acTL", actl), (b"fcTL", fctl)] + chunks[1:]
    return png_from_chunks(out)


def png_with_text(png, text):
    chunks = png_chunks(png)
    return png_from_chunks([chunks[0], (b"tEXt", b"Comment\0" + text)] + chunks[1:])


# ---- JPEG -----------------------------------------------------------------

def jpeg_segments(data):
    """[(marker, payload)] up to and including the first SOS; then the rest."""
    pos, segs = 2, []
    while pos < len(data):
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        segs.append((marker, data[pos + 4:pos + 2 + length]))
        pos += 2 + length
        if marker == 0xDA:
            return segs, data[pos:]
    raise ValueError("no SOS")


def jpeg_join(segs, rest):
    return b"\xff\xd8" + b"".join(b"\xff" + bytes([m]) + struct.pack(">H", len(p) + 2) + p
                                  for m, p in segs) + rest


def jpeg_set_size(jpeg, width, height):
    segs, rest = jpeg_segments(jpeg)
    out = []
    for m, p in segs:
        if m in (0xC0, 0xC1, 0xC2):
            p = p[:1] + struct.pack(">HH", height, width) + p[5:]
        out.append((m, p))
    return jpeg_join(out, rest)


def jpeg_garbage_scan(jpeg, seed=5):
    """Headers intact; the entropy-coded data replaced by random bytes without 0xFF."""
    rng = random.Random(seed)
    segs, rest = jpeg_segments(jpeg)
    garbage = bytes(rng.randrange(255) for _ in range(len(rest) - 2))
    return jpeg_join(segs, garbage + b"\xff\xd9")


def jpeg_scan_bomb(jpeg, scans=3000):
    """A progressive frame header followed by thousands of (empty) scans."""
    segs, rest = jpeg_segments(jpeg)
    out = [(0xC2 if m == 0xC0 else m, p) for m, p in segs[:-1]]
    sos = segs[-1][1]
    ncomp = sos[0]
    dc_first = bytes([ncomp]) + sos[1:1 + 2 * ncomp] + b"\x00\x00\x00"
    dc_refine = bytes([ncomp]) + sos[1:1 + 2 * ncomp] + b"\x00\x00\x10"
    body = b"\xff\xda" + struct.pack(">H", len(dc_first) + 2) + dc_first + b"\x00"
    one = b"\xff\xda" + struct.pack(">H", len(dc_refine) + 2) + dc_refine + b"\x00"
    return jpeg_join(out, b"")[:] + body + one * scans + b"\xff\xd9"


def jpeg_with_comment(jpeg, text):
    segs, rest = jpeg_segments(jpeg)
    return jpeg_join([segs[0], (0xFE, text)] + segs[1:], rest)


def jpeg_zero_width(jpeg):
    return jpeg_set_size(jpeg, 0, 100)


def tiff_ifd(entries, big_endian=True):
    """A TIFF header and one IFD. entries: [(tag, type, count, value_bytes)] (values <= 4 bytes)."""
    e = ">" if big_endian else "<"
    out = (b"MM\0*" if big_endian else b"II*\0") + struct.pack(e + "I", 8)
    out += struct.pack(e + "H", len(entries))
    for tag, typ, count, value in entries:
        out += struct.pack(e + "HHI", tag, typ, count) + value.ljust(4, b"\0")
    return out + struct.pack(e + "I", 0)


def exif_payload(orientation=None, make=None, gps=False):
    """EXIF (TIFF) with Orientation, Make and a GPS IFD as asked."""
    entries = []
    extra = b""
    base = 8 + 2 + 12 * (int(orientation is not None) + int(make is not None) + int(gps)) + 4
    if make is not None:
        text = make.encode() + b"\0"
        entries.append((0x010F, 2, len(text), struct.pack(">I", base + len(extra))))
        extra += text
    if orientation is not None:
        entries.append((0x0112, 3, 1, struct.pack(">H", orientation)))
    if gps:
        gps_offset = base + len(extra)
        entries.append((0x8825, 4, 1, struct.pack(">I", gps_offset)))
        # GPS IFD: LatitudeRef 'N', Latitude 48/1 51/1 24/1 (rationals after the IFD).
        lat_offset = gps_offset + 2 + 12 * 2 + 4
        gps_ifd = struct.pack(">H", 2)
        gps_ifd += struct.pack(">HHI", 1, 2, 2) + b"N\0\0\0"
        gps_ifd += struct.pack(">HHII", 2, 5, 3, lat_offset)
        gps_ifd += struct.pack(">I", 0) + struct.pack(">6I", 48, 1, 51, 1, 24, 1)
        extra += gps_ifd
    entries.sort()
    return tiff_ifd(entries) + extra


def jpeg_with_exif(jpeg, **kw):
    segs, rest = jpeg_segments(jpeg)
    app1 = (0xE1, b"Exif\0\0" + exif_payload(**kw))
    return jpeg_join([app1] + [s for s in segs if s[0] != 0xE0], rest)


# ---- WebP -----------------------------------------------------------------

def webp_riff_size(webp, delta):
    (size,) = struct.unpack("<I", webp[4:8])
    return webp[:4] + struct.pack("<I", size + delta) + webp[8:]


def riff_chunk(fourcc, payload):
    pad = b"\0" if len(payload) & 1 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def webp_animated(webp, frames=2):
    """An animated WebP whose frames are the image chunk of a still WebP."""
    kind = webp[12:16]
    (size,) = struct.unpack("<I", webp[16:20])
    frame_chunk = webp[12:20 + size + (size & 1)]
    if kind == b"VP8L":
        bits = struct.unpack("<I", webp[21:25])[0]
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    else:
        width, height = (struct.unpack("<H", webp[26:28])[0] & 0x3FFF,
                         struct.unpack("<H", webp[28:30])[0] & 0x3FFF)
    le24 = lambda v: struct.pack("<I", v)[:3]
    vp8x = bytes([0x02, 0, 0, 0]) + le24(width - 1) + le24(height - 1)
    anim = struct.pack("<IH", 0xFFFFFFFF, 0)
    anmf = le24(0) + le24(0) + le24(width - 1) + le24(height - 1) + le24(100) + b"\0" + frame_chunk
    body = b"WEBP" + riff_chunk(b"VP8X", vp8x) + riff_chunk(b"ANIM", anim)
    body += riff_chunk(b"ANMF", anmf) * frames
    return b"RIFF" + struct.pack("<I", len(body)) + body


# ---- Other kinds ------------------------------------------------------------

HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>gone</body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="50" height="50"/></svg>'
GIF = (b"GIF89a\x02\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02D\x01\x00;")


def zip_bytes():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.txt", "hidden in an image")
    return buf.getvalue()


def hostile_set(jpg, png, webp):
    """{file name: bytes} for every hostile case, from three valid images."""
    lossless = webp  # animated frames reuse the still image's bitstream
    return {
        "truncated.jpg": jpg[:len(jpg) * 6 // 10],
        "truncated.png": png[:len(png) * 6 // 10],
        "truncated.webp": webp[:len(webp) * 6 // 10],
        "empty.jpg": b"",
        "garbage_scan.jpg": jpeg_garbage_scan(jpg),
        "garbage_after_header.png": png_garbage_after_header(png),
        "garbage_idat.png": png_garbage_idat(png),
        "bomb_100000x100000.png": png_bomb(),
        "claims_65500x65500.jpg": jpeg_set_size(jpg, 65500, 65500),
        "scan_bomb.jpg": jpeg_scan_bomb(jpg),
        "riff_too_big.webp": webp_riff_size(webp, 1000),
        "riff_too_small.webp": webp_riff_size(webp, -40),
        "html_as.jpg": HTML,
        "zip_polyglot.jpg": jpg + zip_bytes(),
        "script_comment.jpg": jpeg_with_comment(jpg, b"<script>alert(1)</script>"),
        "script_text.png": png_with_text(png, b"<?php system($_GET['c']); ?>"),
        "animated.png": apng(png),
        "animated.webp": webp_animated(lossless),
        "rgb16.png": png_16bit_rgb(),
        "bad_crc.png": png_bad_crc(png),
        "zero_width.jpg": jpeg_zero_width(jpg),
        "trailing_bytes.jpg": jpg + b"\0" * 100 + b"not an image" * 10,
        "image.gif": GIF,
        "image.svg": SVG,
    }


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    import os
    out_dir = argv[0]
    bases = [open(p, "rb").read() for p in argv[1:]]
    os.makedirs(out_dir, exist_ok=True)
    for name, data in hostile_set(*bases).items():
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
    for o in range(1, 9):
        with open(os.path.join(out_dir, f"orientation_{o}.jpg"), "wb") as f:
            f.write(jpeg_with_exif(bases[0], orientation=o, make="PixCam"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
