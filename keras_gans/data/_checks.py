"""Cheap byte-level checks that tell files which cannot be decoded from real images.

The checks look at the magic bytes at the start and the end marker of each format, so a folder of
200k images is screened before training in seconds instead of failing halfway through an epoch.
They are a filter, not a decoder: a file that passes can still fail to decode (the data pipeline
drops those as a last resort), but every file they reject would have failed, or would have been
decoded wrongly, by `tf.io.decode_image`, or is too large to decode safely: an image whose header
declares more than `MAX_IMAGE_PIXELS` pixels, or a file of more than `MAX_FILE_BYTES`.
"""

import os
import struct

# Enough for the BMP headers and a 256-entry palette (14 + 124 + 1024 bytes).
HEAD_BYTES = 2048
# End markers sit in the last bytes; a little slack tolerates padding after them.
TAIL_BYTES = 1024

_JPEG_MAGIC = b"\xff\xd8\xff"
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
# JPEG frame headers (SOF0-SOF15 but DHT C4, JPG C8 and DAC CC) and the markers that stand alone,
# without a length: TEM, RST0-7, SOI (ITU T.81, Table B.1).
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset([0x01, *range(0xD0, 0xD9)])

# Pillow's decompression-bomb limit (`PIL.Image.MAX_IMAGE_PIXELS`), 89,478,485 pixels (9459
# squared); a 24 MP photo is well under it. A decode holds 3 bytes a pixel and its float32 crop up
# to 12 more, so about 1.3 GB at the limit. Files whose header declares more are skipped, and
# counted, before they are read whole: a header claiming 100000 x 100000 pixels can neither
# exhaust memory nor stop an epoch.
MAX_IMAGE_PIXELS = 1024 * 1024 * 1024 // 4 // 3
# An uncompressed 32-bit BMP at the pixel limit is 358 MB; no image under the limit needs more
# than twice that, and tf.io.read_file (or a zip member read) holds a whole file in memory.
MAX_FILE_BYTES = 1024 * 1024 * 1024


def image_problem(head, tail, size, read_all, read_at=None):
    """Says why a file cannot be an image `tf.io.decode_image` decodes, or returns None.

    Args:
        head: the first `HEAD_BYTES` bytes of the file (all of it if shorter).
        tail: the last `TAIL_BYTES` bytes of the file (all of it if shorter).
        size: the file size in bytes.
        read_all: a callable returning the whole file; called only for GIFs and for JPEG and PNG
            files whose end marker is not in `tail` (data appended after the image, as some
            phones do), so the common case reads two small blocks.
        read_at: a callable `(offset, count) -> bytes` for JPEG headers that run past `head`
            (large EXIF or ICC segments); None reads them from `read_all()`.

    Returns:
        A short reason such as `"truncated JPEG (no FFD9 end marker)"` or `"image of 100000 x
        100000 pixels, more than MAX_IMAGE_PIXELS (89478485)"`, or None if the bytes look like a
        complete JPEG, PNG, GIF or BMP of a size that decodes safely.
    """
    problem = size_problem(size)
    if problem:
        return problem
    if head.startswith(_JPEG_MAGIC):
        return _jpeg_problem(head, tail, size, read_all, read_at)
    if head.startswith(_PNG_MAGIC):
        if _PNG_END not in tail and _PNG_END not in read_all():
            return "truncated PNG (no IEND chunk)"
        return _png_header_problem(head)
    if head.startswith(_GIF_MAGICS):
        return _gif_problem(read_all())
    if head.startswith(_BMP_MAGIC):
        return _bmp_problem(head, size)
    return f"not a JPEG, PNG, GIF or BMP, starts with {head[:4].hex(' ')}"


def bytes_problem(data):
    """`image_problem` for a file already read into memory (a zip member)."""
    return image_problem(
        data[:HEAD_BYTES], data[-TAIL_BYTES:], len(data), lambda: data, lambda at, n: data[at : at + n]
    )


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

            def read_at(offset, count):
                file.seek(offset)
                return file.read(count)

            return image_problem(head, tail, size, lambda: read_at(0, size), read_at)
    except OSError as error:
        return f"unreadable ({error.strerror or error})"


