#!/usr/bin/python3
"""Copies the onset/tempo/beat goldens and slices of the HPSS goldens used by
tests/test_audio_rhythm.cpp and tests/test_audio_hpss.cpp from shared/goldens/librosa.

Run with Debian's /usr/bin/python3 (numpy 1.24) from the repository root:
    /usr/bin/python3 tests/data/librosa/slice_rhythm_goldens.py /work/shared/goldens/librosa
Nothing is recomputed: arrays are copied, or sliced with np.ascontiguousarray.

hpss_{harmonic,percussive}_slices: [3, L] = samples [0, L), [n/2 - L/2, n/2 + L/2) and
[n - L, n) of the 220500-sample waveform, L = 4096; float32 folders only (the float64
folders of the goldens hold no HPSS waveforms).
"""
import os
import shutil
import sys

import numpy as np

source = sys.argv[1]
destination = os.path.dirname(os.path.abspath(__file__))
for clip in ("tones", "drums", "mix"):
    for pad in ("constant", "reflect"):
        for dtype in ("float32", "float64"):
            folder = f"{clip}/{pad}_{dtype}"
            os.makedirs(os.path.join(destination, folder), exist_ok=True)
            for name in ("onset_env", "tempo", "beats"):
                shutil.copyfile(os.path.join(source, folder, name + ".npy"),
                                os.path.join(destination, folder, name + ".npy"))
            if dtype != "float32":
                continue
            length = 4096
            for name in ("hpss_harmonic", "hpss_percussive"):
                y = np.load(os.path.join(source, folder, name + ".npy"))
                n = y.shape[0]
                middle = n // 2 - length // 2
                slices = np.stack([y[:length], y[middle:middle + length], y[n - length:]])
                np.save(os.path.join(destination, folder, name + "_slices.npy"),
                        np.ascontiguousarray(slices))
