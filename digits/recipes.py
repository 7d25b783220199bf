"""The training recipes: named presets shared by the page and scripts/train.py.

Kept apart from digits.training so the page can list them without importing TensorFlow.
"""

from __future__ import annotations

# The networks of digits.model, described for the page (which does not import TensorFlow to list them).
ARCHITECTURES = {
    "vgg": "vgg: five convolutions, the most accurate",
    "compact": "compact: three convolutions, about 3x faster to train",
    "keras-example": "keras-example: the plain Keras example convnet",
}

DEFAULTS = {"arch": "vgg", "epochs": 20, "batch_size": 128, "learning_rate": 3e-3, "limit": None, "augment": True}

# Each preset's figures (MNIST test accuracy, seconds from the command to the saved, evaluated model) come
# from scripts/benchmark_presets.py on this project's 2-core CPU; the README has them.
PRESETS = {
    "quick": {"arch": "compact", "epochs": 2, "batch_size": 128, "learning_rate": 4e-3},
    "standard": {"arch": "vgg", "epochs": 5},
    "full": {},  # the shipped model's recipe
}

DESCRIPTIONS = {
    "quick": "Quick: the compact network, 2 epochs (under 2 minutes)",
    "standard": "Standard: 5 epochs (under 10 minutes)",
    "full": "Full: the shipped model's recipe, 20 epochs (about 40 minutes)",
}


def recipe(preset: str = "full", **overrides) -> dict:
    """A preset's complete settings, with `overrides` (those not None) on top."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    return {**DEFAULTS, **PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None}}
