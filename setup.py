"""keras_gans: GANs in Keras 3 / TensorFlow you can learn from and actually train."""

from setuptools import find_packages, setup

setup(
    name="keras-gans",
    version="0.1.0",
    description="GAN variants as keras.Model subclasses with tested math, callbacks and export.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    packages=find_packages(include=["keras_gans", "keras_gans.*"]),
    python_requires=">=3.10",
    install_requires=[
        "tensorflow>=2.16",
        "keras>=3",
        "tensorflow-datasets",
        # tensorflow-datasets 4.9 imports it when it prepares a download but declares it only for
        # Python < 3.9: without it every real download (mnist, cifar10, celeba) fails.
        "importlib-resources",
        "matplotlib",
        "imageio",
        "numpy",
        # Imported directly for GIF frames and captions; matplotlib and imageio need it anyway.
        "pillow",
        # The embedded default dataset (real handwritten digits, no download) ships with it.
        "scikit-learn",
        # scipy.linalg.sqrtm for the Frechet distance (FID); scikit-learn needs it anyway.
        "scipy",
        # keras.callbacks.TensorBoard writes through it; TensorFlow >= 2.21 no longer installs it.
        "tensorboard",
    ],
    extras_require={
        # export_generator(..., format="onnx"): Keras' ONNX exporter converts through tf2onnx
        # (which brings onnx). TensorFlow Lite needs nothing: its converter ships in TensorFlow.
        "onnx": ["tf2onnx", "onnx"],
        # The tutorials are jupytext-paired notebooks that the tests execute with nbclient. The
        # export tests run each format in its own runtime: onnxruntime and LiteRT (ai-edge-litert;
        # tf.lite.Interpreter is deprecated). Plain PyPI wheels, about 50 MB with tf2onnx and onnx,
        # against TensorFlow's 600; without them those tests skip ONNX and use tf.lite.Interpreter.
        # LiteRT publishes no Windows wheels.
        "test": ["pytest", "hypothesis", "jupytext", "nbclient", "ipykernel",
                 "tf2onnx", "onnx", "onnxruntime", 'ai-edge-litert; platform_system != "Windows"'],
    },
    entry_points={"console_scripts": ["keras-gans=keras_gans.cli:main"]},
)
