"""Read the digit, or with --number the whole number, in each image file: drawings, scans and photos
(PNG, JPEG or WebP, at most 20 MB; folders are searched).

    python scripts/predict.py digit.png scans/
    python scripts/predict.py --top 3 --json digit.png
    python scripts/predict.py --number photo-of-2026.jpg
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits import Recognizer  # noqa: E402
from digits.photos import MAX_BYTES, PhotoError, open_photo  # noqa: E402


def image_files(paths: list[str]) -> list[Path]:
    """The files named, with the files inside each folder named, in order."""
    files = []
    for path in map(Path, paths):
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def read_bytes(path: Path) -> bytes:
    """The file's bytes; PhotoError if it is missing, unreadable or over the size limit."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PhotoError(f"the file is {path.stat().st_size / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise PhotoError("no such file") from None
    except IsADirectoryError:
        raise PhotoError("a folder, not a file") from None
    except OSError as error:
        raise PhotoError(f"cannot be read ({error.strerror or error})") from None


def read_file(recognizer: Recognizer, path: Path, top: int, number: bool) -> dict:
    """What the recognizer reads in one file, or why it could not."""
    try:
        result = recognizer.recognize_photo(open_photo(read_bytes(path)), number=number)
    except PhotoError as error:
        return {"file": str(path), "error": str(error)}
    if result is None:
        return {"file": str(path), "error": "blank: no digit found"}
    digits = [
        {"digit": d.digit, "confidence": round(d.confidence, 4), "unsure": d.unsure, "box": list(box),
         "top": [{"digit": k, "probability": round(p, 4)} for k, p in d.top(top)]}
        for d, box in zip(result.digits, result.boxes)
    ]
    if number:
        return {"file": str(path), "number": result.text, "unsure": result.unsure, "digits": digits}
    return {"file": str(path), **digits[0]}


def describe(result: dict) -> str:
    """One line for a file read: the digit or number and how sure."""
    if "number" in result:
        unsure = [str(i + 1) for i, d in enumerate(result["digits"]) if d["unsure"]]
        return result["number"] + (f"  (unsure of digit {', '.join(unsure)})" if unsure else "")
    guesses = ", ".join(f"{t['digit']} ({t['probability']:.1%})" for t in result["top"])
    return guesses + ("  (unsure)" if result["unsure"] else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    parser.add_argument("--top", type=int, default=1, metavar="K", help="show the K most likely digits")
    parser.add_argument("--number", action="store_true", help="read a whole number of one or more digits")
    parser.add_argument("--json", action="store_true", help="print one JSON list instead of lines")
    parser.add_argument("--model", help="a .keras model (default: the shipped model)")
    args = parser.parse_args()
    if not 1 <= args.top <= 10:
        parser.error("--top must be between 1 and 10")
    try:
        recognizer = Recognizer.load(args.model)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    results = [read_file(recognizer, path, args.top, args.number) for path in image_files(args.paths)]
    if args.json:
        print(json.dumps(results, indent=2))
    for result in results:
        if "error" in result:
            print(f"{result['file']}: error: {result['error']}", file=sys.stderr)
        elif not args.json:
            print(f"{result['file']}: {describe(result)}")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
