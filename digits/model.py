"""The CNNs that read digits, and the augmentation that makes MNIST look like canvas drawings."""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import layers, ops


def as_model_input(images: np.ndarray) -> np.ndarray:
    """uint8 MNIST images (N, 28, 28) as the model's float32 input (N, 28, 28, 1) in [0, 1]."""
    return (images.astype("float32") / 255.0)[..., None]


def read_probabilities(model: keras.Model, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """The model's ten probabilities (N, 10) for uint8 images (N, 28, 28), a batch at a time.

    Whole batches go through the model's predict step compiled with XLA (predict_on_batch; the model's jit_compile
    is set): the 5,000 validation digits that the learning curves read four times an epoch took 2.7 s instead of
    3.8 s called directly with the vgg network, and 1.1 s instead of 1.7 s with the compact one; MNIST test 5.5 s
    instead of 7.6 s (2026-12-06, an hour in which a vgg epoch trained in about 158 s). That is 4 s an epoch, about
    3% of a training. A shorter last batch is called directly, as each new shape would be compiled anew (0.5-0.8 s).
    model.predict() feeds a tf.data pipeline whose autotuning stalled for 10-20 s on two cores.
    """
    whole = len(images) - len(images) % batch_size
    if whole:
        model.jit_compile = True
    batches = [model.predict_on_batch(as_model_input(images[i : i + batch_size])) for i in range(0, whole, batch_size)]
    if whole < len(images):
        batches.append(keras.ops.convert_to_numpy(model(as_model_input(images[whole:]), training=False)))
    return np.concatenate(batches) if batches else np.zeros((0, 10), "float32")


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


@keras.saving.register_keras_serializable(package="digits")
class RandomAffine(layers.Layer):
    """A random rotation, zoom, slant and shift of each training image, as one affine warp.

    Keras' RandomRotation, RandomZoom, RandomShear and RandomTranslation warp the batch four times, which
    halved the compact model's training speed here (2,360 images/s without them, 1,205 with them); one warp
    does the same job. Does nothing at inference.
    """

    def __init__(self, rotation: float = 11.0, zoom: float = 0.12, shear: float = 0.15, shift: float = 2.2,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rotation, self.zoom, self.shear, self.shift, self.seed = rotation, zoom, shear, shift, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        n = ops.shape(images)[0]

        def uniform(limit):
            return keras.random.uniform((n,), -limit, limit, seed=self.seed_generator)

        angle, scale = uniform(self.rotation * math.pi / 180), 1.0 + uniform(self.zoom)
        slant, dx, dy = uniform(self.shear), uniform(self.shift), uniform(self.shift)
        # Where each output pixel samples the input: rotate, slant and scale about the image's centre, then shift.
        cos, sin = ops.cos(angle) / scale, ops.sin(angle) / scale
        a0, a1, b0, b1 = cos, cos * slant - sin, sin, sin * slant + cos
        cx, cy = ((ops.cast(ops.shape(images)[2], "float32") - 1) / 2,
                  (ops.cast(ops.shape(images)[1], "float32") - 1) / 2)
        a2, b2 = cx - a0 * cx - a1 * cy + dx, cy - b0 * cx - b1 * cy + dy
        zero = ops.zeros_like(angle)
        transform = ops.stack([a0, a1, a2, b0, b1, b2, zero, zero], axis=1)
        return ops.image.affine_transform(images, transform, fill_mode="constant", fill_value=0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "zoom": self.zoom, "shear": self.shear,
                "shift": self.shift, "seed": self.seed}


def build_augmentation(seed: int | None = None) -> keras.Sequential:
    """Random rotation (up to 11 degrees), zoom, slant, shift and stroke width, active only while training."""
    return keras.Sequential([RandomAffine(seed=seed), RandomStrokeWidth(seed=seed)], name="augmentation")


def conv(x: keras.KerasTensor, filters: int, size: int = 3) -> keras.KerasTensor:
    """A convolution with batch norm and ReLU."""
    x = layers.Conv2D(filters, size, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)  # settles fast, for short runs too
    return layers.Activation("relu")(x)


def build_vgg(inputs: keras.KerasTensor) -> keras.KerasTensor:
    """Five convolutions with batch norm in three blocks, then a dense head: the most accurate."""
    x = layers.MaxPooling2D()(conv(inputs, 32, 5))  # 28x28 -> 14x14
    x = layers.MaxPooling2D()(conv(conv(x, 48), 48))  # 14x14 -> 7x7
    x = layers.MaxPooling2D()(conv(conv(x, 96), 96))  # 7x7 -> 3x3
    x = layers.Dropout(0.3)(layers.Flatten()(x))
    return layers.Dropout(0.3)(layers.Dense(128, activation="relu")(x))


def build_compact(inputs: keras.KerasTensor) -> keras.KerasTensor:
    """Three convolutions with batch norm, one per resolution: an epoch took 28.9 s here in batches of 256, against
    vgg's 58.5 s (2026-12-02, the same hour).

    With 32 and 64 filters in the last two (31,810 parameters) an epoch was 15% faster, but the Quick preset
    scored 99.04% instead of 99.12%, and Standard 99.41% instead of 99.50%.
    """
    x = layers.MaxPooling2D()(conv(inputs, 24))  # 28x28 -> 14x14
    x = layers.MaxPooling2D()(conv(x, 48))  # 14x14 -> 7x7
    x = layers.MaxPooling2D()(conv(x, 96))  # 7x7 -> 3x3
    return layers.Dropout(0.25)(layers.Flatten()(x))


def build_keras_example(inputs: keras.KerasTensor) -> keras.KerasTensor:
    """The keras-io mnist_convnet example: two plain convolutions, pooling and dropout."""
    x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(inputs))
    x = layers.MaxPooling2D()(layers.Conv2D(64, 3, activation="relu")(x))
    return layers.Dropout(0.5)(layers.Flatten()(x))


def build_compact_probability(output: str, name: str) -> keras.Model:
    """The compact network with one output named `output`: a probability (a sigmoid), for a yes-or-no question."""
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    return keras.Model(inputs, layers.Dense(1, activation="sigmoid", name=output)(build_compact(inputs)), name=name)


BUILDERS = {"vgg": build_vgg, "compact": build_compact, "keras-example": build_keras_example}


def build_model(arch: str = "vgg") -> keras.Model:
    """One of the architectures (digits.recipes.ARCHITECTURES) with a softmax over the ten digits.

    This is the model that is saved and served; training puts `build_augmentation()` in front of it.
    """
    if arch not in BUILDERS:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(BUILDERS)}")
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    outputs = layers.Dense(10, activation="softmax", name="probabilities")(BUILDERS[arch](inputs))
    return keras.Model(inputs, outputs, name=f"digits_{arch.replace('-', '_')}")
