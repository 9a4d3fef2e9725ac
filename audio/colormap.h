// audio/colormap.h - matplotlib's colormaps magma, viridis and coolwarm, as 256-entry tables.
//
// A colormap turns a number t in [0, 1] into a colour. matplotlib stores each of these maps as a
// table of N = 256 colours and looks a value up by
//
//   index = int(t * N)            (truncation: t in [k/256, (k+1)/256) -> entry k)
//   index = N - 1 when t == 1.0   (so the top of the range is the last entry, not past it)
//   index clipped to [0, N-1]     (values outside [0, 1] take the end colours)
//
// and converts the float colour to 8-bit bytes as `cmap(t, bytes=True)` does: (channel * 255)
// truncated to an integer. NaN maps to the "bad" colour, transparent black (0, 0, 0).
//
// magma and viridis are ListedColormaps (tables of hand-designed colours, copied from matplotlib
// into colormap_tables.inc). coolwarm is a LinearSegmentedColormap: its table is computed by
// piecewise-linear interpolation of segment data, as matplotlib's _create_lookup_table does.
#pragma once

#include <cstdint>
#include <string>

namespace timbre::audio {

enum class Colormap { Magma, Viridis, Coolwarm };

// One 8-bit sRGB colour.
struct Rgb {
  uint8_t red = 0;
  uint8_t green = 0;
  uint8_t blue = 0;
  bool operator==(const Rgb&) const = default;
};

// The colour of t under `colormap`, as matplotlib's `colormap(t, bytes=True)[:3]`.
// Requires: nothing (any double).
// Ensures:  t <= 0 -> first entry; t >= 1 -> last entry; NaN -> (0, 0, 0) (matplotlib's bad
//           colour is transparent black; alpha is dropped).
Rgb map_value(Colormap colormap, double t);

// Entry `index` of the 256-entry table.
// Requires: 0 <= index < 256 (throws timbre::Error otherwise).
Rgb colormap_entry(Colormap colormap, int index);

// "magma", "viridis", "coolwarm".
std::string colormap_name(Colormap colormap);

// Inverse of colormap_name. Throws timbre::Error listing the known names for anything else.
Colormap colormap_from_name(const std::string& name);

}  // namespace timbre::audio
