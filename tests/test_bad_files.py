"""Over a thousand bad files through scripts/predict.py in one run: empty, cut short at many offsets, claiming
billions of pixels, random bytes, the wrong name, and what a file system holds besides files (pipes, loops of
links, links to nothing, folders without files, files without permission). Each gets one clear error line.
Run as root, which reads files without permission all the same, those are refused for what they hold instead."""

import io
import os
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digits.drawing import PLAIN, render
from digits.photos import BLANK
from tests.conftest import run_script

SEED = 1234  # the corpus's own: the same bad files on every run
ERROR_LINE = re.compile(r"(?P<path>.+): error: (?P<why>.+)")
CUT_SHORT = "cut short"  # a file cut at a place Pillow or open_photo notices
NOT_AN_IMAGE = "This file is not an image"  # a file cut within its first bytes, or random ones
TOO_LARGE = "has more than 50 million pixels"


def encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk with its length and a valid CRC, so that only what it says can be wrong."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed RGB PNG whose header claims width x height, with a few bytes of pixels."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(bytes(100))) + png_chunk(b"IEND", b"")


def tiff_claiming(width: int, height: int) -> bytes:
    """A little-endian TIFF whose one directory claims a grey image of width x height."""
    tags = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
            (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, 0)]
    return b"II*\0" + struct.pack("<IH", 8, len(tags)) + b"".join(struct.pack("<HHII", *t) for t in tags) + bytes(4)


def patched(data: bytes, at: int, value: bytes) -> bytes:
    return data[:at] + value + data[at + len(value):]


def size_claims() -> dict[str, tuple[bytes, str]]:
    """Files whose headers claim sizes they do not hold, most far more pixels than any photo, one none at all:
    name -> (bytes, a pattern of what predict.py says)."""
    small = Image.new("L", (8, 8), 255)
    jpeg, gif = encoded(small, "JPEG"), encoded(small, "GIF")
    start_of_frame, gif_frame = jpeg.index(b"\xff\xc0"), gif.index(b",", 13)  # the sizes follow these markers
    webp_canvas = b"VP8X" + struct.pack("<I", 10) + bytes(4) + (16383).to_bytes(3, "little") * 2
    return {
        "huge.png": (png_claiming(100_000, 100_000), TOO_LARGE),
        "60-megapixels.png": (png_claiming(1, 60_000_000), TOO_LARGE),  # over ours, under Pillow's warning
        "100-megapixels.png": (png_claiming(10_000, 10_000), TOO_LARGE),  # between Pillow's warning and its error
        "40-megapixels.png": (png_claiming(20_000, 2_000), CUT_SHORT),  # allowed, but its pixels are not there
        "zero-width.png": (png_claiming(0, 10), NOT_AN_IMAGE),
        "huge.jpg": (patched(jpeg, start_of_frame + 5, struct.pack(">HH", 65_000, 65_000)), TOO_LARGE),
        "huge.gif": (patched(patched(gif, 6, struct.pack("<HH", 65_535, 65_535)), gif_frame + 5,
                             struct.pack("<HH", 65_535, 65_535)), TOO_LARGE),
        "huge.bmp": (patched(encoded(small, "BMP"), 18, struct.pack("<ii", 100_000, 100_000)), TOO_LARGE),
        "huge.tif": (tiff_claiming(100_000, 100_000), TOO_LARGE),
        "huge.webp": (b"RIFF" + struct.pack("<I", 4 + len(webp_canvas)) + b"WEBP" + webp_canvas, TOO_LARGE),
    }


def pictures_of_a_seven() -> dict[str, bytes]:
    """A dark 7 on white in each format read: file extension -> bytes."""
    seven = Image.fromarray(255 - render(PLAIN[7], 150, (100, 100), 12, size=200)[..., 3]).convert("RGB")
    return {"png": encoded(seven, "PNG"), "jpg": encoded(seven, "JPEG", quality=85),
            "progressive.jpg": encoded(seven, "JPEG", quality=85, progressive=True),
            "webp": encoded(seven, "WEBP", quality=80)}


