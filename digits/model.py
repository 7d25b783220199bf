"""The CNN that reads digits, and the augmentation that makes MNIST look like canvas drawings."""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="digits")
class RandomStrokeWidth(layers.Layer):
    """Thicken or thin the strokes of some training images (grey-scale dilation or erosion, 3x3).

    Canvas pens draw strokes of one width, often thicker or thinner than MNIST's; this teaches the
    model that stroke width does not change the digit. Does nothing at inference.
    """

    def __init__(self, thicken: float = 0.25, thin: float = 0.1, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.thicken, self.thin, self.seed = thicken, thin, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        thick = ops.max_pool(images, 3, strides=1, padding="same")
        thin = -ops.max_pool(-images, 3, strides=1, padding="same")
        roll = keras.random.uniform((ops.shape(images)[0], 1, 1, 1), seed=self.seed_generator)
        return ops.where(roll < self.thicken, thick, ops.where(roll > 1 - self.thin, thin, images))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "thicken": self.thicken, "thin": self.thin, "seed": self.seed}


def build_augmentation(seed: int | None = None) -> keras.Sequential:
    """Random rotation, scale, shift, shear and stroke width, active only while training."""
    fill = {"fill_mode": "constant", "fill_value": 0.0}
    return keras.Sequential(
        [
            layers.RandomRotation(0.03, seed=seed, **fill),  # up to about 11 degrees either way
            layers.RandomZoom((-0.12, 0.12), seed=seed, **fill),  # same zoom on both axes
            layers.RandomTranslation(0.08, 0.08, seed=seed, **fill),  # about 2 pixels
            layers.RandomShear(0.15, 0.0, seed=seed, **fill),  # slant, as in handwriting
            RandomStrokeWidth(seed=seed),
        ],
        name="augmentation",
    )


def build_model() -> keras.Model:
    """A small VGG-style CNN: five convolutions with batch norm in three blocks, then a dense softmax head.

    This is the model that is saved and served; training puts `build_augmentation()` in front of it.
    """

    def conv(x, filters, size):
        x = layers.Conv2D(filters, size, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)  # settles fast, for short runs too
        return layers.Activation("relu")(x)

    inputs = keras.Input(shape=(28, 28, 1), name="image")
    # Block 1: 28x28 -> 14x14
    x = conv(inputs, 32, 5)
    x = layers.MaxPooling2D()(x)
    # Block 2: 14x14 -> 7x7
    x = conv(x, 48, 3)
    x = conv(x, 48, 3)
    x = layers.MaxPooling2D()(x)
    # Block 3: 7x7 -> 3x3
    x = conv(x, 96, 3)
    x = conv(x, 96, 3)
    x = layers.MaxPooling2D()(x)
    # Head
    x = layers.Flatten()(x)
    x = layers.Dropout(0.3)(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")