def size_problem(size):
    """Says why a file of `size` bytes is refused unread (empty, or over `MAX_FILE_BYTES`), or None."""
    if size == 0:
        return "empty file"
    if size > MAX_FILE_BYTES:
        return f"file of {size} bytes, more than MAX_FILE_BYTES ({MAX_FILE_BYTES})"
    return None


def pixels_problem(width, height):
    """Says why an image of `width` x `height` pixels (from its header) is refused, or None."""
    if width <= 0 or height <= 0:
        return f"corrupt header ({width} x {height} pixels)"
    if width * height > MAX_IMAGE_PIXELS:
        return f"image of {width} x {height} pixels, more than MAX_IMAGE_PIXELS ({MAX_IMAGE_PIXELS})"
    return None


def _jpeg_problem(head, tail, size, read_all, read_at):
    if _JPEG_END not in tail and _JPEG_END not in read_all():
        return "truncated JPEG (no FFD9 end marker)"
    header = _jpeg_header(head, size, read_at or (lambda at, n: read_all()[at : at + n]))
    if isinstance(header, str):
        return header
    width, height, scan = header
    problem = pixels_problem(width, height)
    if problem:
        return problem
    # The end marker must follow the scan: an EXIF thumbnail holds an FFD9 of its own, before
    # it. Entropy-coded data escapes 0xFF, so after the scan header FFD9 is the real end.
    if (_JPEG_END in tail and size - len(tail) >= scan) or read_all().find(_JPEG_END, scan) >= 0:
        return None
    return "truncated JPEG (no FFD9 end marker after the scan)"


def _jpeg_header(head, size, read_at):
    """`(width, height, scan offset)` from the marker segments before the first scan, or a reason.

    Each segment is FF, a marker, then a 2-byte big-endian length that counts itself (ITU T.81,
    B.1.1); walking them finds the frame header (SOFn: precision, height, width) and the scan.
    """

    def read(offset, count):
        return head[offset : offset + count] if offset + count <= len(head) else read_at(offset, count)

    position, frame = 2, None
    while True:
        marker = read(position, 2)
        if len(marker) < 2:
            return f"truncated JPEG (headers cut off at byte {position})"
        if marker[0] != 0xFF:
            return f"corrupt JPEG (no marker at byte {position})"
        if marker[1] == 0xFF:  # fill byte before a marker
            position += 1
            continue
        if marker[1] in _JPEG_STANDALONE:
            position += 2
            continue
        if marker[1] == 0xD9:
            return "corrupt JPEG (end marker before any image data)"
        if marker[1] == 0xDA:
            if frame is None:
                return "corrupt JPEG (scan before the frame header)"
            return (*frame, position)
        length = read(position + 2, 2)
        if len(length) < 2:
            return f"truncated JPEG (headers cut off at byte {position})"
        (length,) = struct.unpack(">H", length)
        if length < 2:
            return f"corrupt JPEG (segment length {length} at byte {position})"
        if marker[1] in _JPEG_FRAMES:
            fields = read(position + 5, 4)
            if len(fields) < 4:
                return f"truncated JPEG (headers cut off at byte {position})"
            height, width = struct.unpack(">HH", fields)
            frame = (width, height)
        position += 2 + length
        if position >= size:
            return f"truncated JPEG (headers cut off at byte {size})"


def _png_header_problem(head):
    # The IHDR chunk comes first: length 13, type, width, height (PNG spec, 11.2.2).
    if len(head) < 24 or head[8:16] != b"\x00\x00\x00\x0dIHDR":
        return "corrupt PNG (no IHDR chunk first)"
    width, height = struct.unpack_from(">II", head, 16)
    return pixels_problem(width, height)


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
            if not frames:
                return "GIF without an image"
            # Every frame is decoded onto the logical screen, whose size the header gives; a
            # 0 x 0 screen is left to the decoder (it sizes the canvas from the frames then).
            width, height = struct.unpack_from("<HH", data, 6)
            return pixels_problem(max(width, 1), max(height, 1))
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
    problem = pixels_problem(abs(width), abs(height))  # a negative height stores rows top-down
    if problem:
        return problem
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
