"""The code the student template of lab ``autoencoders-keras`` gives students (seed 004).

Public: the sandbox imports it so that the template's globals (the Keras imports, the helpers
``compare_digits`` and ``display_digits``, the sizes ``dim_x``, ``dim_h``, ``layer1_dim``,
``layer2_dim``) exist for the student's code. ``build/notebooks.py`` copies the two helpers
into ``template.ipynb`` verbatim (the seed's indentation included), so the template and this
module cannot drift apart. Importing it trains nothing and loads no data: ``mnist`` is only
imported, as in the seed's first cell.
"""
from tensorflow.keras import regularizers
from tensorflow.keras.datasets import mnist
from tensorflow.keras.layers import Input, Dense
from tensorflow.keras.models import Sequential
from sklearn.preprocessing import MinMaxScaler

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["regularizers", "mnist", "Input", "Dense", "Sequential", "MinMaxScaler", "plt", "np",
           "compare_digits", "display_digits", "dim_x", "dim_h", "layer1_dim", "layer2_dim"]

# The sizes the seed sets in the cells of 2.1 (dim_x, dim_h) and 5.1 (layer1_dim, layer2_dim).
dim_x = 28*28
dim_h = 32
layer1_dim = 128
layer2_dim = 64


def compare_digits(test, decoded, n=10):
  plt.figure(figsize=(20, 4))
  for i in range(n):
      # display original
      ax = plt.subplot(2, n, i + 1)
      plt.imshow(test[i].reshape(28, 28))
      plt.gray()
      ax.get_xaxis().set_visible(False)
      ax.get_yaxis().set_visible(False)

      # display reconstruction
      ax = plt.subplot(2, n, i + 1 + n)
      plt.imshow(decoded[i].reshape(28, 28))
      plt.gray()
      ax.get_xaxis().set_visible(False)
      ax.get_yaxis().set_visible(False)
  plt.show()


def display_digits(data, n=10):
  plt.figure(figsize=(20, 2))
  for i in range(n):
    ax = plt.subplot(1, n, i + 1)
    plt.imshow(data[i].reshape(28, 28))
    plt.gray()
    ax.get_xaxis().set_visible(False)
    ax.get_yaxis().set_visible(False)
  plt.show()
