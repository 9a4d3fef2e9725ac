// audio/colormap.cpp - matplotlib's magma, viridis and coolwarm as 256-entry byte tables.
#include "audio/colormap.h"

#include <array>
#include <cmath>

#include "tensor/error.h"

namespace timbre::audio {
namespace {

#include "audio/colormap_tables.inc"

constexpr int kEntries = 256;  // matplotlib's default N for all three maps

using ByteTable = std::array<Rgb, kEntries>;

// matplotlib's float -> byte conversion in `cmap(t, bytes=True)`: (value * 255).astype(uint8),
// which truncates. (So magma's last entry 0.987053 * 255 = 251.7 becomes 251, not 252.)
uint8_t to_byte(double value) {
  return static_cast<uint8_t>(value * 255.0);
}

ByteTable listed_table(const double (&table)[kEntries][3]) {
  ByteTable bytes;
  for (int i = 0; i < kEntries; ++i) {
    bytes[i] = {to_byte(table[i][0]), to_byte(table[i][1]), to_byte(table[i][2])};
  }
  return bytes;
}

// One channel of a LinearSegmentedColormap, as matplotlib's colors._create_lookup_table(N, data)
// with gamma 1. The segment rows are (x, y_left, y_right) with x rising from 0 to 1; the
// channel is piecewise linear between rows, jumping from y_left to y_right at a row's x.
// Entry i samples the curve at xind = (N-1) * linspace(0, 1, N)[i]; in units of entries:
//   x_k   = (N-1) * x[k]
//   k     = the first row with x_k >= xind           (numpy.searchsorted, side='left')
//   value = y_right[k-1] + (xind - x_{k-1}) / (x_k - x_{k-1}) * (y_left[k] - y_right[k-1])
// The first entry is y_right[0] and the last y_left[last]; values are clipped to [0, 1].
// We repeat numpy's floating-point steps (linspace computes i * (1/255), not i / 255) so the
// results, and hence the truncated bytes, are bit-identical.
template <size_t Rows>
std::array<double, kEntries> segment_channel(const double (&segments)[Rows][3]) {
  std::array<double, kEntries> lut{};
  const double last = static_cast<double>(kEntries - 1);
  const double step = 1.0 / last;  // numpy.linspace: step = (stop - start) / (num - 1)
  lut[0] = segments[0][2];
  lut[kEntries - 1] = segments[Rows - 1][1];
  for (int i = 1; i < kEntries - 1; ++i) {
    const double xind = last * (static_cast<double>(i) * step + 0.0);
    size_t k = 0;
    while (k < Rows && last * segments[k][0] < xind)
      ++k;  // searchsorted, side='left'
    const double x_left = last * segments[k - 1][0];
    const double x_right = last * segments[k][0];
    const double distance = (xind - x_left) / (x_right - x_left);
    lut[i] = distance * (segments[k][1] - segments[k - 1][2]) + segments[k - 1][2];
  }
  for (double& value : lut)
    value = std::fmin(std::fmax(value, 0.0), 1.0);
  return lut;
}

ByteTable coolwarm_table() {
  const std::array<double, kEntries> red = segment_channel(kCoolwarmRedSegments);
  const std::array<double, kEntries> green = segment_channel(kCoolwarmGreenSegments);
  const std::array<double, kEntries> blue = segment_channel(kCoolwarmBlueSegments);
  ByteTable bytes;
  for (int i = 0; i < kEntries; ++i)
    bytes[i] = {to_byte(red[i]), to_byte(green[i]), to_byte(blue[i])};
  return bytes;
}

const ByteTable& table_of(Colormap colormap) {
  // Built once, on first use (thread-safe static initialisation).
  static const ByteTable magma = listed_table(kMagmaTable);
  static const ByteTable viridis = listed_table(kViridisTable);
  static const ByteTable coolwarm = coolwarm_table();
  switch (colormap) {
    case Colormap::Magma:
      return magma;
    case Colormap::Viridis:
      return viridis;
    case Colormap::Coolwarm:
      return coolwarm;
  }
  TIMBRE_CHECK(false, "unknown colormap");
  return magma;
}

}  // namespace

Rgb colormap_entry(Colormap colormap, int index) {
  TIMBRE_CHECK(index >= 0 && index < kEntries, "colormap_entry: index ", index, " outside [0, ",
               kEntries, ")");
  return table_of(colormap)[index];
}

Rgb map_value(Colormap colormap, double t) {
  if (std::isnan(t)) return {0, 0, 0};  // matplotlib's bad colour: transparent black
  // matplotlib's Colormap.__call__: xa = t * N; xa == N counts as the last entry; then
  // truncation to int, with values below 0 taking the "under" colour and values past N - 1 the
  // "over" colour, which by default are the first and last entries.
  const double scaled = t * kEntries;
  int index = 0;
  if (scaled <= 0.0) {
    index = 0;
  } else if (scaled >= kEntries) {
    index = kEntries - 1;
  } else {
    index = static_cast<int>(scaled);  // truncation, like numpy's astype(int) on positive values
  }
  return table_of(colormap)[index];
}

std::string colormap_name(Colormap colormap) {
  switch (colormap) {
    case Colormap::Magma:
      return "magma";
    case Colormap::Viridis:
      return "viridis";
    case Colormap::Coolwarm:
      return "coolwarm";
  }
  return "unknown";
}

Colormap colormap_from_name(const std::string& name) {
  if (name == "magma") return Colormap::Magma;
  if (name == "viridis") return Colormap::Viridis;
  if (name == "coolwarm") return Colormap::Coolwarm;
  TIMBRE_CHECK(false, "unknown colormap '", name, "' (known: magma, viridis, coolwarm)");
  return Colormap::Magma;
}

}  // namespace timbre::audio
