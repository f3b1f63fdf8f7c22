"""Cheap byte-level checks that tell files which cannot be decoded from real images.

The checks look at the magic bytes at the start and the end marker of each format, so a folder of
200k images is screened before training in seconds instead of failing halfway through an epoch.
They are a filter, not a decoder: a file that passes can still fail to decode (the data pipeline
drops those as a last resort), but every file they reject would have failed, or would have been
decoded wrongly, by `tf.io.decode_image`.
"""

import os
import struct

# Enough for the BMP headers and a 256-entry palette (14 + 124 + 1024 bytes).
HEAD_BYTES = 2048
# End markers sit in the last bytes; a little slack tolerates padding after them.
TAIL_BYTES = 1024

_JPEG_MAGIC = b"\xff\xd8\xff"
_JPEG_START_OF_SCAN = b"\xff\xda"
_JPEG_END = b"\xff\xd9"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The IEND chunk: type then its fixed CRC; a file cut anywhere in it loses the CRC.
_PNG_END = b"IEND\xaeB`\x82"
_GIF_MAGICS = (b"GIF87a", b"GIF89a")
_BMP_MAGIC = b"BM"
# BITMAPINFOHEADER and its successors; TensorFlow reads width, height and bits per pixel at their
# offsets, so the 12-byte OS/2 core header would be misread.
_BMP_DIB_SIZES = (40, 52, 56, 108, 124)
_BMP_UNCOMPRESSED = (0, 3)  # BI_RGB, BI_BITFIELDS


def image_problem(head, tail, size, read_all):
    """Says why a file cannot be an image `tf.io.decode_image` decodes, or returns None.

    Args:
        head: the first `HEAD_BYTES` bytes of the file (all of it if shorter).
        tail: the last `TAIL_BYTES` bytes of the file (all of it if shorter).
        size: the file size in bytes.
        read_all: a callable returning the whole file; called only for GIFs and for JPEG and PNG
            files whose end marker is not in `tail` (data appended after the image, as some
            phones do), so the common case reads two small blocks.

    Returns:
        A short reason such as `"truncated JPEG (no FFD9 end marker)"`, or None if the bytes look
        like a complete JPEG, PNG, GIF or BMP.
    """
    if size == 0:
        return "empty file"
    if head.startswith(_JPEG_MAGIC):
        if _JPEG_END in tail:
            return None
        # Entropy-coded data escapes 0xFF, so after the first start-of-scan marker FFD9 can only
        # be the real end of the image.
        data = read_all()
        start = data.find(_JPEG_START_OF_SCAN)
        if start >= 0 and data.find(_JPEG_END, start) >= 0:
            return None
        return "truncated JPEG (no FFD9 end marker)"
    if head.startswith(_PNG_MAGIC):
        if _PNG_END in tail or _PNG_END in read_all():
            return None
        return "truncated PNG (no IEND chunk)"
    if head.startswith(_GIF_MAGICS):
        return _gif_problem(read_all())
    if head.startswith(_BMP_MAGIC):
        return _bmp_problem(head, size)
    return f"not a JPEG, PNG, GIF or BMP, starts with {head[:4].hex(' ')}"


def bytes_problem(data):
    """`image_problem` for a file already read into memory (a zip member)."""
    return image_problem(data[:HEAD_BYTES], data[-TAIL_BYTES:], len(data), lambda: data)


def file_problem(path):
    """`image_problem` for a file on disk, reading only its first and last blocks."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            head = file.read(HEAD_BYTES)
            if size <= HEAD_BYTES:
                tail = head[-TAIL_BYTES:]
            else:
                file.seek(size - TAIL_BYTES)
                tail = file.read(TAIL_BYTES)

            def read_all():
                file.seek(0)
                return file.read()

            return image_problem(head, tail, size, read_all)
    except OSError as error:
        return f"unreadable ({error.strerror or error})"


def _gif_problem(data):
    # Walks the block structure (GIF89a spec, section 17 onwards) to the 0x3B trailer: a truncated
    # GIF runs out of bytes inside a block, and TensorFlow's decoder rejects it.
    truncated = "truncated GIF (no trailer)"
    if len(data) < 13:
        return truncated
    position = 13  # 6-byte signature + 7-byte logical screen descriptor
    if data[10] & 0x80:
        position += 3 * 2 ** ((data[10] & 0x07) + 1)  # global colour table
    frames = 0
    while position < len(data):
        block = data[position]
        if block == 0x3B:  # trailer
            return None if frames else "GIF without an image"
        if block == 0x21:  # extension: introducer, label, sub-blocks
            position += 2
        elif block == 0x2C:  # image descriptor: 10 bytes, local colour table, LZW code size
            if position + 10 > len(data):
                return truncated
            packed = data[position + 9]
            position += 10
            if packed & 0x80:
                position += 3 * 2 ** ((packed & 0x07) + 1)
            position += 1
            frames += 1
        else:
            return f"corrupt GIF (unexpected block 0x{block:02x} at byte {position})"
        # Data sub-blocks: a length byte then that many bytes, ended by a zero length.
        while True:
            if position >= len(data):
                return truncated
            length = data[position]
            position += 1 + length
            if length == 0:
                break
    return truncated


def _bmp_problem(head, size):
    if len(head) < 34:
        return "truncated BMP (incomplete header)"
    declared_size, pixel_offset, dib_size = struct.unpack_from("<I4xII", head, 2)
    if dib_size not in _BMP_DIB_SIZES:
        return f"not a BMP TensorFlow reads (DIB header size {dib_size})"
    width, height, _, bits_per_pixel, compression = struct.unpack_from("<iiHHI", head, 18)
    if compression not in _BMP_UNCOMPRESSED:
        return f"unsupported BMP (compression {compression})"
    if bits_per_pixel not in (8, 24, 32):
        return f"unsupported BMP ({bits_per_pixel} bits per pixel)"
    # Trailing bytes after the pixels are harmless; a header promising more bytes than the file
    # holds means the file was cut short.
    if declared_size > size:
        return f"truncated BMP (header says {declared_size} bytes, file has {size})"
    row_bytes = (abs(width) * bits_per_pixel + 31) // 32 * 4  # rows are padded to 4 bytes
    if pixel_offset + row_bytes * abs(height) > size:
        return f"truncated BMP (pixels end past the {size}-byte file)"
    if bits_per_pixel == 8 and not _is_gray_palette(head, dib_size):
        # TensorFlow ignores the palette and returns the indices as gray levels.
        return "unsupported BMP (8-bit colour palette)"
    return None


def _is_gray_palette(head, dib_size):
    (colours,) = struct.unpack_from("<I", head, 46)
    colours = colours or 256
    start = 14 + dib_size
    palette = head[start : start + 4 * colours]
    if len(palette) < 4 * colours:
        return False
    # Entries are blue, green, red, reserved; gray level i must map to (i, i, i).
    return all(palette[4 * i : 4 * i + 3] == bytes((i, i, i)) for i in range(colours))
