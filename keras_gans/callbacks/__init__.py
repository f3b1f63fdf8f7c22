"""Training callbacks: fixed-noise GIF, loss plot, best samples, step timer."""

from keras_gans.callbacks.best_samples import BestSamples
from keras_gans.callbacks.gif import FixedNoiseGIF
from keras_gans.callbacks.loss_plot import LossPlot
from keras_gans.callbacks.step_timer import StepTimer

__all__ = ["BestSamples", "FixedNoiseGIF", "LossPlot", "StepTimer"]
