"""The byte-level pre-scan: every broken file is caught, no real image is rejected."""

import io
import struct

import numpy as np
import pytest
from .data_files import animated_gif, encode, rgb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from keras_gans.data._checks import HEAD_BYTES, bytes_problem, file_problem

_VALID = {
    "jpeg": lambda: encode(rgb(8, 9), "JPEG"),
    "progressive jpeg": lambda: encode(rgb(8, 9), "JPEG", progressive=True),
    "png": lambda: encode(rgb(8, 9), "PNG"),
    "rgba png": lambda: encode(np.dstack([rgb(8, 9), rgb(8, 9)[..., :1]]), "PNG"),
    "gray bmp": lambda: encode(rgb(8, 9)[..., 0], "BMP"),
    "bmp": lambda: encode(rgb(8, 9), "BMP"),
    "rgba bmp": lambda: encode(np.dstack([rgb(8, 9), rgb(8, 9)[..., :1]]), "BMP"),
    "gif": lambda: encode(rgb(8, 9), "GIF"),
    "animated gif": animated_gif,
}


@pytest.mark.parametrize("kind", sorted(_VALID))
def test_valid_images_pass(kind):
    assert bytes_problem(_VALID[kind]()) is None


@pytest.mark.parametrize("kind", sorted(_VALID))
def test_every_truncation_is_caught(kind):
    data = _VALID[kind]()
    missed = [cut for cut in range(len(data)) if bytes_problem(data[:cut]) is None]
    assert not missed, f"{kind}: prefixes of length {missed[:5]} pass"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"<html>quota exceeded</html>", "not a JPEG, PNG, GIF or BMP"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "truncated JPEG"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "truncated PNG"),
        (b"GIF89a" + bytes(7) + b"\x2c", "truncated GIF"),
        (b"GIF89a" + bytes(7) + b"\x99", "corrupt GIF"),
        (b"GIF89a" + bytes(7) + b"\x3b", "GIF without an image"),
    ],
)
def test_broken_bytes_are_named(data, reason):
    assert reason in bytes_problem(data)


def test_data_after_the_end_marker_is_allowed():
    # Phones append metadata or a video after FFD9; decoders stop at the end marker.
    assert bytes_problem(encode(rgb(8, 9), "JPEG") + b"\x00motion" * 500) is None
    assert bytes_problem(encode(rgb(8, 9), "PNG") + bytes(5000)) is None
    assert bytes_problem(encode(rgb(8, 9), "BMP") + bytes(10)) is None


def test_bmp_whose_header_size_disagrees():
    data = bytearray(encode(rgb(8, 9), "BMP"))
    struct.pack_into("<I", data, 2, len(data) + 1)  # bfSize: one byte more than the file
    assert "header says" in bytes_problem(bytes(data))


def test_bmp_with_colour_palette_is_rejected():
    # TensorFlow would return the palette indices as gray levels.
    image = Image.fromarray(rgb(8, 9)).convert("P")
    buffer = io.BytesIO()
    image.save(buffer, "BMP")
    assert "palette" in bytes_problem(buffer.getvalue())


def test_file_problem_reads_head_and_tail_only_as_needed(tmp_path):
    big = encode(rgb(200, 200), "PNG")  # larger than the head and tail blocks
    cases = {
        "ok.png": big,
        "cut.png": big[:-1],
        "trailer.jpg": encode(rgb(8, 9), "JPEG") + bytes(4000),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert file_problem(tmp_path / name) == bytes_problem(data), name
    assert file_problem(tmp_path / "missing.png").startswith("unreadable")


# The whole signature of each format, so that the format's own checks run on what follows it.
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")
_NOT_AN_IMAGE = "not a JPEG, PNG, GIF or BMP"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_without_a_signature_are_rejected_as_no_image(data):
    problem = bytes_problem(data)
    if data and not data.startswith(_SIGNATURES):
        assert problem.startswith(_NOT_AN_IMAGE), problem


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_SIGNATURES), st.binary(max_size=3000))
def test_random_bytes_after_a_signature_are_rejected_by_that_format(signature, rest):
    # Random bytes lack an end marker, or their header, blocks or sizes do not add up: the
    # format is recognised (not "not a JPEG, ...") and its checks name a problem, without a crash.
    problem = bytes_problem(signature + rest)
    assert isinstance(problem, str) and problem and "\n" not in problem
    assert not problem.startswith(_NOT_AN_IMAGE), problem


def _with_exif_thumbnail(jpeg):
    # An APP1 segment holding a whole small JPEG, FFD9 included, as cameras write thumbnails.
    thumbnail = encode(rgb(4, 4, 9), "JPEG")
    payload = b"Exif\x00\x00" + thumbnail
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def test_a_thumbnail_end_marker_does_not_hide_a_truncation():
    data = _with_exif_thumbnail(encode(rgb(8, 9), "JPEG"))
    assert bytes_problem(data) is None
    missed = [cut for cut in range(len(data)) if bytes_problem(data[:cut]) is None]
    assert not missed, f"prefixes of length {missed[:5]} pass"


def test_jpeg_headers_past_the_head_block_are_walked_from_the_file(tmp_path):
    # An ICC profile of 60 kB puts the frame and scan headers far past HEAD_BYTES.
    profile = bytes(60_000)
    buffer = io.BytesIO()
    Image.fromarray(rgb(8, 9)).save(buffer, "JPEG", icc_profile=profile)
    data = buffer.getvalue()
    assert data.index(b"\xff\xc0") > HEAD_BYTES
    for name, content in {"ok.jpg": data, "cut.jpg": data[:30_000] + data[-2:]}.items():
        (tmp_path / name).write_bytes(content)
        assert file_problem(tmp_path / name) == bytes_problem(content)
    assert file_problem(tmp_path / "ok.jpg") is None
    assert "truncated JPEG" in file_problem(tmp_path / "cut.jpg")


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\xff\xd8\xff\x00" + bytes(10) + b"\xff\xd9", "corrupt JPEG (segment length 0"),
        (b"\xff\xd8\xff\xda\x00\x02\xff\xd9", "corrupt JPEG (scan before the frame header)"),
        (b"\xff\xd8\xff\xd9", "corrupt JPEG (end marker before any image data)"),
        (b"\xff\xd8\xff\xc0\x00\x11\x08\x00\x00\x00\x08" + bytes(10) + b"\xff\xda\xff\xd9", "corrupt header (8 x 0 pixels)"),
        (b"\x89PNG\r\n\x1a\n" + bytes(16) + b"IEND\xaeB`\x82", "corrupt PNG (no IHDR chunk first)"),
    ],
)
def test_broken_headers_are_named(data, reason):
    assert reason in bytes_problem(data)
