#!/usr/bin/python3
"""Cuts the STFT goldens used by tests/test_audio_stft.cpp out of shared/goldens/librosa.

Run from the repository root with Debian's python3 (numpy 1.24, the version that made the
goldens):  /usr/bin/python3 tests/data/librosa/slice_stft_goldens.py /work/shared/goldens

For each signal and pad mode it writes to tests/data/librosa/<signal>/<pad>_<dtype>/:
  stft_frames.npy       int64 [8]: the frames kept (0..3, two in the middle, the last two)
  stft_mag_frames.npy   float32 [1025, 8]: librosa's stft_mag at those frames
  stft_db_frames.npy    float32 [1025, 8]: librosa's stft_db (ref=np.max over the WHOLE clip)
  and in <pad>_float64/ stft_mag_frames.npy float64 [1025, 8].
The goldens have no float64 STFT, so the float64 reference is computed here exactly as librosa
0.10.1 computes it (pad n_fft/2, frame, multiply by the float64 Hann window, numpy.fft.rfft in
float64, abs), and the script first checks that the same computation, cast to complex64 like
librosa's float32 path, reproduces the float32 golden stft_mag.
"""
import os
import sys

import numpy as np

N_FFT, HOP = 2048, 512


def librosa_stft64(y, window, pad):
    padded = np.pad(y.astype(np.float64), N_FFT // 2, mode=pad)
    frames = 1 + len(y) // HOP
    index = np.arange(N_FFT)[:, None] + HOP * np.arange(frames)[None, :]
    return np.fft.rfft(window[:, None] * padded[index], axis=0)


def main(goldens):
    window = np.load(os.path.join(goldens, "librosa/filters/hann_periodic_2048.npy"))
    out_root = "tests/data/librosa"
    for signal in ("tones", "drums", "mix"):
        for pad in ("constant", "reflect"):
            src = os.path.join(goldens, "librosa", signal, f"{pad}_float32")
            y32 = np.load(os.path.join(src, "y.npy"))
            mag32 = np.load(os.path.join(src, "stft_mag.npy"))
            db32 = np.load(os.path.join(src, "stft_db.npy"))
            spectrum = librosa_stft64(y32, window, pad)
            mine32 = np.abs(spectrum.astype(np.complex64))
            scale = np.abs(mag32).max()
            err = np.abs(mine32 - mag32).max() / scale
            assert err < 1e-6, (signal, pad, err)
            count = mag32.shape[1]
            frames = np.array([0, 1, 2, 3, count // 2, count // 2 + 1, count - 2, count - 1],
                              dtype=np.int64)
            dst32 = os.path.join(out_root, signal, f"{pad}_float32")
            dst64 = os.path.join(out_root, signal, f"{pad}_float64")
            os.makedirs(dst32, exist_ok=True)
            os.makedirs(dst64, exist_ok=True)
            np.save(os.path.join(dst32, "stft_frames.npy"), frames)
            np.save(os.path.join(dst32, "stft_mag_frames.npy"), np.ascontiguousarray(mag32[:, frames]))
            np.save(os.path.join(dst32, "stft_db_frames.npy"), np.ascontiguousarray(db32[:, frames]))
            np.save(os.path.join(dst64, "stft_frames.npy"), frames)
            np.save(os.path.join(dst64, "stft_mag_frames.npy"),
                    np.ascontiguousarray(np.abs(spectrum)[:, frames]))
            print(f"{signal} {pad}: float32 golden reproduced to {err:.2e} (max abs / max)")
    # The first 4096 samples of librosa.load's float32 output, to check the decoder bit for bit.
    for signal in ("tones", "drums", "mix"):
        y32 = np.load(os.path.join(goldens, "librosa", signal, "constant_float32/y.npy"))
        np.save(os.path.join(out_root, signal, "y_first4096.npy"), y32[:4096])
    os.makedirs(os.path.join(out_root, "filters"), exist_ok=True)
    np.save(os.path.join(out_root, "filters/hann_periodic_2048.npy"), window)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/goldens")
