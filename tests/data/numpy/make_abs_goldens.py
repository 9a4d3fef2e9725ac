#!/usr/bin/python3
"""Writes the numpy reference values of AudioStft.MagnitudeIsNumpysAbs (tests/test_audio_stft.cpp).

Run from the repository root with Debian's python3 (numpy 1.24.2, the version that made the
goldens) on a CPU with AVX-512F, as the goldens were made:
  /usr/bin/python3 tests/data/numpy/make_abs_goldens.py

np.abs of complex64 / complex128 there is numpy's SIMD formula larger * sqrt(fma(ratio, ratio, 1))
(ratio = smaller / larger of |re|, |im|), not the C library's hypot; the script checks that the
CPU has AVX-512F (elsewhere numpy would give hypot's values) before writing.

Writes to tests/data/numpy/:
  abs_parts_float32.npy  float32 [n, 2]: real and imaginary parts (random magnitudes over 2^-40 ..
                         2^40, then zeros, infinities, NaNs and values near the float32 limits)
  abs_float32.npy        float32 [n]: np.abs of those as complex64
  abs_parts_float64.npy, abs_float64.npy: the same in float64 / complex128
"""
import os

import numpy as np
from numpy.core._multiarray_umath import __cpu_features__


def parts(dtype, rng, count):
    info = np.finfo(dtype)
    scale = np.exp2(rng.uniform(-40, 40, size=(count, 2)))
    values = (rng.standard_normal((count, 2)) * scale).astype(dtype)
    special = np.array([[0, 0], [-0.0, 0], [3, 4], [-3, -4], [np.inf, np.nan], [np.nan, -np.inf],
                        [np.nan, 1], [1, np.nan], [np.inf, 1], [0, -np.inf],
                        [info.max, info.max], [info.max, 1], [info.tiny, info.tiny],
                        [info.tiny / 8, 0], [1, 1e-30], [1e-30, 1]], dtype=dtype)
    return np.concatenate([values, special])


def main():
    if not __cpu_features__.get("AVX512F"):
        raise SystemExit("needs a CPU with AVX-512F (numpy's SIMD abs), as the goldens were made")
    out = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(7)
    for dtype, complex_dtype, name in [(np.float32, np.complex64, "float32"),
                                       (np.float64, np.complex128, "float64")]:
        p = parts(dtype, rng, 2048)
        z = np.empty(len(p), dtype=complex_dtype)
        z.real, z.imag = p[:, 0], p[:, 1]  # set exactly (re + 1j * im would turn inf into NaN)
        with np.errstate(all="ignore"):
            expected = np.abs(z)
        np.save(os.path.join(out, "abs_parts_%s.npy" % name), np.ascontiguousarray(p))
        np.save(os.path.join(out, "abs_%s.npy" % name), expected.astype(dtype))
    print("numpy", np.__version__, "->", out)


if __name__ == "__main__":
    main()
