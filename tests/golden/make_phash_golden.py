#!/usr/bin/python3
"""Golden perceptual hashes for pix-validate, computed independently in Python.

    /usr/bin/python3 tests/golden/make_phash_golden.py [--check]

Writes deterministic test images to tests/data/phash/ (photo-like pictures,
flat and symmetric pictures that make DCT coefficients tie, every PNG colour
type and bit depth Pillow reads, JPEG 4:2:0/4:4:4/gray/progressive/CMYK,
lossy and lossless WebP) and tests/data/phash/golden.json with the phash and
dhash of each, computed exactly as imagehash 4.3 computes them:

    phash: image.convert("L").resize((32, 32), LANCZOS); 2-D DCT with
           scipy.fftpack.dct on axis 0 then axis 1; top-left 8x8;
           bit = coefficient > numpy.median; hex, row-major, first bit MSB.
    dhash: image.convert("L").resize((9, 8), LANCZOS);
           bit = pixels[:, 1:] > pixels[:, :-1].

imagehash itself is not packaged in Debian 12, so the two functions are
written out here on top of Debian's python3-pil (Pillow 9.4), python3-scipy and
python3-numpy (`scripts/install-deps dev`). They are checked first against
the values real imagehash 4.3.2 gives for its own test image
(tests/data/imagehash.png, see its README in shared/fixtures/images).

With --check the images are not rewritten; the hashes are recomputed from the
committed files and compared with golden.json (exit 1 on a difference).
"""
import io
import json
import os
import struct
import sys
import zlib

import numpy
import scipy.fftpack
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")
OUT = os.path.join(DATA, "phash")
LANCZOS = Image.Resampling.LANCZOS


def to_hex(bits):
    bit_string = "".join("1" if b else "0" for b in bits.flatten())
    return "{:0>16x}".format(int(bit_string, 2))


def phash(image, hash_size=8, highfreq_factor=4):
    img_size = hash_size * highfreq_factor
    image = image.convert("L").resize((img_size, img_size), LANCZOS)
    pixels = numpy.asarray(image)
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    low = dct[:hash_size, :hash_size]
    return to_hex(low > numpy.median(low))


def dhash(image, hash_size=8):
    image = image.convert("L").resize((hash_size + 1, hash_size), LANCZOS)
    pixels = numpy.asarray(image)
    return to_hex(pixels[:, 1:] > pixels[:, :-1])


def photo(w, h, seed):
    """A photo-like RGB picture: gradient, soft ellipses, noise."""
    rng = numpy.random.RandomState(seed)
    y, x = numpy.mgrid[0:h, 0:w].astype(numpy.float64)
    u, v = x / w, y / h
    c0, c1 = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
    t = numpy.clip(0.5 + (u - 0.5) * rng.uniform(-1, 1) + (v - 0.5) * rng.uniform(-1, 1), 0, 1)
    img = c0 + (c1 - c0) * t[..., None]
    img += 15 * numpy.sin(2 * numpy.pi * (rng.uniform(1, 4) * u + rng.uniform(1, 4) * v))[..., None]
    for _ in range(rng.randint(5, 15)):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rx, ry = rng.uniform(0.05, 0.35) * w, rng.uniform(0.05, 0.35) * h
        d = numpy.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
        a = rng.uniform(0.5, 0.95) * numpy.clip((1 - d) * 8, 0, 1)
        img = img * (1 - a[..., None]) + rng.uniform(0, 255, 3) * a[..., None]
    img += rng.uniform(2, 10) * (rng.uniform(size=img.shape) + rng.uniform(size=img.shape) - 1)
    return numpy.clip(img + 0.5, 0, 255).astype(numpy.uint8)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png16(samples, color_type):
    """A 16-bit PNG written by hand (Pillow cannot write 16-bit RGB)."""
    h, w = samples.shape[:2]
    raw = b"".join(b"\0" + samples[r].astype(">u2").tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw, 9))
            + png_chunk(b"IEND", b""))


def save(im, **kw):
    buf = io.BytesIO()
    im.save(buf, **kw)
    return buf.getvalue()


