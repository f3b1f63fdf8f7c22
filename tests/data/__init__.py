"""Tests of keras_gans.data."""
