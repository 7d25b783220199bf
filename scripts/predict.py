"""Read the digit, or with --number the whole number, in each image file: drawings, scans and photos
(PNG, JPEG or WebP, at most 20 MB; folders are searched).

    python scripts/predict.py digit.png scans/
    python scripts/predict.py --top 3 --json digit.png
    python scripts/predict.py --number photo-of-2026.jpg
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.quiet import tensorflow_quiet  # noqa: E402
from digits.numbers import ordinal, places, places_unlike_digits  # noqa: E402
from digits.photos import MAX_BYTES, PhotoError, open_photo, over_the_limit, photo_ink  # noqa: E402
from digits.registry import SHIPPED, ModelRegistry  # noqa: E402

if TYPE_CHECKING:
    from digits import Recognizer


def image_files(paths: list[str]) -> list[tuple[Path, str | None]]:
    """Each path named, or for a folder the entries inside it, each with why it cannot be read when the search
    already knows (None for the files to read)."""
    found = []
    for path in map(Path, paths):
        if os.path.isdir(path):
            found += folder_entries(path) or [(path, "A folder with no files in it.")]
        else:  # a file, or something read_bytes will say is wrong with it
            found.append((path, None))
    return found


def folder_entries(top: Path) -> list[tuple[Path, str | None]]:
    """Everything under a folder that is not a folder, sorted, with why it cannot be read when that is known
    already: links to folders are listed, not followed, so that a loop of links cannot trap the search, and
    a folder that cannot be listed is named rather than skipped."""
    entries = []

    def unlisted(error: OSError) -> None:
        entries.append((Path(error.filename), f"The folder cannot be listed ({error.strerror})."))

    for folder, folders, files in os.walk(top, onerror=unlisted):
        entries += [(Path(folder, name), None) for name in files]  # links to nothing or in a loop among them
        entries += [(Path(folder, name), "A link to a folder, not followed: name the folder itself to read it.")
                    for name in folders if os.path.islink(os.path.join(folder, name))]
    return sorted(entries)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; PhotoError if it is missing, not a plain file, unreadable or over the size limit."""
    try:
        # Opened without waiting (a FIFO would wait for a writer), then only a plain file is read: a device
        # such as /dev/zero never ends, and its size says 0.
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise PhotoError("Not a plain file (a folder, a pipe or a device).")
            if status.st_size > MAX_BYTES:
                raise PhotoError(over_the_limit(status.st_size))
            return file.read(MAX_BYTES + 1)  # a file that grows meanwhile is cut there, and open_photo refuses it
    except FileNotFoundError:
        raise PhotoError("No such file" + (" (a link to a missing file)." if os.path.islink(path) else ".")) from None
    except OSError as error:  # no permission, a loop of links, a name too long, a file on the way...
        raise PhotoError(f"The file cannot be read ({error.strerror or error}).") from None


def read_file(recognizer: Recognizer, path: Path, top: int, number: bool) -> dict:
    """What the recognizer reads in one file, or why it could not."""
    try:
        found = photo_ink(open_photo(read_bytes(path)))
    except PhotoError as error:
        return {"file": str(path), "error": str(error)}
    read = recognizer.read_photo(found, number=number)
    if read.reading is None:
        return {"file": str(path), "error": read.nothing}
    result = read.reading
    digits = [
        {"digit": d.digit, "confidence": round(d.confidence, 4), "unsure": d.unsure,
         "looks_like_a_digit": d.looks_like_a_digit, "box": list(box),
         "top": [{"digit": k, "probability": round(p, 4)} for k, p in d.top(top)]}
        for d, box in zip(result.digits, result.boxes)
    ]
    if number:
        return {"file": str(path), "number": result.text, "unsure": result.unsure, "digits": digits,
                "dashes": sorted(result.dashes), "marks": [[place, mark] for place, mark, _ in result.marks],
                "level_lines_left_out": result.level_lines_left_out}
    return {"file": str(path), **digits[0], "looks_like_a_number": read.looks_like_a_number}


def likeliest(top: list[dict]) -> str:
    """A digit's likeliest readings (read_file's "top") in words: "0 (99.1%), 6 (0.8%)"."""
    return ", ".join(f"{t['digit']} ({t['probability']:.1%})" for t in top)


