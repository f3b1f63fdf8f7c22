"""Small generated image files shared by the data tests."""

import io
import zipfile

import numpy as np
from PIL import Image


def encode(array, fmt, **kwargs):
    """PIL-encodes a uint8 (H, W), (H, W, 3) or (H, W, 4) array to bytes."""
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def rgb(height, width, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def animated_gif(height=12, width=10):
    frames = [Image.fromarray(rgb(height, width, seed)) for seed in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def mixed_files():
    """{relative name: bytes}: 8 decodable images of every kind and 3 broken files."""
    jpeg = encode(rgb(20, 24, 3), "JPEG")
    return {
        "a.png": encode(rgb(20, 30, 1), "PNG"),
        "b.jpg": encode(rgb(30, 20, 2), "JPEG"),
        "c.bmp": encode(rgb(16, 18, 3), "BMP"),
        "d.gif": animated_gif(),
        "sub/e.PNG": encode(rgb(24, 24, 4), "PNG"),
        "sub/f.JPEG": encode(rgb(18, 26, 5), "JPEG"),
        "sub/deeper/gray.png": encode(rgb(20, 20, 6)[..., 0], "PNG"),
        "rgba.png": encode(
            np.dstack([rgb(22, 20, 7), np.full((22, 20), 128, np.uint8)]), "PNG"
        ),
        "broken/empty.jpg": b"",
        "broken/random.jpg": np.random.default_rng(8).bytes(500),
        "broken/truncated.jpg": jpeg[: len(jpeg) // 2],
        # Not images by name: never counted.
        "notes.txt": b"hello",
        ".hidden.png": b"",
    }


GOOD = 8
BROKEN = ("broken/empty.jpg", "broken/random.jpg", "broken/truncated.jpg")


def write_files(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def write_zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path
