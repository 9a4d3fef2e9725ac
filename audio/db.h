// audio/db.h - decibel conversion of spectrograms, as librosa.amplitude_to_db / power_to_db.
//
//   power_to_db(S)     = 10 * log10(max(amin, S)) - 10 * log10(max(amin, ref))
//   amplitude_to_db(S) = power_to_db(S^2, ref^2, amin^2)   (= 20 * log10(...) of the amplitude)
//
// then, when top_db is given, every value is raised to at least (largest value - top_db): a
// spectrogram shown or learned in dB then spans at most top_db decibels, and silence does not
// produce -inf or huge negative numbers. `amin` keeps log10 away from zero.
#pragma once

#include <optional>
#include <variant>

#include "tensor/tensor.h"

namespace timbre::audio {

// ref = RefMax{} uses the largest value of S as the reference (librosa's ref=np.max), so the
// loudest cell becomes 0 dB and everything else is negative.
struct RefMax {};
using DbReference = std::variant<double, RefMax>;

// S: [any shape] power (e.g. |stft|^2 or a mel spectrogram) -> dB, same shape and dtype.
// Requires: S a float32 or float64 CPU tensor with at least one element; amin > 0;
//           top_db, when given, >= 0.
// Ensures:  as librosa.power_to_db(S, ref=ref, amin=amin, top_db=top_db): the reference value
//           is |ref| (or max S for RefMax); the top_db clip is relative to the largest dB value
//           over the WHOLE tensor. float32 input is converted in float32 as numpy does.
//           NaNs propagate as in numpy: a NaN cell gives NaN; with top_db, or ref = RefMax{},
//           any NaN makes every cell NaN.
Tensor power_to_db(const Tensor& S, DbReference ref = 1.0, double amin = 1e-10,
                   std::optional<double> top_db = 80.0);

// S: [any shape] amplitude (e.g. |stft|) -> dB, same shape and dtype.
// Requires: as power_to_db (values may be negative: their magnitude |S| is used).
// Ensures:  as librosa.amplitude_to_db(S, ref=ref, amin=amin, top_db=top_db)
//           = power_to_db(|S|^2, ref=|ref|^2 (or (max |S|)^2), amin=amin^2, top_db).
Tensor amplitude_to_db(const Tensor& S, DbReference ref = 1.0, double amin = 1e-5,
                       std::optional<double> top_db = 80.0);

}  // namespace timbre::audio
