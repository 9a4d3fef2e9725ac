// audio/render.h - the SUTD image datasets: a clip of audio -> a coloured picture, as the SUTD
// 50.039 notebooks made with librosa.display and matplotlib (shared/spec/reports.md section 1;
// docs/audio.md, "Images and the wavelet scalogram").
//
//   kind         values drawn                                                  colormap
//   Spectrogram  amplitude_to_db(|stft(y)|, ref=1, top_db=80), n_fft 2048 hop 512  coolwarm
//   Mel          power_to_db(melspectrogram(n_fft 2048, hop 1024, 128 mels,
//                power 2), ref=max), top_db 80                                  magma
//   Mfcc         mfcc(n_mfcc=13), hop 512                                      coolwarm
//   Waveform     the waveform envelope (librosa.display.waveshow): per pixel
//                column the min..max of the samples, filled in blue on white  -
//   Scalogram    |Morlet CWT| (audio/cwt.h) on 128 log-spaced scales from 2
//                (8.96 kHz at 22050 Hz) to 512 (35 Hz), mean per column         magma
//
// The SUTD "wavelets" folder holds Waveform pictures (no wavelet transform at all); Scalogram is
// the real time-frequency wavelet picture offered beside it.
//
// Every matrix is painted one pixel per cell with low frequencies (row 0) at the bottom, then
// resized to width x height (default 432 x 288, the size of the report's figures). Unlike the
// matplotlib figures the images have no axes, margins or colour bar: only the plot area.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audio/colormap.h"
#include "audio/image.h"
#include "tensor/generator.h"
#include "tensor/tensor.h"

namespace timbre::audio {

enum class ImageKind { Spectrogram, Mel, Mfcc, Waveform, Scalogram };

struct RenderOptions {
  int width = 432;                   // output image width in pixels
  int height = 288;                  // output image height in pixels
  std::optional<Colormap> colormap;  // overrides the kind's colormap (ignored for Waveform)
};

// "spectrogram", "mel", "mfcc", "waveform", "scalogram".
std::string image_kind_name(ImageKind kind);

// Inverse of image_kind_name; also accepts the SUTD folder names "melspect" (Mel) and
// "wavelets" (Waveform). Throws timbre::Error listing the known names for anything else.
ImageKind image_kind_from_name(const std::string& name);

// The colormap the kind uses by default (coolwarm for Spectrogram/Mfcc, magma otherwise).
Colormap default_colormap(ImageKind kind);

// The matrix a kind paints, before colouring (see the table above). Row 0 is the lowest
// frequency (or the first MFCC; for Scalogram the largest scale).
// y: [samples] -> [rows, frames]: Spectrogram [1025, 1 + samples/512], Mel [128, 1 + samples/1024],
//                 Mfcc [13, 1 + samples/512], Scalogram [128, columns] (columns =
//                 `scalogram_columns`)
// Requires: y 1-d float32/float64 CPU with >= 1 sample; sample_rate > 0; kind != Waveform
//           (Waveform has no matrix; throws timbre::Error).
// Ensures:  a float64 tensor.
Tensor image_values(const Tensor& y, double sample_rate, ImageKind kind,
                    int scalogram_columns = 432);

// Paints `values` (as returned by image_values, possibly masked by spec_augment_mask) with the
// kind's colormap (or options.colormap), low rows at the bottom, then resizes to the options'
// size. The colour range is the matrix's own min..max, as matplotlib autoscales.
// Requires: values 2-d float32/float64 CPU; options.width, options.height >= 1; kind != Waveform.
// Ensures:  an image of options.width x options.height.
Image render_values(const Tensor& values, ImageKind kind, const RenderOptions& options = {});

// The picture of one kind for a clip: render_values(image_values(...)), or for Waveform the
// envelope drawing.
// y: [samples] -> Image of options.width x options.height
// Requires: as image_values (Waveform allowed); options.width, options.height >= 1.
Image render(const Tensor& y, double sample_rate, ImageKind kind,
             const RenderOptions& options = {});

// Cuts a clip into consecutive slices of round(seconds * sample_rate) samples, as the SUTD
// SplitmelSpect folder did ([0,10) [10,20) [20,30) s of a 30-s clip). The remainder shorter
// than a slice is dropped (294 samples for a 661,794-sample GTZAN clip); a clip shorter than one
// slice gives one slice holding the whole clip.
// y: [samples] -> each [round(seconds * sample_rate)] (contiguous copies)
// Requires: y 1-d CPU with >= 1 sample; seconds > 0; sample_rate > 0.
std::vector<Tensor> split_clip(const Tensor& y, double sample_rate, double seconds = 10.0);

// SpecAugment-style masking as the SUTD melspectMask folder: one time mask and one frequency
// mask, each of uniform random width and uniform random start:
//   time:      width  w ~ U{0 .. floor(max_time_fraction * frames)},   start ~ U{0 .. frames - w}
//   frequency: height h ~ U{0 .. floor(max_freq_fraction * rows)},     start ~ U{0 .. rows - h}
// and every masked cell is set to the largest value of the matrix (0 dB for a ref=max mel).
// Draws exactly four numbers from `generator`, in the order above (so a seed fixes the masks).
// mel_db: [rows, frames] -> [rows, frames] (a new float64 tensor; the input is unchanged)
// Requires: mel_db 2-d float32/float64 CPU with >= 1 cell; fractions in [0, 1].
Tensor spec_augment_mask(const Tensor& mel_db, Generator& generator,
                         double max_time_fraction = 0.15, double max_freq_fraction = 0.3);

}  // namespace timbre::audio
