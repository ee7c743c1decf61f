"""The grader-worker message format: arrays cross as valid ``.npy`` blobs and come back exactly, never as objects."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest

from autograder.sandbox.worker import wire

ARRAYS = [np.arange(6.0).reshape(2, 3), np.array(3.5), np.zeros((0, 4)), np.array([True, False]),
          np.arange(8, dtype=np.int32)[::2], np.asfortranarray(np.ones((3, 2))), np.arange(12.0).reshape(3, 4).T,
          np.array([1 + 2j]), np.float32(2.5)]


def test_arrays_cross_the_wire_exactly_with_their_dtype_and_shape_as_fresh_writeable_copies():
    frame = wire.pack({"op": "call"}, ARRAYS)
    header, arrays = wire.unpack(frame[8:])
    assert header["op"] == "call"
    for sent, received in zip(ARRAYS, arrays):
        assert received.dtype == np.asarray(sent).dtype and received.shape == np.shape(sent)
        assert np.array_equal(received, sent) and received.flags.writeable


@pytest.mark.parametrize("array", ARRAYS, ids=lambda a: f"{np.asarray(a).dtype}{np.shape(a)}")
def test_every_blob_is_a_valid_npy_file_that_numpy_reads_back(array):
    blob = wire.write_npy(np.asarray(array))
    assert np.array_equal(np.lib.format.read_array(io.BytesIO(blob), allow_pickle=False), array)


def frame_with_blob(blob: bytes) -> bytes:
    head = json.dumps({"blobs": [len(blob)]}).encode()
    return struct.pack(">I", len(head)) + head + blob


def test_a_blob_holding_python_objects_is_refused_not_unpickled():
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError, match="not a plain .npy array"):
        wire.unpack(frame_with_blob(buffer.getvalue()))


def test_a_blob_whose_header_claims_more_data_than_it_holds_is_refused():
    blob = wire.write_npy(np.arange(10.0))
    with pytest.raises(wire.WireError, match="not a plain .npy array"):
        wire.unpack(frame_with_blob(blob[:-8]))


def test_a_header_longer_than_the_limit_is_refused_before_it_is_parsed():
    size = wire.MAX_HEADER_BYTES + 1
    with pytest.raises(wire.WireError, match=f"header of {size} bytes exceeds"):
        wire.unpack(struct.pack(">I", size) + b"[" * size)
    # the longest legitimate header (truncated output and error texts, every character escaped) fits easily
    texts = {"stdout": "\x00" * 8192, "message": "\x00" * 2000, "traceback": "\x00" * 2000}
    header, _ = wire.unpack(wire.pack(texts, [])[8:])
    assert header["stdout"] == texts["stdout"]
