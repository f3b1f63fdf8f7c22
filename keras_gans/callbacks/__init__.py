"""Training callbacks: fixed-noise GIF, loss plot, best samples, image quality (FID/KID), step timer,
NaN guard, TensorBoard."""

from keras_gans.callbacks.best_samples import BestSamples
from keras_gans.callbacks.gif import FixedNoiseGIF
from keras_gans.callbacks.image_quality import ImageQuality
from keras_gans.callbacks.loss_plot import LossPlot
from keras_gans.callbacks.nan_guard import NaNGuard
from keras_gans.callbacks.step_timer import StepTimer
from keras_gans.callbacks.tensorboard import TrainingBoard

__all__ = ["BestSamples", "FixedNoiseGIF", "ImageQuality", "LossPlot", "NaNGuard", "StepTimer", "TrainingBoard"]
