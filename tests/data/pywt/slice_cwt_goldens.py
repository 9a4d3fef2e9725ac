# Cuts the PyWavelets 1.1.1 Morlet CWT goldens (shared/goldens/librosa/<clip>/cwt_morl, made by
# pywt.cwt(y64[:5512], scales=1..128, 'morl', sampling_period=1/22050, method='conv')) down to
# test size: 17 scales (rows 0, 7, 15, ..., 127) x 768 samples (the first, middle and last 256
# columns of 5512), float64, about 105 KB per clip. Run from this folder with /usr/bin/python3:
#   /usr/bin/python3 slice_cwt_goldens.py /work/shared/goldens/librosa
import os
import sys

import numpy as np

source = sys.argv[1]
rows = np.array([0] + list(range(7, 128, 8)), dtype=np.int64)
n = 5512
columns = np.concatenate([np.arange(0, 256), np.arange(n // 2 - 128, n // 2 + 128),
                          np.arange(n - 256, n)]).astype(np.int64)
for clip in ("tones", "drums", "mix"):
    folder = os.path.join(source, clip, "cwt_morl")
    coef = np.load(os.path.join(folder, "coef.npy"))
    scales = np.load(os.path.join(folder, "scales.npy"))
    freqs = np.load(os.path.join(folder, "freqs.npy"))
    x = np.load(os.path.join(folder, "x.npy"))
    assert coef.shape == (128, n) and x.shape == (n,)
    os.makedirs(clip, exist_ok=True)
    np.save(os.path.join(clip, "rows.npy"), rows)
    np.save(os.path.join(clip, "columns.npy"), columns)
    np.save(os.path.join(clip, "scales.npy"), np.ascontiguousarray(scales))
    np.save(os.path.join(clip, "freqs.npy"), np.ascontiguousarray(freqs))
    np.save(os.path.join(clip, "coef_slice.npy"), np.ascontiguousarray(coef[rows][:, columns]))
    # The input is not stored: it is the first 5512 samples of tests/data/audio/<clip>.wav.
    print(clip, "x sum", x.sum(), "first", x[:3])