def describe(result: dict) -> str:
    """One line for a file read: the digit or number and how sure; for a number read with --top 2 or more, a line
    more for each digit, its likeliest readings ("  2nd digit: 0 (99.1%), 6 (0.8%)")."""
    if "number" in result:
        unsure = [place for place, d in enumerate(result["digits"], start=1) if d["unsure"]]
        strange = [place for place, d in enumerate(result["digits"], start=1) if not d["looks_like_a_digit"]]
        lines = result["level_lines_left_out"]
        tops = [f"\n  {ordinal(place)} digit: {likeliest(d['top'])}"
                for place, d in enumerate(result["digits"], start=1) if len(d["top"]) > 1]
        return (result["number"] + (f"  (unsure of {places(unsure)})" if unsure else "")
                + (f"  ({places_unlike_digits(strange)})" if strange else "")
                + (f"  ({lines} level line{'s' if lines > 1 else ''} left out: a line is no digit)" if lines else "")
                + "".join(tops))
    guesses = likeliest(result["top"])
    if result["looks_like_a_number"]:
        return guesses + "  (looks like a number: read it with --number)"
    if not result["looks_like_a_digit"]:  # a smiley, a letter: the model reads it as a digit all the same
        return guesses + "  (looks like no digit)"
    return guesses + ("  (unsure)" if result["unsure"] else "")


def load_recognizer(model: str | None) -> Recognizer:
    """The recognizer of the `model` file, or else of the model the app serves, as the pages read with it, saying so
    on stderr when it is not the shipped one (a review's promoted Quick model served the pages while this read with
    the shipped one, unsaid); the shipped one, with why, where the chosen one cannot be used, as the pages fall back.

    TensorFlow is imported here, once the arguments are checked: --help and a mistyped flag had waited 7 s for it.
    """
    with tensorflow_quiet():
        from digits import Recognizer
    if model:
        return Recognizer.load(model)
    registry = ModelRegistry()
    serving, problem = registry.serving()
    if serving.name != SHIPPED:
        try:
            recognizer = Recognizer.load(serving)
            print(f"reading with {serving.stem}, the model the app serves (--model to choose another)", file=sys.stderr)
            return recognizer
        except ValueError as error:
            problem = f"The model chosen to serve cannot be used: {error}"
    if problem:
        print(f"{problem} Reading with the shipped model.", file=sys.stderr)
    return Recognizer.load(registry.folder / SHIPPED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    parser.add_argument("--top", type=int, default=1, metavar="K",
                        help="show the K most likely digits (with --number, each digit's, on a line of its own)")
    parser.add_argument("--number", action="store_true", help="read a whole number of one or more digits")
    parser.add_argument("--json", action="store_true", help="print one JSON list instead of lines")
    parser.add_argument("--model", help="a .keras model (default: the one the app serves, at first the shipped "
                                        "models/digits.keras)")
    args = parser.parse_args()
    # Pillow warns of a picture over 89 million pixels as it opens it, where open_photo refuses one over 50 million
    # itself: the warning had come before the file's one line of error. (The server cannot filter it: warning
    # filters are the process's, shared by its sessions' threads.)
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    if not 1 <= args.top <= 10:
        parser.error("--top must be between 1 and 10")
    try:
        recognizer = load_recognizer(args.model)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # in TensorFlow's import, the first seconds: its traceback had come out
        print("interrupted before any file was read", file=sys.stderr)
        return 130
    # A line for each file as it is read: a folder of 300 photos (0.8 s each) had been 4 minutes of silence, and
    # Ctrl-C had thrown away every answer with a traceback (a review, 2026-12-07). Only --json waits for them all.
    results = []
    try:
        for path, why in image_files(args.paths):
            results.append(result := {"file": str(path), "error": why} if why else
                           read_file(recognizer, path, args.top, args.number))
            if "error" in result:
                print(f"{result['file']}: error: {result['error']}", file=sys.stderr, flush=True)
            elif not args.json:
                print(f"{result['file']}: {describe(result)}", flush=True)
    except KeyboardInterrupt:
        print(f"interrupted after {len(results)} file{'s' if len(results) != 1 else ''}", file=sys.stderr)
        if args.json:  # what was read, still one JSON list: it had all been thrown away
            print(json.dumps(results, indent=2))
        return 130
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