def cut_offsets(length: int, rng: np.random.Generator, between: int) -> list[int]:
    """Where to cut a file: after each of its first 63 bytes and before each of its last 64, where headers and
    end markers are, and at `between` places in the middle."""
    middle = rng.integers(64, length - 64, between)
    return sorted({*range(1, 64), *range(length - 64, length), *middle.tolist()})


def write_corpus(folder: Path, rng: np.random.Generator) -> dict[Path, str]:
    """Bad files in `folder` (and a folder inside it): each path -> a pattern its error must match. The pictures
    cut short are of a 7, so that one read in spite of being cut would show up as a digit read."""
    expected = {}

    def write(name: str, data: bytes, why: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[path] = why

    blank = Image.new("RGB", (64, 64), (250, 250, 250))
    for name in ["empty.png", "empty.jpg", "empty.jpeg", "empty.webp", "empty", ".empty", "nested/empty.png"]:
        write(name, b"", "The file is empty")

    # Cut short everywhere in the header, at the end, and at places in the middle.
    originals = pictures_of_a_seven()
    for kind, data in originals.items():
        for cut in cut_offsets(len(data), rng, between=140):
            write(f"cut/{kind.split('.')[0]}/seven-{cut:05d}.{kind}", data[:cut], f"{CUT_SHORT}|{NOT_AN_IMAGE}")

    for name, (data, why) in size_claims().items():
        write(name, data, why)

    # Random bytes, bare or behind the first bytes of a real image, under any name.
    extensions = ["png", "jpg", "jpeg", "webp", "gif", "txt", "bin"]
    for i in range(150):
        data = rng.bytes(int(rng.integers(1, 5000)))
        write(f"random/{i:03d}.{extensions[i % len(extensions)]}", data, NOT_AN_IMAGE)
    for i in range(60):
        kind = ["png", "jpg", "webp"][i % 3]
        magic = originals[kind][: int(rng.integers(8, 40))]
        write(f"random/{kind}-header-{i:02d}.{kind}", magic + rng.bytes(int(rng.integers(1, 3000))),
              f"{CUT_SHORT}|{NOT_AN_IMAGE}")

    # The wrong name: read by what the bytes are, so a blank page is blank and other formats are refused.
    write("a jpeg named.png", encoded(blank, "JPEG"), re.escape(BLANK))
    write("a png named.webp", encoded(blank, "PNG"), re.escape(BLANK))
    write("text.jpg", b"a shopping list, not a photo\n", NOT_AN_IMAGE)
    write("page.png", b"<!doctype html><title>404 Not Found</title>", NOT_AN_IMAGE)
    seven = Image.open(io.BytesIO(originals["png"]))
    write("seven-gif.png", encoded(seven, "GIF"), "This is a GIF image")
    write("seven-bmp.jpg", encoded(seven, "BMP"), "This is a BMP image")
    write("seven-tiff.webp", encoded(seven, "TIFF"), "This is a TIFF image")
    write("ünï cödé 7.png", b"\x89PNG\r\n\x1a\n", NOT_AN_IMAGE)

    # Larger than the limit: sparse, so that writing it costs nothing.
    with open(folder / "oversized.png", "wb") as file:
        file.truncate(21_000_000)  # 21 MB, as the page's uploader counts them
    expected[folder / "oversized.png"] = r"The file is 21.0 MB; the limit is 20 MB\.$"

    # What else a folder holds: pipes, links to nothing, loops of links, a link back up to a folder above.
    os.mkfifo(folder / "pipe.png")
    expected[folder / "pipe.png"] = "Not a plain file"
    (folder / "dangling.png").symlink_to(folder / "gone.png")
    expected[folder / "dangling.png"] = r"No such file \(a link to a missing file\)\.$"
    (folder / "loop-a.png").symlink_to(folder / "loop-b.png")
    (folder / "loop-b.png").symlink_to(folder / "loop-a.png")
    (folder / "self.png").symlink_to(folder / "self.png")
    for name in ["loop-a.png", "loop-b.png", "self.png"]:
        expected[folder / name] = r"The file cannot be read \(Too many levels of symbolic links\)\.$"
    (folder / "nested" / "deeper").mkdir()
    (folder / "nested" / "deeper" / "up").symlink_to(folder, target_is_directory=True)
    expected[folder / "nested" / "deeper" / "up"] = "A link to a folder, not followed"
    (folder / "nothing here").mkdir()  # an empty folder inside the one named: nothing to read, nothing to say
    return expected


def unreadable(path: Path) -> bool:
    """Take every permission off `path`; False if this process reads it all the same (as root does)."""
    path.chmod(0)
    return not os.access(path, os.R_OK)


@pytest.fixture
def corpus(tmp_path):
    """The paths to name on the command line, each bad file's expected error pattern, and the good files."""
    folder = tmp_path / "corpus"
    expected = write_corpus(folder, np.random.default_rng(SEED))

    # Without permission: refused by the system, or as root read and refused for what they hold.
    locked_file, locked_folder = folder / "locked.png", folder / "locked folder"
    locked_file.write_bytes(b"\x89PNG\r\n")
    locked_folder.mkdir()
    (locked_folder / "inside.png").write_bytes(b"")
    denied = r"\(Permission denied\)"
    expected[locked_file] = denied if unreadable(locked_file) else NOT_AN_IMAGE
    expected.update({locked_folder: denied} if unreadable(locked_folder) else
                    {locked_folder / "inside.png": "The file is empty"})

    # Named on the command line, beside the folder: what can only be named, not found in a folder.
    named = tmp_path / "named"
    (named / "no files").mkdir(parents=True)
    (named / "file.png").write_bytes(b"")
    expected |= {
        named / "missing.png": r"No such file\.$",
        named / "no files": "A folder with no files in it.",
        named / "file.png" / "inside.png": r"The file cannot be read \(Not a directory\)\.$",
        named / ("long" * 100 + ".png"): r"The file cannot be read \(File name too long\)\.$",
        Path("/dev/zero"): "Not a plain file",  # its size says 0, and reading it never ends
    }
    # The pictures the bad ones were cut from, whole: read as 7 in the same run.
    good = tmp_path / "good"
    good.mkdir()
    for name, data in pictures_of_a_seven().items():
        (good / f"seven.{name}").write_bytes(data)
    yield [folder, good, *[path for path in expected if not path.is_relative_to(folder)]], expected, good
    for path in (locked_file, locked_folder):  # permissions back, so that the temporary folder can be removed
        path.chmod(0o700)


def test_every_bad_file_gets_one_clear_error_line(corpus):
    paths, expected, good = corpus
    assert len(expected) >= 1000
    done = run_script("predict.py", *paths)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 1
    # Only the good files are read, each as the 7 it is.
    read = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert sorted(read) == sorted(str(path) for path in good.iterdir())
    assert all(reading.startswith("7 (") for reading in read.values()), read
    # Each bad file has exactly one error line, and the line says what is wrong with it.
    lines = done.stderr.splitlines()
    reported = [ERROR_LINE.fullmatch(line) for line in lines]
    errors = [(Path(match["path"]), match["why"]) for match in reported if match]
    assert sorted(path for path, _ in errors) == sorted(expected)
    wrong = {str(path): why for path, why in errors if not re.search(expected[path], why)}
    assert not wrong, f"{len(wrong)} files with an unexpected error, e.g. {list(wrong.items())[:5]}"
    # No other line: Pillow's warning of a decompression bomb had come before the error line of a file of 100
    # million pixels (a review, 2026-12-07).
    assert not [line for line, match in zip(lines, reported) if not match]
