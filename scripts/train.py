"""Train the digit CNN on MNIST and save models/NAME.keras with models/NAME.json beside it.

    python scripts/train.py                                  # the shipped recipe, to models/trained-TIME.keras
    python scripts/train.py --preset quick --out models/quick.keras
    python scripts/train.py --preset standard --arch compact --epochs 8 --out /tmp/mine.keras
    python scripts/train.py --from models/digits.keras --corrections data/corrections.sqlite --out models/mine.keras
    python scripts/train.py --from models/digits.keras --corrections --out models/mine.keras  # the app's store

A preset sets every training setting; a flag given explicitly overrides it. With --from, it fine-tunes that
model on the corrections in a store instead ("Learn my handwriting"; digits/finetuning.py), or, when that model is
itself a fine-tune, the model it came from (ModelRegistry.origin).
"""

from __future__ import annotations

import argparse
import atexit
import logging
import math
import os
import signal
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digits.corrections import (FINE_TUNE_NEEDS, Corrections, CorrectionsError, can_learn_from,  # noqa: E402
                                 corrections_location, display_location, is_database_url)
from digits.data import (MNIST_DOWNLOAD_MB, MnistError, NamedFileMissing, find_mnist, keras_cache,  # noqa: E402
                         load_mnist)
from digits.quiet import tensorflow_quiet  # noqa: E402
from digits.recipes import (ARCHITECTURES, FEW_STEPS_SCORED, PRESETS, TRAINING_IMAGES, recipe,  # noqa: E402
                            too_few_steps)
from digits.registry import ModelRegistry, release, write_json_atomically  # noqa: E402
from digits.stopping import HOST, STOP_SIGNALS, stop_when_asked  # noqa: E402

if TYPE_CHECKING:
    from digits.training import ProgressFile


