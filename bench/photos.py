"""How long and how much memory it takes to turn a 12 MP phone photo into what the shop stores.

Makes a 4000x3000 JPEG like a phone's (gradients, soft shapes, sensor-like noise, so it does
not compress to nothing; EXIF Orientation 6 and GPS, as a phone held upright writes), then
runs `photo_validate` + `photo_normalise` + `photo_renditions` (farmers.images) on it, each run
in a fresh child process, and prints the median wall time and the peak memory.

Memory: Pillow allocates pixels outside Python's allocator, so tracemalloc alone under-reports.
Each child reports its peak RSS (VmHWM) after one run; a baseline child does
everything but the run (imports, reading the file, the warm-up), and the peak RSS the
processing adds is the measured child's minus the baseline's. Also printed: the whole child's
peak (what a worker needs), and tracemalloc's peak of Python allocations (a second run in the
same child, so tracing does not slow the timed one).

Time: wall time of the three calls in the child, after a warm-up on a small photo so Pillow's
plugins are loaded as they are in a running worker. Targets: under 1 s and under 200 MB.

    .venv/bin/python -m bench.photos [--runs 7] [--keep PATH]
"""

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# farmers.images needs no configured Django unless a refusal message is rendered.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

SIZE = (4000, 3000)
TARGET_SECONDS = 1.0
TARGET_MB = 200


def photo_make(path: Path) -> None:
    """A 12 MP JPEG that compresses like a photo of a field (3-5 MB at quality 92)."""
    from PIL import ExifTags, Image, ImageChops, ImageDraw, ImageFilter

    rng = random.Random(2026)  # noqa: S311  (the same picture every time, not a secret)
    width, height = SIZE
    # Sky to ground: a vertical gradient per channel, with a vignette.
    vertical = Image.linear_gradient("L").resize(SIZE)
    vignette = Image.radial_gradient("L").resize(SIZE)
    red, green, blue = (
        ImageChops.subtract(vertical.point(sky), vignette.point(edge))
        for sky, edge in (
            (lambda v: 90 + v // 2, lambda v: v // 5),
            (lambda v: 140 + v // 3, lambda v: v // 4),
            (lambda v: 220 - v // 2, lambda v: v // 4),
        )
    )
    image = Image.merge("RGB", (red, green, blue))
    # Fruit, leaves, crates: soft shapes of many colours and sizes.
    draw = ImageDraw.Draw(image)
    for _ in range(600):
        x, y = rng.randrange(width), rng.randrange(height // 3, height)
        radius = rng.randrange(10, 160)
        colour = (rng.randrange(120, 255), rng.randrange(30, 200), rng.randrange(0, 90))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius // 2), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(3))
    # Sharp detail and sensor noise, which is what makes a photo's JPEG large.
    draw = ImageDraw.Draw(image)
    for _ in range(3000):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.line(
            (x, y, x + rng.randrange(-40, 40), y + rng.randrange(-40, 40)),
            fill=(rng.randrange(40, 120), rng.randrange(80, 160), rng.randrange(20, 60)),
            width=2,
        )
    noise = Image.effect_noise(SIZE, 14)
    image = Image.merge("RGB", [ImageChops.add(c, noise, 1, -128) for c in image.split()])

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 12C"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 15.0, 27.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (108.0, 56.0, 41.25)
    image.save(path, format="JPEG", quality=92, exif=exif)


def max_rss_mb() -> float:
    """This process's peak RSS. Linux's VmHWM belongs to the process image; ru_maxrss would
    start at the parent's RSS, which it keeps across fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(path: Path, *, baseline: bool) -> dict:
    """One measurement in this (fresh) process; `baseline` stops before the run."""
    from PIL import Image

    from farmers.images import photo_normalise, photo_renditions, photo_validate

    def process(data: bytes) -> dict[str, float]:
        stages = {}
        start = time.perf_counter()
        validated = photo_validate(data)
        stages["validate"] = time.perf_counter()
        normalised = photo_normalise(validated)
        stages["normalise"] = time.perf_counter()
        photo_renditions(normalised.data)
        stages["renditions"] = time.perf_counter()
        previous, timings = start, {}
        for name, at in stages.items():
            timings[name] = at - previous
            previous = at
        timings["total"] = previous - start
        return timings

    data = path.read_bytes()
    small = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 160, 60)).save(small, format="JPEG")
    process(small.getvalue())  # warm-up: Pillow's plugins and encoders loaded
    before = max_rss_mb()
    if baseline:
        return {"rss_mb": before}
    timings = process(data)
    after = max_rss_mb()
    tracemalloc.start()
    process(data)
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": timings,
        "rss_mb": after,
        "rss_delta_in_child_mb": after - before,
        "python_peak_mb": python_peak / 2**20,
    }


def child_run(path: Path, *, baseline: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(path)]
    if baseline:
        command.append("--baseline")
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the generated JPEG here and keep it")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, baseline=args.baseline)))
        return 0
    if args.make:
        photo_make(args.make)
        return 0

    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "photo.jpg"
        started = time.perf_counter()
        # In a child too: this process stays small and imports no Pillow.
        subprocess.run([sys.executable, __file__, "--make", str(path)], check=True, cwd=ROOT)
        print(
            f"input: {SIZE[0]}x{SIZE[1]} JPEG ({SIZE[0] * SIZE[1] / 1e6:.0f} MP), "
            f"{path.stat().st_size / 2**20:.1f} MB, EXIF Orientation 6 + GPS "
            f"(made in {time.perf_counter() - started:.1f} s); {os.cpu_count()} CPUs",
            flush=True,
        )
        baselines, runs = [], []
        for number in range(1, args.runs + 1):
            baselines.append(child_run(path, baseline=True)["rss_mb"])
            run = child_run(path, baseline=False)
            runs.append(run)
            stages = "  ".join(f"{k} {v * 1000:.0f} ms" for k, v in run["seconds"].items())
            print(f"run {number}: {stages}  peak RSS {run['rss_mb']:.0f} MB", flush=True)

    totals = [run["seconds"]["total"] for run in runs]
    median = statistics.median(totals)
    baseline = statistics.median(baselines)
    peak_rss = max(run["rss_mb"] for run in runs)
    added = peak_rss - baseline
    print(
        "median per stage: "
        + "  ".join(
            f"{stage} {statistics.median(r['seconds'][stage] for r in runs) * 1000:.0f} ms"
            for stage in ("validate", "normalise", "renditions")
        )
    )
    print(
        f"time: median {median:.3f} s (min {min(totals):.3f}, max {max(totals):.3f}) over "
        f"{len(runs)} runs; target < {TARGET_SECONDS:.0f} s: "
        + ("met" if median < TARGET_SECONDS else "MISSED")
    )
    print(
        f"memory: peak RSS added by processing {added:.0f} MB (child peak {peak_rss:.0f} MB "
        f"- baseline child {baseline:.0f} MB; in-child delta max "
        f"{max(r['rss_delta_in_child_mb'] for r in runs):.0f} MB); Python allocations peak "
        f"{max(r['python_peak_mb'] for r in runs):.1f} MB (tracemalloc); "
        f"target < {TARGET_MB} MB: "
        + ("met" if peak_rss < TARGET_MB else "MISSED")
        + " (whole child process)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
