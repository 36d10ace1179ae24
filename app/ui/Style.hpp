// Fonts (wide Unicode coverage) and the colour theme.
#pragma once
#include <imgui.h>

namespace pv::ui {

struct Fonts {
    ImFont* body = nullptr;
    ImFont* bold = nullptr;
    ImFont* heading = nullptr;
    ImFont* mono = nullptr;
    ImFont* italic = nullptr;  // DejaVu Sans Oblique (fonts-dejavu-extra); the body font without it
};

// Loads DejaVu Sans (regular, bold, large bold) and DejaVu Sans Mono at `pixelSize`, with Latin
// extended, Greek, Cyrillic, Hebrew, Arabic, punctuation, arrows, maths, box drawing and symbols,
// plus every character drawn so far that needed a fallback font (FontAtlas.hpp). Falls back to
// ImGui's built-in font when DejaVu is missing. The first form fills the current context's atlas;
// the second a standalone atlas, and also rasterises it, so it may run on another thread while no
// ImGui context exists yet.
Fonts loadFonts(float pixelSize);
Fonts loadFonts(ImFontAtlas& atlas, float pixelSize);

void applyTheme(float scale);

// Theme colours used by panels.
namespace color {
inline constexpr ImU32 accent = IM_COL32(110, 160, 255, 255);
inline constexpr ImU32 muted = IM_COL32(140, 148, 165, 255);
inline constexpr ImU32 good = IM_COL32(110, 200, 140, 255);
inline constexpr ImU32 warn = IM_COL32(235, 190, 90, 255);
inline constexpr ImU32 bad = IM_COL32(240, 110, 110, 255);
inline constexpr ImU32 chip = IM_COL32(52, 66, 96, 255);
inline constexpr ImU32 chipHover = IM_COL32(78, 96, 140, 255);
inline constexpr ImU32 insertBg = IM_COL32(40, 110, 60, 255);
inline constexpr ImU32 deleteBg = IM_COL32(120, 45, 50, 255);
inline constexpr ImU32 codeBg = IM_COL32(30, 33, 40, 255);
} // namespace color
ImVec4 toVec(ImU32 c);

} // namespace pv::ui
