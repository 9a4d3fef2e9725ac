// train/bitmap_font.h - a 5x7 pixel font for the text of the PNG pictures (axis labels, counts,
// class names), so that timbre draws text without a font library.
//
// Each glyph is 5 pixels wide and 7 high, drawn in a 6x8 cell (one blank column and row apart).
// It covers digits, ASCII letters, space and . , % - _ / : ( ) + ' = & ? ! ; any other character
// is drawn as a hollow box, so that a missing glyph is visible rather than silently blank.
#pragma once

namespace timbre::train {

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kGlyphAdvance = kGlyphWidth + 1;  // pixels from one character to the next

// Whether pixel (column, row) of `character`'s glyph is ink; row 0 is the top.
// Requires: 0 <= column < kGlyphWidth, 0 <= row < kGlyphHeight (else false).
bool glyph_pixel(char character, int column, int row);

// Whether the font has a glyph for `character` (else it draws a hollow box).
bool has_glyph(char character);

}  // namespace timbre::train
