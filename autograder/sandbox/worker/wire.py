"""The message format between the grader and its worker: JSON trees plus ``.npy`` blobs.

A message is one frame: an 8-byte big-endian length, then a 4-byte header length, the UTF-8
JSON header and the arrays it refers to, each in numpy's ``.npy`` format. A blob is read as
numbers only: a plain numeric header is parsed strictly by :func:`read_npy` itself (numpy's own
reader spends most of a small array's time on ``ast.literal_eval``), anything else by numpy with
``allow_pickle=False``, so no bytes ever turn into code. Values are encoded as trees:

==================  =====================================================
``{"a": k}``        the k-th array (``"t"`` names its type if not ndarray)
``{"s": k}``        a numpy scalar stored as the k-th (0-d) array
``{"v": x}``        a JSON scalar: bool, int, float, str or None
``{"tuple": [..]}``  a tuple; likewise ``"list"`` and ``"dict"`` (str keys)
``{"h": n}``        a cache kept by the worker under handle n
``{"rng": seed}``   ``numpy.random.default_rng(seed)``
``{"o": "type"}``   any other object, described but not transferred
==================  =====================================================

This module imports only the standard library and numpy: the worker loads it by path.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct

import numpy as np

MAX_FRAME_BYTES = 512 * 2**20
MAX_HEADER_BYTES = 2**20
"""Largest JSON header accepted. Headers carry trees of small values, blob sizes and texts the worker
truncates (output to 4096 characters, messages to a few thousand); the largest the course's grading
produces is about 1 KB. Parsing JSON costs tens of times its size in memory, so a bound far above
that keeps a hostile header from costing gigabytes."""
MAX_DEPTH = 16
NPY_MAGIC = b"\x93NUMPY\x01\x00"
NPY_HEADER = re.compile(r"\{'descr': '([<>|][biufc]\d+)', 'fortran_order': (False|True), "
                        r"'shape': \(((?:\d+, )*\d+,?|)\), \} *\n")
"""The header numpy writes for a plain numeric array in ``.npy`` version 1.0."""


class WireError(Exception):
    """A frame that is malformed, too large or too deep."""


def encode(value, arrays: list, depth: int = 0, encode_other=None):
    """Encode ``value`` as a tree, appending its arrays to ``arrays``.

    ``encode_other(value)`` may return a tree for objects this format does not know (the worker
    uses it for caches and generators); otherwise they become ``{"o": type name}``.
    """
    if depth > MAX_DEPTH:
        return {"o": "structure nested too deeply"}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.kind not in "biufc":
            return {"o": f"ndarray of dtype {value.dtype}"}
        arrays.append(np.array(value, copy=True, subok=False))
        tree = {"a": len(arrays) - 1}
        if type(value) is not np.ndarray:
            tree["t"] = type(value).__name__
        return tree
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        arrays.append(np.asarray(value))
        return {"s": len(arrays) - 1, "t": type(value).__name__}
    if value is None or type(value) in (bool, int, float, str):
        return {"v": value}
    if is_sequence(value):  # namedtuples and list subclasses are tuples and lists too
        kind, items = plain_items(value)
        return {kind: [encode(v, arrays, depth + 1, encode_other) for v in items]}
    if issubclass(type(value), dict) and all(type(k) is str for k in dict.keys(value)):  # OrderedDict, defaultdict
        return {"dict": {k: encode(v, arrays, depth + 1, encode_other) for k, v in dict.items(value)}}
    if encode_other is not None:
        tree = encode_other(value)
        if tree is not None:
            return tree
    return {"o": type(value).__name__}


def is_sequence(value) -> bool:
    """Whether ``value`` is a tuple or a list, subclasses included (judged by its real type, which,
    unlike ``isinstance``, a fake ``__class__`` cannot change)."""
    return issubclass(type(value), (tuple, list))


def plain_items(value) -> tuple[str, list]:
    """``("tuple" | "list", the stored items)`` of a tuple or list, subclasses included; read through the
    base class, so that a subclass overriding ``__iter__``, ``__getitem__`` or ``__len__`` cannot lie."""
    base = tuple if issubclass(type(value), tuple) else list
    return base.__name__, list(base.__iter__(value))


def decode(tree, arrays: list, decode_special=None, depth: int = 0):
    """Rebuild a value from its tree; ``decode_special(tree)`` resolves ``"h"`` and ``"rng"`` nodes."""
    if depth > MAX_DEPTH or not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise WireError(f"malformed value node: {str(tree)[:80]}")
    if "a" in tree or "s" in tree:
        index = tree.get("a", tree.get("s"))
        if type(index) is not int or not 0 <= index < len(arrays):
            raise WireError(f"array reference {index!r} out of range")
        return arrays[index] if "a" in tree else arrays[index][()]
    if "v" in tree:
        return tree["v"]
    if "tuple" in tree or "list" in tree:
        items = [decode(v, arrays, decode_special, depth + 1) for v in tree.get("tuple", tree.get("list"))]
        return tuple(items) if "tuple" in tree else items
    if "dict" in tree:
        return {str(k): decode(v, arrays, decode_special, depth + 1) for k, v in tree["dict"].items()}
    if decode_special is not None and ("h" in tree or "rng" in tree):
        return decode_special(tree)
    if "o" in tree:
        return Opaque(str(tree["o"]))
    raise WireError(f"unknown value node: {str(tree)[:80]}")


class Opaque:
    """An object the worker could not transfer; only its type name crosses the wire."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