def positive(text: str) -> int:
    """A whole number of at least 1, for argparse."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def fraction(text: str) -> float:
    """0 (none) or a number above it and below 1 (a moving average's momentum, a share of each target), for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be 0 (none) or a number between 0 and 1, not {text!r}")
    return value


def above_zero(text: str) -> float:
    """A number above 0 (a learning rate), for argparse: at -1 the loss ran to millions, at 0 nothing was learned."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {text!r}")
    return value


def seed(text: str) -> int:
    """A seed TensorFlow takes, for argparse (it refused -1 only once imported, seconds later)."""
    if not text.isdigit() or int(text) >= 2**32:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**32 - 1, not {text!r}")
    return int(text)


def output_problem(out: str) -> str | None:
    """Why the model cannot be written at `out`, found before the training rather than after it (a Full training
    takes 25 minutes): not NAME.keras, a folder, or in a folder that cannot be made or written; None if it can.
    The folders it needs are made only as the model is saved: a training that failed had left them behind."""
    path = Path(out).absolute()
    if path.suffix != ".keras":
        return f"--out must be a file name ending in .keras, such as models/mine.keras, not {out!r}"
    if path.is_dir():
        return f"--out {out} is a folder; name the model file in it, such as {Path(out) / 'mine.keras'}"
    existing = next(folder for folder in path.parents if folder.exists())
    try:
        if not existing.is_dir():
            raise NotADirectoryError(0, f"{existing} is a file")
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as error:
        return f"--out {out}: cannot write in {existing} ({error.strerror or error})"
    return None


def say_download(done: int, total: int | None) -> None:
    """A line as a download of MNIST starts and one as it has all come, for load_mnist: 11 MB had come in silence,
    which on a slow line looked like a hang (a review, 2026-12-07)."""
    if done == 0:
        print(f"MNIST is not on this machine: downloading it ({MNIST_DOWNLOAD_MB} MB) into {keras_cache().parent}",
              flush=True)
    elif done == total:
        print("downloaded MNIST; checking it", flush=True)


def say_ended(progress: ProgressFile | None, args: argparse.Namespace, state: str, **figures) -> None:
    """Write how the run ended without a model (failed, with its error; cancelled) to --progress, for the page:
    through `progress` once there is one, else by itself (a store refused before TensorFlow is imported, or one the
    database cannot open: the page had said only that "the training process stopped unexpectedly", as it did of a
    cancel that the replica asking for it saw end too late)."""
    if progress:
        progress.write(state, **figures)
    elif args.progress:
        kind = "fine-tune" if args.base else "training"
        write_json_atomically(Path(args.progress), {"pid": os.getpid(), "host": HOST, "kind": kind, "model": args.out,
                                                    "state": state, **figures})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="MNIST .npz (default: $DIGITS_MNIST, then the Keras cache, then download)")
    parser.add_argument("--preset", choices=PRESETS, help="the recipe to start from (default: full)")
    parser.add_argument("--arch", choices=ARCHITECTURES, help="the network")
    parser.add_argument("--epochs", type=positive)
    parser.add_argument("--batch-size", type=positive)
    parser.add_argument("--learning-rate", type=above_zero, help="the peak of the one-cycle schedule")
    parser.add_argument("--ema", type=fraction, metavar="MOMENTUM",
                        help="keep a moving average of the weights with this momentum, 0 for none (full: 0.9995)")
    parser.add_argument("--label-smoothing", type=fraction, metavar="SHARE",
                        help="spread this share of each target over the ten digits, 0 for none (every preset: 0)")
    parser.add_argument("--seed", type=seed, default=1, help="the same seed reproduces the same model")
    parser.add_argument("--limit", type=positive, help="train on the first N training images only")
    parser.add_argument("--no-augment", action="store_true", help="train on plain MNIST")
    parser.add_argument("--from", dest="base", metavar="MODEL", help="fine-tune this model on --corrections instead")
    parser.add_argument("--corrections", nargs="?", const="", metavar="PATH_OR_URL",
                        help="with --from: the corrections store, a .sqlite file or a database URL (alone: the "
                             "app's, $DIGITS_DATABASE_URL or $DIGITS_DATA_DIR/corrections.sqlite)")
    parser.add_argument("--out", help="where to write the model (.keras; default: models/trained-TIME.keras, "
                                      "beside the shipped models/digits.keras, which only --out replaces)")
    parser.add_argument("--progress",
                        help="keep this JSON file up to date with the training's phase, progress and curves")
    parser.add_argument("--promote", action="store_true",
                        help="then serve the new model if it is at least as good as the current one in its folder "
                             "(unless another was chosen to serve meanwhile)")
    args = parser.parse_args()
    if (args.base is None) != (args.corrections is None):
        parser.error("--from and --corrections go together")
    # A fine-tune has a recipe of its own (finetuning.FINE_TUNE): these had been taken and done nothing (a review,
    # 2026-12-07).
    recipe_flags = (("--preset", args.preset), ("--arch", args.arch), ("--ema", args.ema), ("--limit", args.limit),
                    ("--label-smoothing", args.label_smoothing), ("--no-augment", args.no_augment or None))
    if args.base and (ignored := [flag for flag, given in recipe_flags if given is not None]):
        parser.error(f"{', '.join(ignored)}: not for a fine-tune (--from), which takes --epochs, --batch-size, "
                     "--learning-rate and --seed")
    args.preset = args.preset or "full"
    if args.out is not None and not args.out.strip():  # an unset shell variable: it had trained to the default name
        parser.error("--out is empty: name the model file, NAME.keras")
    if args.base and not Path(args.base).is_file():
        parser.error(f"--from {args.base}: no such model file")
    # Alone, --corrections names the app's store, which the app makes as it keeps the first drawing: one not made
    # yet had been made empty here, and the fine-tune then failed without naming it (a review, 2026-12-07).
    try:
        named, args.corrections = args.corrections, args.corrections or (corrections_location() if args.base else None)
    except CorrectionsError as error:  # $DIGITS_DATABASE_URL that is no URL
        parser.error(f"--corrections: {error}")
    if args.corrections and not is_database_url(args.corrections) and not Path(args.corrections).is_file():
        parser.error(f"--corrections {args.corrections}: no such file " + (
            "(a new, empty store would have been made)" if named else
            "yet: the app's store is made as its Draw page keeps the first drawing"))
    if args.data is not None and not args.data.strip():  # an unset shell variable, as with --out
        parser.error("--data is empty: name the MNIST file, mnist.npz (or leave --data out to look for it)")
    if args.data:  # one not there had been found 7 s on, TensorFlow in (a review, 2026-12-07)
        try:
            find_mnist(args.data, download=False)
        except NamedFileMissing as error:
            parser.error(f"--data: {str(error).splitlines()[0]}")
    if args.limit and args.limit > TRAINING_IMAGES:
        parser.error(f"--limit {args.limit}: there are {TRAINING_IMAGES:,} training images (the rest of MNIST's "
                     "60,000 is kept for the validation curves)")
    # Without --out, a new name: it was models/digits.keras, and a 10-image try replaced the shipped model with
    # one of 18.52% (a review, 2026-12-05).
    args.out = args.out or str(ModelRegistry().new_model_path("handwriting" if args.base else "trained"))
    # The name new_model_path held for this run (or for the page's, which names it in --out) is free again as it ends,
    # its model saved or not.
    atexit.register(release, args.out)
    if problem := output_problem(args.out):
        parser.error(problem)
    settings = recipe(args.preset, arch=args.arch, epochs=args.epochs, batch_size=args.batch_size,
                      learning_rate=args.learning_rate, ema=args.ema, label_smoothing=args.label_smoothing,
                      limit=args.limit,
                      augment=False if args.no_augment else None)
    STOP_SIGNALS.catch()  # Ctrl-C and a cancel
    if args.progress:  # a page's training, which a replica on another host may cancel
        stop_when_asked(Path(args.progress).with_suffix(".cancel"), args.out)
    # The library logs a store's failure for a server's log; here the error is said once, below (it came twice).
    logging.getLogger("digits").addHandler(logging.NullHandler())
    # Keras' progress bar in a terminal; elsewhere (the page's log, a pipe) a line an epoch, not a bar's every redraw.
    verbose = 1 if sys.stdout.isatty() else 2
    progress = None
    try:  # from the handler on: a Ctrl-C anywhere after it is one line (it could land in the warning's print)
        if not args.base and (few := too_few_steps(settings["limit"], settings["epochs"], settings["batch_size"],
                                                     settings["augment"])):  # as the sidebar says it
            print(f"warning: {few} ({FEW_STEPS_SCORED})", file=sys.stderr)
        # The model serving as it starts: --promote replaces no other. One chosen in Serve model while a fine-tune
        # learned had been replaced by it, though it was compared with the one before (noticed 2026-12-07).
        registry = ModelRegistry(Path(args.out).parent)
        serving_then = registry.current_path().resolve()
        serving = None  # the fine-tune serving that --promote would replace, which the new one must read as well as
        if args.base:
            beside = ModelRegistry(Path(args.base).parent)
            origin = beside.origin(Path(args.base))
            if args.promote and serving_then.is_file():
                serving = serving_then if beside.metadata(serving_then).get("fine_tuned_from") else None
            if origin != Path(args.base):
                print(f"{Path(args.base).name} is a fine-tune: starting from {origin.name}, the model it came from")
            elif came_from := beside.metadata(origin).get("fine_tuned_from"):  # said nothing (a review, 2026-12-07)
                print(f"warning: {origin.name} is a fine-tune of {came_from}, which is not beside it: fine-tuning it "
                      f"again, it may read the drawings held out as learned already; put {came_from} in "
                      f"{origin.parent} to start from it", file=sys.stderr)
            args.base = str(origin)
            # Checked as the sidebar checks it before offering the button: a store of drawings all read right had
            # been fine-tuned on for minutes, to a model that could not pass (its held-out drawings read right
            # before as after).
            counts, _, teaching = Corrections(args.corrections).tally()
            if not can_learn_from(counts, teaching):
                total = sum(counts.values())
                kept = f"{total} drawing{'' if total == 1 else 's'} kept" + (
                    ", all read right" if total and not any(teaching.values()) else "")
                raise ValueError(f"nothing to learn in {display_location(args.corrections)} ({kept}). A fine-tune "
                                 f"needs {FINE_TUNE_NEEDS}.")
            fields = {"kind": "fine-tune",
                      "settings": {"from": origin.name, "corrections": display_location(args.corrections)}}
        else:
            fields = {"kind": "training", "settings": {"preset": args.preset, **settings}}
        # TensorFlow is imported here, not at the top: the workers that draw the training material
        # (digits/synthesis.py) are spawned, and run this script's top level again; with TensorFlow in it, drawing
        # into an empty cache took 20.7 s instead of 14.8 s (2026-12-01). A Ctrl-C in its 4.5 s had printed a
        # traceback.
        with tensorflow_quiet():
            from digits.training import ProgressFile, train_and_save

        progress = ProgressFile(args.progress, model=args.out, **fields) if args.progress else None
        if progress:
            progress.write("loading")
        mnist = load_mnist(args.data, progress=say_download)
        if args.base:
            from digits.finetuning import fine_tune_and_save  # imports TensorFlow, as train_and_save's module does

            flags = {"epochs": args.epochs, "batch_size": args.batch_size, "learning_rate": args.learning_rate}
            metadata = fine_tune_and_save(args.base, args.corrections, mnist, args.out, args.seed, progress, verbose,
                                          serving, **{k: v for k, v in flags.items() if v is not None})
        else:
            metadata = train_and_save(mnist, args.out, seed=args.seed, progress=progress, preset=args.preset,
                                      verbose=verbose, **settings)
    except SystemExit:  # a cancel's SIGTERM (stopping.StopSignals)
        if STOP_SIGNALS.received == signal.SIGTERM:
            say_ended(progress, args, "cancelled")
        raise
    except (KeyboardInterrupt, Exception) as error:
        # Ctrl-C: one line, not a traceback; no temporary files. Raised in Python code that TensorFlow runs (which
        # traces the functions it runs the first time), it comes out as an error of TensorFlow's.
        if isinstance(error, KeyboardInterrupt) or STOP_SIGNALS.received == signal.SIGINT:
            say_ended(progress, args, "failed", error="interrupted")
            print("interrupted: no model saved", file=sys.stderr)
            return 130
        if STOP_SIGNALS.received == signal.SIGTERM:  # a cancel, come out as an error of TensorFlow's the same way
            say_ended(progress, args, "cancelled")
            return 143
        if isinstance(error, (MnistError, CorrectionsError, ValueError, OSError)):
            say_ended(progress, args, "failed", error=str(error))
            print(f"error: {error}", file=sys.stderr)
            return 2
        # A bug or an exhausted machine: the page hears why, the log gets the traceback.
        say_ended(progress, args, "failed", error=f"{type(error).__name__}: {error}")
        traceback.print_exc()
        return 1
    print(f"saved {args.out}: test accuracy {metadata['test_accuracy']:.2%}, "
          f"{metadata['training_seconds']:.0f} s of training, {metadata['parameters']:,} parameters")
    now = registry.current_path()  # another model chosen to serve meanwhile (Serve model) serves on
    chosen = now.stem if args.promote and now.resolve() != serving_then else None
    if args.base:  # a fine-tune must learn the held-out corrections and keep MNIST (finetuning.promotion)
        worthy, reason = metadata["promote"], metadata["reason"]
        print(("it learned your handwriting: " if worthy else "it does not pass: ") + reason)
        # Said in the past tense: the page shows it for an hour, whatever serves since (a review, 2026-12-07).
        if worthy and chosen:
            reason = f"it passed, but {chosen} was chosen to serve while it learned ({reason})"
            print(f"not serving it: {chosen} was chosen to serve while it learned")
        promoted = worthy and args.promote and not chosen
        if promoted:
            registry.use(args.out)
    elif chosen:
        promoted, reason = False, f"not compared: {chosen} was chosen to serve while it trained"
        print(f"not serving it: test accuracy {metadata['test_accuracy']:.2%}, {reason}")
    elif args.promote:
        promoted, reason = registry.promote_if_better(args.out)
        print(("now serving it: " if promoted else "not serving it: ")
              + f"test accuracy {metadata['test_accuracy']:.2%}, {reason}")
    else:
        promoted, reason = False, ""
    if progress:
        figures = {k: v for k, v in metadata.items() if k.startswith(("test_accuracy", "corrections_"))}
        progress.write("done", **figures, promoted=promoted, reason=reason)
    return 0


if __name__ == "__main__":
    sys.exit(main())
