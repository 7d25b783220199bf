"""Read the digit in each image file (PNG, JPG or any format Pillow opens; folders are searched).

    python scripts/predict.py digit.png scans/
    python scripts/predict.py --top 3 --json digit.png
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, UnidentifiedImageError  # noqa: E402

from digits import Recognizer  # noqa: E402


def image_files(paths: list[str]) -> list[Path]:
    """The files named, with the files inside each folder named, in order."""
    files = []
    for path in map(Path, paths):
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def read_file(recognizer: Recognizer, path: Path, top: int) -> dict:
    """What the recognizer reads in one file, or why it could not."""
    try:
        with Image.open(path) as image:
            image.load()
            result = recognizer.recognize(image)
    except FileNotFoundError:
        return {"file": str(path), "error": "no such file"}
    except (UnidentifiedImageError, OSError, ValueError) as error:
        reason = "not an image" if isinstance(error, UnidentifiedImageError) else str(error)
        return {"file": str(path), "error": reason}
    if result is None:
        return {"file": str(path), "error": "blank: no digit found"}
    return {
        "file": str(path),
        "digit": result.digit,
        "confidence": round(result.confidence, 4),
        "unsure": result.unsure,
        "top": [{"digit": d, "probability": round(p, 4)} for d, p in result.top(top)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    parser.add_argument("--top", type=int, default=1, metavar="K", help="show the K most likely digits")
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
    results = [read_file(recognizer, path, args.top) for path in image_files(args.paths)]
    if args.json:
        print(json.dumps(results, indent=2))
    for result in results:
        if "error" in result:
            print(f"{result['file']}: error: {result['error']}", file=sys.stderr)
        elif not args.json:
            guesses = ", ".join(f"{t['digit']} ({t['probability']:.1%})" for t in result["top"])
            print(f"{result['file']}: {guesses}{'  (unsure)' if result['unsure'] else ''}")
    return 1 if any("error" in result for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
