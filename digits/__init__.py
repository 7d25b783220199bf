"""digits: read handwritten digits the way MNIST was made."""

from digits.data import Mnist, MnistError, load_mnist
from digits.preprocessing import to_mnist_input
from digits.recognition import Recognition, Recognizer

__all__ = ["Mnist", "MnistError", "Recognition", "Recognizer", "load_mnist", "to_mnist_input"]