def pack(header: dict, arrays: list) -> bytes:
    """One frame holding ``header`` (JSON) and ``arrays`` (npy)."""
    blobs = [write_npy(np.asarray(array)) for array in arrays]
    header = dict(header, blobs=[len(b) for b in blobs])
    head = json.dumps(header).encode()
    body = struct.pack(">I", len(head)) + head + b"".join(blobs)
    return struct.pack(">Q", len(body)) + body


def unpack(body: bytes | bytearray) -> tuple[dict, list]:
    """The header and arrays of one frame's body (the bytes after the length)."""
    if len(body) < 4:
        raise WireError("frame shorter than its header length")
    (head_len,) = struct.unpack(">I", body[:4])
    if head_len > MAX_HEADER_BYTES:
        raise WireError(f"header of {head_len} bytes exceeds the limit of {MAX_HEADER_BYTES}")
    try:
        header = json.loads(body[4:4 + head_len].decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(f"header is not JSON: {type(error).__name__}") from None
    if not isinstance(header, dict) or not isinstance(header.get("blobs"), list):
        raise WireError("header has no list of blobs")
    arrays, offset, view = [], 4 + head_len, memoryview(body)  # a view: slicing it copies no blob
    for size in header["blobs"]:
        if type(size) is not int or size < 0 or offset + size > len(body):
            raise WireError("blob sizes do not match the frame")
        try:
            arrays.append(read_npy(view[offset:offset + size]))
        except Exception as error:
            raise WireError(f"blob is not a plain .npy array: {error}") from None
        offset += size
    return header, arrays


def write_npy(array: np.ndarray) -> bytes:
    """``array`` as a ``.npy`` blob (version 1.0), the header written directly for a plain numeric array."""
    if array.dtype.kind not in "biufc" or array.dtype.fields is not None:
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        return buffer.getvalue()
    header = f"{{'descr': '{array.dtype.str}', 'fortran_order': False, 'shape': {tuple(array.shape)!r}, }}"
    header += " " * (-(len(NPY_MAGIC) + 2 + len(header) + 1) % 64) + "\n"
    return NPY_MAGIC + struct.pack("<H", len(header)) + header.encode("latin-1") + array.tobytes(order="C")


def read_npy(blob: bytes | memoryview) -> np.ndarray:
    """The array of one ``.npy`` blob, a fresh writeable copy; never unpickles anything."""
    if blob[:8] == NPY_MAGIC and len(blob) >= 10:
        (head_len,) = struct.unpack("<H", blob[8:10])
        match = NPY_HEADER.fullmatch(bytes(blob[10:10 + head_len]).decode("latin-1"))
        if match:
            dtype = np.dtype(match[1])
            shape = tuple(int(n) for n in match[3].split(",") if n.strip())
            count = math.prod(shape)
            if len(blob) != 10 + head_len + count * dtype.itemsize:
                raise WireError("the blob's size does not match its header")
            data = np.frombuffer(blob, dtype, count, 10 + head_len)
            return data.reshape(shape, order="F" if match[2] == "True" else "C").copy()
    return np.lib.format.read_array(io.BytesIO(blob), allow_pickle=False)


def read_frame(stream) -> bytes | None:
    """The next frame's body from a binary stream, or None at end of stream."""
    prefix = _read_exactly(stream, 8)
    if prefix is None:
        return None
    (size,) = struct.unpack(">Q", prefix)
    if size > MAX_FRAME_BYTES:
        raise WireError(f"frame of {size} bytes exceeds the limit of {MAX_FRAME_BYTES}")
    return _read_exactly(stream, size) or b""


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            if remaining == size:
                return None
            raise WireError("stream ended inside a frame")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
