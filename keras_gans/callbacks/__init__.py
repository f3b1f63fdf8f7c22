"""Training callbacks: fixed-noise GIF, loss plot, best samples, image quality (FID/KID), step timer,
NaN guard, TensorBoard, stage schedule (StackGAN)."""

from keras_gans.callbacks.best_samples import BestSamples
from keras_gans.callbacks.gif import FixedNoiseGIF
from keras_gans.callbacks.image_quality import ImageQuality
from keras_gans.callbacks.loss_plot import LossPlot
from keras_gans.callbacks.nan_guard import NaNGuard
from keras_gans.callbacks.stages import StageSchedule
from keras_gans.callbacks.step_timer import StepTimer
from keras_gans.callbacks.tensorboard import TrainingBoard

__all__ = ["BestSamples", "FixedNoiseGIF", "ImageQuality", "LossPlot", "NaNGuard", "StageSchedule", "StepTimer",
           "TrainingBoard"]
