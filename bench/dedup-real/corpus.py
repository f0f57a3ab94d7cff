"""The real-photograph duplicate corpus: photographs and pictures shipped in
Debian packages, each with the edits reposts carry, made with ImageMagick.

Sources (installed by `scripts/install-deps bench`): lomiri-wallpapers and
its -16.04/-20.04 variants, sway-backgrounds (one picture: its files are one
design at several sizes), debian-edu-artwork-* (one background per theme),
python3-skimage's sample photographs and opencv-doc's sample images (stereo
pairs, calibration series and other sets of near-identical views left out:
they are duplicates of each other). GNOME, MATE, KDE and UKUI wallpapers are
kept for acceptance checks and never used here.

Every source is first reduced to at most BASE_SIDE pixels on its longer side
and saved as a JPEG of quality 90 (the base); each edit is made from the base.
"""
import glob
import os
import subprocess

BASE_SIDE = 1024
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # fonts-dejavu-core

SOURCES = [
    "/usr/share/backgrounds/warty-final-ubuntu.png",
    "/usr/share/backgrounds/*_by_*.jpg",
    "/usr/share/backgrounds/sway/Sway_Wallpaper_Blue_1920x1080.png",
    "/usr/share/plymouth/themes/debian-edu-*/background.png",
    "/usr/share/desktop-base/debian-edu-emerald-theme/grub/grub-16x9.png",
    "/usr/lib/python3/dist-packages/skimage/data/" +
    "{astronaut.png,camera.png,chelsea.png,coffee.png,coins.png,hubble_deep_field.jpg,ihc.png,"
    "moon.png,motorcycle_left.png,retina.jpg,rocket.jpg,brick.png,grass.png,gravel.png,page.png,"
    "text.png,clock_motion.png,cell.png,microaneurysms.png,color.png}",
    "/usr/share/doc/opencv-doc/examples/data/*.jpg",
    "/usr/share/doc/opencv-doc/examples/data/*.png",
]
# opencv-doc files that are views of one scene as another file has it, or
# not pictures: calibration series, stereo partners, masks, templates.
OPENCV_SKIP = ("left", "right", "chessboard", "aloeR", "aloeGT", "aloe", "box_in_scene", "tmpl",
               "mask", "_gt", "graf3", "Blender_Suzanne2", "gradient", "pic", "orange",
               "templ", "ela_", "imageTextR", "opencv-logo", "notes", "digits", "licenseplate",
               "LinuxLogo", "WindowsLogo", "rubberwhale2", "HappyFish", "text_defect", "mser", "board", "apple",
               "basketball2", "stuff", "shape_sample", "detect_blob", "ml", "pca_test1",
               "blox", "building", "sudoku", "pic")

# Edit kind -> ImageMagick arguments between the input and the output, and
# the output format.
EDITS = {
    "resize50": (["-resize", "50%"], "jpg"),
    "resize25": (["-resize", "25%"], "jpg"),
    "jpeg40": (["-quality", "40"], "jpg"),
    "png": ([], "png"),
    "webp": (["-quality", "75"], "webp"),
    # Crops: 5% off the right and bottom; 10% off the left and top (a corner
    # kept); 10% off one side.
    "crop5": (["-gravity", "NorthWest", "-crop", "95%x95%+0+0", "+repage"], "jpg"),
    "crop10": (["-gravity", "SouthEast", "-crop", "90%x90%+0+0", "+repage"], "jpg"),
    "crop10side": (["-gravity", "East", "-crop", "90%x100%+0+0", "+repage"], "jpg"),
    # Rotations, straightened as photo editors do: turned about the centre and
    # enlarged just enough that no empty corner shows, same frame.
    "rotate2": (["-distort", "SRT", "{scale2},2"], "jpg"),
    "rotate5": (["-distort", "SRT", "{scale5},-5"], "jpg"),
    "bright": (["-brightness-contrast", "20x0"], "jpg"),
    "contrast": (["-brightness-contrast", "0x25"], "jpg"),
    "gamma": (["-gamma", "1.5"], "jpg"),
    "caption": (["-gravity", "South", "-undercolor", "#000000a0", "-fill", "white",
                 "-font", FONT, "-pointsize", "{pt}", "-annotate", "+0+{pad}", " when you see it #repost "], "jpg"),
    "logo": (["(", "-size", "{logo}x{logo_h}", "xc:#ffffffb0", "-fill", "#d02020",
              "-draw", "circle {cx},{cy} {cx},{r}", ")", "-gravity", "NorthEast",
              "-geometry", "+{pad}+{pad}", "-composite"], "jpg"),
}


def sources():
    out = []
    for pattern in SOURCES:
        if "{" in pattern:
            head, names = pattern.split("{")
            paths = [head + n for n in names.rstrip("}").split(",")]
        else:
            paths = sorted(glob.glob(pattern))
        for p in paths:
            name = os.path.basename(p)
            if "opencv-doc" in p and any(s in name for s in OPENCV_SKIP):
                continue
            if os.path.isfile(p) and os.path.getsize(p) > 20000:
                out.append(p)
    return out


def identify(path):
    w, h = subprocess.run(["identify", "-format", "%w %h", path + "[0]"], check=True,
                          capture_output=True, text=True).stdout.split()
    return int(w), int(h)


def straighten_scale(w, h, degrees):
    """Scale that fills a w x h frame after turning it by `degrees`."""
    import math
    a = math.radians(abs(degrees))
    return max((w * math.cos(a) + h * math.sin(a)) / w, (w * math.sin(a) + h * math.cos(a)) / h)


def make(out_dir, jobs=2, max_bases=0):
    """Writes bases and edits into out_dir; returns {base name: [paths]}.
    max_bases > 0 takes only the first that many sources."""
    os.makedirs(out_dir, exist_ok=True)
    groups = {}
    procs = []

    def run(cmd):
        procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL))
        while len([p for p in procs if p.poll() is None]) >= jobs:
            procs[0].wait() if procs[0].poll() is None else procs.pop(0)

    for i, src in enumerate(sources()[:max_bases or None]):
        name = f"b{i:03d}"
        base = os.path.join(out_dir, name + ".jpg")
        if not os.path.exists(base):
            subprocess.run(["convert", src + "[0]", "-auto-orient", "-colorspace", "sRGB", "-type",
                            "TrueColor", "-resize", f"{BASE_SIDE}x{BASE_SIDE}>", "-quality", "90",
                            base], check=True)
        w, h = identify(base)
        values = {"scale2": f"{straighten_scale(w, h, 2):.4f}",
                  "scale5": f"{straighten_scale(w, h, 5):.4f}",
                  "pt": str(max(12, h // 14)), "pad": str(max(4, h // 40)),
                  "logo": str(w // 6), "logo_h": str(w // 12), "cx": str(w // 24),
                  "cy": str(w // 24), "r": str(w // 24 - w // 60)}
        files = [base]
        for kind, (args, fmt) in EDITS.items():
            out = os.path.join(out_dir, f"{name}~{kind}.{fmt}")
            files.append(out)
            if not os.path.exists(out):
                run(["convert", base, *[a.format(**values) for a in args], out])
        groups[name] = files
    for p in procs:
        p.wait()
    return groups


def kind_of(path):
    stem = os.path.basename(path).rsplit(".", 1)[0]
    return stem.split("~")[1] if "~" in stem else "base"


def group_of(path):
    return os.path.basename(path).split("~")[0].split(".")[0]
