// The font atlas grows with what the vault shows. The first atlas holds DejaVu's Latin, Greek,
// Cyrillic, Hebrew, Arabic and symbols; every character drawn that it lacks (a CJK ideograph, a
// Devanagari letter, an emoji carried by a stand-in) is noted, and between frames a new atlas is
// built on a helper thread with those characters merged from the fallback fonts installed
// (Noto Sans CJK, Lohit Devanagari, Symbola, Noto Color Emoji), then swapped in.
#pragma once
#include "Style.hpp"

#include <imgui.h>

#include <future>
#include <memory>
#include <vector>

namespace pv::ui::glyphs {

// A character the current atlas lacks was drawn (any thread). Each character is asked for once.
void noteMissing(char32_t c);
// Characters noted since the last take.
bool anyMissing();
std::vector<char32_t> takeMissing();
// Every character noted so far (a rebuild keeps all of them).
std::vector<char32_t> allNoted();

// Builds fonts into `atlas` at `pixelSize` with the base ranges plus `extra` characters (BMP ones
// merged from the fallback fonts; stand-ins drawn as the characters they carry) and rasterises
// the atlas. Safe on any thread while no ImGui context uses `atlas`.
Fonts build(ImFontAtlas& atlas, float pixelSize, const std::vector<char32_t>& extra);

// Counts glyphs in the draw data that are a font's fallback glyph (a character no font had).
int countFallbackGlyphs(const ImDrawData* data, const ImFontAtlas* atlas);

// Rebuilds the atlas between frames when new characters were noted.
class AtlasGrower {
public:
    explicit AtlasGrower(float pixelSize) : m_pixelSize(pixelSize) {}
    ~AtlasGrower();
    // Starts a rebuild on a helper thread if characters are missing and none runs.
    void maybeStart();
    bool building() const { return m_pending.valid(); }
    struct Built {
        std::unique_ptr<ImFontAtlas> atlas;
        Fonts fonts;
        double buildMs = 0;  // on the helper thread
        size_t characters = 0;
    };
    // A finished atlas to swap in (between frames), if one is ready.
    std::unique_ptr<Built> takeReady();

private:
    float m_pixelSize;
    std::future<std::unique_ptr<Built>> m_pending;
};

} // namespace pv::ui::glyphs