def images():
    """Yields (file name, bytes) for every golden image."""
    rgb = lambda w, h, s: Image.fromarray(photo(w, h, s), "RGB")
    yield "photo_420.jpg", save(rgb(640, 480, 1), format="JPEG", quality=85)
    yield "photo_odd_420.jpg", save(rgb(301, 199, 2), format="JPEG", quality=90)
    yield "photo_large.jpg", save(rgb(1280, 960, 3), format="JPEG", quality=80)
    yield "photo_444.jpg", save(rgb(333, 500, 4), format="JPEG", quality=95, subsampling=0)
    yield "photo_422.jpg", save(rgb(250, 180, 5), format="JPEG", quality=88, subsampling=1)
    yield "photo_low_q.jpg", save(rgb(400, 300, 6), format="JPEG", quality=20)
    yield "photo_progressive.jpg", save(rgb(400, 300, 7), format="JPEG", quality=85, progressive=True)
    yield "gray.jpg", save(rgb(200, 150, 8).convert("L"), format="JPEG", quality=90)
    yield "cmyk.jpg", save(rgb(120, 90, 9).convert("CMYK"), format="JPEG", quality=90)
    yield "flat.jpg", save(Image.new("RGB", (100, 100), (120, 80, 200)), format="JPEG", quality=90)

    yield "photo.png", save(rgb(257, 193, 10), format="PNG")
    rgba = numpy.dstack([photo(150, 150, 11), (numpy.arange(150 * 150) % 256).reshape(150, 150)])
    yield "rgba.png", save(Image.fromarray(rgba.astype(numpy.uint8), "RGBA"), format="PNG")
    yield "gray.png", save(rgb(128, 96, 12).convert("L"), format="PNG")
    yield "gray_alpha.png", save(rgb(100, 80, 13).convert("LA"), format="PNG")
    yield "palette.png", save(rgb(160, 120, 14).quantize(64), format="PNG")
    pal = rgb(90, 70, 15).quantize(16)
    yield "palette_4bit_trns.png", save(pal, format="PNG", transparency=3, bits=4)
    yield "bilevel.png", save(rgb(77, 55, 16).convert("1"), format="PNG")
    g16 = (photo(64, 48, 17)[..., 0].astype(numpy.uint32) * 3)  # mostly above 255
    yield "gray16.png", png16(g16, 0)
    yield "rgb16.png", png16(photo(70, 50, 18).astype(numpy.uint32) * 257 + 7, 2)

    yield "lossy.webp", save(rgb(300, 200, 19), format="WEBP", quality=80)
    yield "lossless.webp", save(rgb(120, 80, 20), format="WEBP", lossless=True)
    yield "alpha.webp", save(Image.fromarray(rgba.astype(numpy.uint8), "RGBA"), format="WEBP",
                             quality=80)

    # Degenerate pictures: many DCT coefficients are exactly zero or tie.
    yield "flat.png", save(Image.new("L", (64, 64), 128), format="PNG")
    ramp = numpy.tile(numpy.arange(256, dtype=numpy.uint8), (64, 1))
    yield "hramp.png", save(Image.fromarray(ramp, "L"), format="PNG")
    yield "vramp.png", save(Image.fromarray(ramp.T.copy(), "L"), format="PNG")
    checker = ((numpy.indices((64, 64)).sum(axis=0) // 8) % 2 * 255).astype(numpy.uint8)
    yield "checker.png", save(Image.fromarray(checker, "L"), format="PNG")
    half = photo(60, 80, 21)
    yield "mirror.png", save(Image.fromarray(numpy.hstack([half, half[:, ::-1]]), "RGB"), format="PNG")
    yield "one_pixel.png", save(Image.new("RGB", (1, 1), (10, 200, 30)), format="PNG")
    yield "exact32.png", save(rgb(32, 32, 22), format="PNG")
    yield "small_33x7.png", save(rgb(33, 7, 23), format="PNG")
    yield "tiny_8x8.png", save(rgb(8, 8, 24), format="PNG")
    yield "wide_2000x20.png", save(rgb(2000, 20, 25), format="PNG")


def hashes_of(path):
    with Image.open(path) as im:
        return {"phash": phash(im), "dhash": dhash(im), "pillow_mode": im.mode,
                "size": list(im.size)}


def main(argv):
    with Image.open(os.path.join(DATA, "imagehash.png")) as im:
        got = (phash(im), dhash(im))
    want = ("ba8c84536bd3c366", "0026273b2b19550e")  # real imagehash 4.3.2 on Pillow 9.4
    if got != want:
        sys.exit(f"make_phash_golden: the reimplementation disagrees with imagehash: {got} != {want}")
    golden_path = os.path.join(OUT, "golden.json")
    if "--check" in argv:
        with open(golden_path, encoding="utf-8") as f:
            golden = json.load(f)
        bad = [n for n, v in golden.items() if hashes_of(os.path.join(OUT, n)) != v]
        if bad:
            print("make_phash_golden: hashes differ for:", *bad)
            return 1
        print(f"make_phash_golden: {len(golden)} golden hashes reproduced")
        return 0
    os.makedirs(OUT, exist_ok=True)
    golden = {}
    for name, data in images():
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        golden[name] = hashes_of(path)
    with open(golden_path, "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"make_phash_golden: wrote {len(golden)} images and {golden_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
