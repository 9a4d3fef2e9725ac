#!/usr/bin/python3
"""Writes the numpy reference values of tests/test_audio_statistics.cpp.

Run from the repository root with Debian's python3 (numpy 1.24, the version that made the
goldens):  /usr/bin/python3 tests/data/numpy/make_pairwise_goldens.py

numpy adds a contiguous float64 array pairwise (blocks of 8 partial sums up to 128 values,
halves beyond); the lengths below cover each branch: fewer than 8, one 8-wide block with and
without a tail, exactly 128, just past it (the first split), and long arrays split several
times. The values are large against their spread (1e4 + 1e3 * normal), so a different order of
additions changes the last bits.

Writes to tests/data/numpy/:
  pairwise_lengths.npy   int64 [k]: the array lengths n_0 .. n_{k-1}
  pairwise_float64.npy   float64 [sum n]: the arrays, one after another
  pairwise_float32.npy   float32 [sum n]: the same arrays rounded to float32
  pairwise_expected.npy  float64 [k, 5]: per array, np.sum(x64), np.mean(x64), np.var(x64),
                         np.mean(x32 as float64), np.var(x32 as float64)
"""
import os

import numpy as np

LENGTHS = [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257, 1000, 1293, 4097]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)))
    rng = np.random.default_rng(2026)
    arrays64, arrays32, expected = [], [], []
    for n in LENGTHS:
        x64 = (1e4 + 1e3 * rng.standard_normal(n)).astype(np.float64)
        x32 = x64.astype(np.float32)
        wide = x32.astype(np.float64)
        arrays64.append(x64)
        arrays32.append(x32)
        expected.append([np.sum(x64), np.mean(x64), np.var(x64), np.mean(wide), np.var(wide)])
    np.save(os.path.join(out, "pairwise_lengths.npy"), np.array(LENGTHS, dtype=np.int64))
    np.save(os.path.join(out, "pairwise_float64.npy"), np.concatenate(arrays64))
    np.save(os.path.join(out, "pairwise_float32.npy"), np.concatenate(arrays32))
    np.save(os.path.join(out, "pairwise_expected.npy"), np.array(expected, dtype=np.float64))
    print("numpy", np.__version__, "->", out)


if __name__ == "__main__":
    main()
