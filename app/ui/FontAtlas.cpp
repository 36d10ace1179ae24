#include "FontAtlas.hpp"

#include "TextCarrier.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

namespace pv::ui::glyphs {

namespace {

// ---- characters asked for ----------------------------------------------------------------------
struct Demand {
    std::mutex mutex;
    std::set<char32_t> noted;
    std::vector<char32_t> fresh;
};
Demand& demand() {
    static Demand d;
    return d;
}

// ---- font files --------------------------------------------------------------------------------
const char* firstExisting(std::initializer_list<const char*> paths) {
    for (const char* p : paths)
        if (std::filesystem::exists(p)) return p;
    return nullptr;
}

struct FontFiles {
    const char* sans = firstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"});
    const char* bold = firstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
    const char* mono = firstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"});
    const char* italic = firstExisting({"/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"});
    // Merged, in this order, for characters the base fonts lack.
    std::vector<const char*> fallbacks = [] {
        std::vector<const char*> v;
        for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
                              "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                              "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
                              "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"})
            if (std::filesystem::exists(p)) v.push_back(p);
        return v;
    }();
    const char* colorEmoji = firstExisting({"/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"});
};
const FontFiles& files() {
    static FontFiles f;
    return f;
}

// Font files read once; atlases reference the bytes without owning them.
const std::vector<char>* fileBytes(const char* path) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<std::vector<char>>> cache;
    std::lock_guard lock(mutex);
    auto& slot = cache[path];
    if (!slot) {
        std::ifstream in(path, std::ios::binary);
        slot = std::make_unique<std::vector<char>>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return slot->empty() ? nullptr : slot.get();
}

// Latin + extended, IPA, combining marks, Greek, Cyrillic, Hebrew, Arabic (with its presentation
// forms, which the display path shapes to), general punctuation, super/subscripts, currency,
// letterlike, arrows, maths, technical, box drawing, shapes, symbols, dingbats, replacement char.
const ImWchar kBaseRanges[] = {
    0x0020, 0x024F, 0x0250, 0x02FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x0590, 0x05FF, 0x0600, 0x06FF,
    0x1E00, 0x1FFF, 0x2000, 0x206F, 0x2070, 0x209F, 0x20A0, 0x20CF, 0x2100, 0x214F, 0x2150, 0x218F, 0x2190, 0x21FF,
    0x2200, 0x22FF, 0x2300, 0x23FF, 0x2500, 0x257F, 0x2580, 0x259F, 0x25A0, 0x25FF, 0x2600, 0x26FF, 0x2700, 0x27BF,
    0xFB1D, 0xFB4F, 0xFB50, 0xFDFF, 0xFE70, 0xFEFF, 0xFFFD, 0xFFFD, 0,
};

// Emphasis is set in Latin, Greek and Cyrillic; other scripts come from the upright merge.
const ImWchar kItalicRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F, 0};

// ---- glyphs for stand-ins, rasterised with FreeType ---------------------------------------------
struct Bitmap {
    int width = 0, height = 0;
    float offsetX = 0, offsetY = 0, advance = 0;
    bool colored = false;
    std::vector<unsigned char> rgba;
};

class Rasteriser {
public:
    Rasteriser() {
        if (FT_Init_FreeType(&m_lib) != 0) m_lib = nullptr;
    }
    ~Rasteriser() {
        for (auto& [path, face] : m_faces)
            if (face) FT_Done_Face(face);
        if (m_lib) FT_Done_FreeType(m_lib);
    }
    Rasteriser(const Rasteriser&) = delete;
    Rasteriser& operator=(const Rasteriser&) = delete;

    // `c` drawn for a line of `pixelSize` whose baseline sits at `baseline` from its top.
    std::optional<Bitmap> draw(char32_t c, float pixelSize, float baseline, float em) {
        if (!m_lib) return std::nullopt;
        const auto& f = files();
        if (f.colorEmoji && isEmoji(c))
            if (auto b = drawColor(f.colorEmoji, c, pixelSize)) return b;
        std::vector<const char*> order = {f.sans};
        for (const char* p : f.fallbacks) order.push_back(p);
        for (const char* path : order)
            if (auto b = drawOutline(path, c, baseline, em)) return b;
        if (f.colorEmoji)
            if (auto b = drawColor(f.colorEmoji, c, pixelSize)) return b;
        if (isPrivateUse(c)) return drawBox(baseline, em);
        return std::nullopt;
    }

    static bool isEmoji(char32_t c) { return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF); }

private:
    static bool isPrivateUse(char32_t c) { return (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000; }

    // A private-use character means what some program made it mean; no font draws it. It is shown
    // as an outlined box (not as U+FFFD, which would say the character was lost).
    static Bitmap drawBox(float baseline, float em) {
        Bitmap out;
        out.width = std::max(4, int(std::lround(em * 0.5f)));
        out.height = std::max(6, int(std::lround(em * 0.7f)));
        out.offsetX = 1;
        out.offsetY = std::round(baseline) - float(out.height);
        out.advance = float(out.width) + 2;
        out.rgba.assign(size_t(out.width) * size_t(out.height) * 4, 0);
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x)
                if (x == 0 || y == 0 || x == out.width - 1 || y == out.height - 1) {
                    unsigned char* px = &out.rgba[(size_t(y) * size_t(out.width) + size_t(x)) * 4];
                    px[0] = px[1] = px[2] = 255;
                    px[3] = 200;
                }
        return out;
    }

    FT_Face face(const char* path) {
        if (!path) return nullptr;
        auto it = m_faces.find(path);
        if (it != m_faces.end()) return it->second;
        FT_Face f = nullptr;
        if (FT_New_Face(m_lib, path, 0, &f) != 0) f = nullptr;
        m_faces[path] = f;
        return f;
    }

    std::optional<Bitmap> drawOutline(const char* path, char32_t c, float baseline, float em) {
        FT_Face f = face(path);
        if (!f || !FT_Get_Char_Index(f, c) || !FT_IS_SCALABLE(f)) return std::nullopt;
        if (FT_Set_Pixel_Sizes(f, 0, FT_UInt(std::lround(em))) != 0) return std::nullopt;
        if (FT_Load_Char(f, c, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT) != 0) return std::nullopt;
        const FT_Bitmap& bm = f->glyph->bitmap;
        if (bm.pixel_mode != FT_PIXEL_MODE_GRAY) return std::nullopt;
        Bitmap out;
        out.width = int(bm.width);
        out.height = int(bm.rows);
        out.offsetX = float(f->glyph->bitmap_left);
        out.offsetY = std::round(baseline) - float(f->glyph->bitmap_top);
        out.advance = float(f->glyph->advance.x) / 64.0f;
        out.rgba.resize(size_t(out.width) * size_t(out.height) * 4);
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x) {
                unsigned char* px = &out.rgba[(size_t(y) * size_t(out.width) + size_t(x)) * 4];
                px[0] = px[1] = px[2] = 255;
                px[3] = bm.buffer[y * bm.pitch + x];
            }
        return out;
    }

    // Colour bitmap fonts come in fixed sizes: take the strike and scale it down by area averaging.
    std::optional<Bitmap> drawColor(const char* path, char32_t c, float pixelSize) {
        FT_Face f = face(path);
        if (!f || !FT_Get_Char_Index(f, c) || f->num_fixed_sizes < 1) return std::nullopt;
        if (FT_Select_Size(f, 0) != 0) return std::nullopt;
        if (FT_Load_Char(f, c, FT_LOAD_COLOR | FT_LOAD_RENDER) != 0) return std::nullopt;
        const FT_Bitmap& bm = f->glyph->bitmap;
        if (bm.pixel_mode != FT_PIXEL_MODE_BGRA || bm.rows == 0) return std::nullopt;
        const int target = std::max(1, int(std::lround(pixelSize * 0.92f)));
        const double scale = double(target) / double(bm.rows);
        Bitmap out;
        out.colored = true;
        out.height = target;
        out.width = std::max(1, int(std::lround(bm.width * scale)));
        out.offsetX = 1;
        out.offsetY = std::round((pixelSize - float(target)) * 0.5f);
        out.advance = float(out.width) + 2;
        out.rgba.resize(size_t(out.width) * size_t(out.height) * 4);
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x) {
                const int y0 = int(y / scale), y1 = std::max(y0 + 1, std::min(int(bm.rows), int((y + 1) / scale)));
                const int x0 = int(x / scale), x1 = std::max(x0 + 1, std::min(int(bm.width), int((x + 1) / scale)));
                double b = 0, g = 0, r = 0, a = 0;
                int n = 0;
                for (int sy = y0; sy < y1 && sy < int(bm.rows); ++sy)
                    for (int sx = x0; sx < x1 && sx < int(bm.width); ++sx) {
                        const unsigned char* s = &bm.buffer[sy * bm.pitch + sx * 4];
                        b += s[0], g += s[1], r += s[2], a += s[3];
                        ++n;
                    }
                unsigned char* px = &out.rgba[(size_t(y) * size_t(out.width) + size_t(x)) * 4];
                if (n == 0 || a == 0) {
                    px[0] = px[1] = px[2] = px[3] = 0;
                    continue;
                }
                // Premultiplied in the font; the renderer blends straight alpha.
                px[0] = (unsigned char)std::min(255.0, r * 255.0 / a);
                px[1] = (unsigned char)std::min(255.0, g * 255.0 / a);
                px[2] = (unsigned char)std::min(255.0, b * 255.0 / a);
                px[3] = (unsigned char)std::lround(a / n);
            }
        return out;
    }

    FT_Library m_lib = nullptr;
    std::map<std::string, FT_Face> m_faces;
};

// DejaVu's vertical metrics, as ImGui's stb_truetype path scales them (size = ascent - descent).
struct LineMetrics {
    float baseline, em;
};
LineMetrics metricsFor(float pixelSize) {
    // DejaVu Sans: units per em 2048, hhea ascent 1901, descent -483.
    const float height = 1901.0f + 483.0f;
    return {pixelSize * 1901.0f / height, pixelSize * 2048.0f / height};
}

// ImGui sizes a font by its line height (ascent - descent); fonts differ in how much of that the
// em takes. A merged fallback is sized so its em matches DejaVu's, or CJK and Devanagari come out
// a size smaller than the Latin around them.
float emMatchingScale(const char* path) {
    static std::mutex mutex;
    static std::map<std::string, float> cache;
    std::lock_guard lock(mutex);
    auto it = cache.find(path);
    if (it != cache.end()) return it->second;
    float scale = 1.0f;
    FT_Library lib = nullptr;
    if (FT_Init_FreeType(&lib) == 0) {
        FT_Face face = nullptr;
        if (FT_New_Face(lib, path, 0, &face) == 0) {
            if (face->units_per_EM > 0 && face->ascender - face->descender > 0) {
                const float height = float(face->ascender - face->descender) / float(face->units_per_EM);
                scale = height / ((1901.0f + 483.0f) / 2048.0f);
            }
            FT_Done_Face(face);
        }
        FT_Done_FreeType(lib);
    }
    scale = std::clamp(scale, 0.8f, 1.6f);
    cache[path] = scale;
    return scale;
}

std::vector<ImWchar> rangesOf(const std::vector<char32_t>& chars) {
    std::vector<ImWchar> r;
    for (char32_t c : chars) {
        if (!r.empty() && char32_t(r.back()) + 1 == c) r.back() = ImWchar(c);
        else r.push_back(ImWchar(c)), r.push_back(ImWchar(c));
    }
    r.push_back(0);
    return r;
}

} // namespace

void noteMissing(char32_t c) {
    auto& d = demand();
    std::lock_guard lock(d.mutex);
    if (d.noted.insert(c).second) d.fresh.push_back(c);
}
bool anyMissing() {
    auto& d = demand();
    std::lock_guard lock(d.mutex);
    return !d.fresh.empty();
}
std::vector<char32_t> takeMissing() {
    auto& d = demand();
    std::lock_guard lock(d.mutex);
    return std::exchange(d.fresh, {});
}
std::vector<char32_t> allNoted() {
    auto& d = demand();
    std::lock_guard lock(d.mutex);
    return {d.noted.begin(), d.noted.end()};
}

Fonts build(ImFontAtlas& atlas, float px, const std::vector<char32_t>& extra) {
    atlas.Clear();
    std::vector<char32_t> bmp;
    std::vector<std::pair<char32_t, char32_t>> standIns;  // (stand-in, character)
    for (char32_t c : extra) {
        if (c > 0xFFFF) continue;
        if (char32_t carried = carry::carriedBy(c)) standIns.emplace_back(c, carried);
        else if (c >= carry::kStandInFirst && c <= carry::kStandInLast) continue;  // no stand-in (yet): nothing to draw
        else if (Rasteriser::isEmoji(c)) standIns.emplace_back(c, c);  // in colour, like the astral ones
        else bmp.push_back(c);
    }
    std::sort(bmp.begin(), bmp.end());
    const std::vector<ImWchar> extraRanges = rangesOf(bmp);
    const auto& f = files();

    auto addFromFile = [&](const char* path, float size, const ImWchar* ranges, bool merge) -> ImFont* {
        const std::vector<char>* bytes = path ? fileBytes(path) : nullptr;
        if (!bytes) return nullptr;
        ImFontConfig cfg;
        cfg.FontDataOwnedByAtlas = false;  // shared by every atlas built from the cache
        cfg.MergeMode = merge;
        cfg.OversampleH = merge ? 1 : 2;
        if (merge && path != f.sans) size *= emMatchingScale(path);
        return atlas.AddFontFromMemoryTTF(const_cast<char*>(bytes->data()), int(bytes->size()), size, &cfg, ranges);
    };
    struct Pending {
        int rect;
        ImFont* font;
        char32_t standIn;
        Bitmap bitmap;
    };
    std::vector<Pending> pending;
    Rasteriser raster;
    auto addFont = [&](const char* path, float size, const ImWchar* ownRanges = kBaseRanges) -> ImFont* {
        ImFont* font = addFromFile(path, size, ownRanges, false);
        if (!font) return nullptr;
        if (path != f.sans) addFromFile(f.sans, size, kBaseRanges, true);
        if (bmp.size()) {
            addFromFile(f.sans, size, extraRanges.data(), true);
            for (const char* fb : f.fallbacks) addFromFile(fb, size, extraRanges.data(), true);
        }
        const LineMetrics m = metricsFor(size);
        for (auto [standIn, original] : standIns) {
            auto bitmap = raster.draw(original, size, m.baseline, m.em);
            if (!bitmap) continue;
            int rect = atlas.AddCustomRectFontGlyph(font, ImWchar(standIn), bitmap->width, bitmap->height, bitmap->advance,
                                                    ImVec2(bitmap->offsetX, bitmap->offsetY));
            pending.push_back({rect, font, standIn, std::move(*bitmap)});
        }
        return font;
    };

    Fonts fonts;
    fonts.body = addFont(f.sans, px);
    fonts.bold = addFont(f.bold, px);
    fonts.heading = addFont(f.bold, px * 1.3f);
    fonts.mono = addFont(f.mono, px * 0.95f);
    fonts.italic = addFont(f.italic, px, kItalicRanges);  // its own Latin, Greek, Cyrillic; the rest upright
    if (!fonts.body) {
        ImFontConfig cfg;
        cfg.SizePixels = px;
        fonts.body = atlas.AddFontDefault(&cfg);
    }
    if (!fonts.bold) fonts.bold = fonts.body;
    if (!fonts.heading) fonts.heading = fonts.bold;
    if (!fonts.mono) fonts.mono = fonts.body;
    if (!fonts.italic) fonts.italic = fonts.body;

    unsigned char* pixels = nullptr;  // rasterise now, off whichever thread calls this
    int width = 0, height = 0;
    atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
    for (auto& p : pending) {
        const ImFontAtlasCustomRect* r = atlas.GetCustomRectByIndex(p.rect);
        if (!r || !r->IsPacked()) continue;
        for (int y = 0; y < p.bitmap.height; ++y)
            std::memcpy(pixels + (size_t(r->Y + y) * size_t(width) + r->X) * 4, &p.bitmap.rgba[size_t(y) * size_t(p.bitmap.width) * 4],
                        size_t(p.bitmap.width) * 4);
        if (p.bitmap.colored)
            if (auto* g = const_cast<ImFontGlyph*>(p.font->FindGlyphNoFallback(ImWchar(p.standIn)))) g->Colored = 1;
    }
    return fonts;
}

int countFallbackGlyphs(const ImDrawData* data, const ImFontAtlas* atlas) {
    if (!data || !atlas) return 0;
    std::vector<ImVec2> fallbackUv;
    for (const ImFont* font : atlas->Fonts)
        if (font->FallbackGlyph) fallbackUv.push_back({font->FallbackGlyph->U0, font->FallbackGlyph->V0});
    int count = 0;
    for (int l = 0; l < data->CmdListsCount; ++l) {
        const ImDrawList* list = data->CmdLists[l];
        // A glyph is a quad whose first vertex carries the glyph's top-left uv.
        for (int i = 0; i + 3 < list->VtxBuffer.Size; ++i) {
            const ImVec2 uv = list->VtxBuffer[i].uv;
            for (const ImVec2& f : fallbackUv)
                if (uv.x == f.x && uv.y == f.y && list->VtxBuffer[i + 2].uv.x != f.x) {
                    ++count;
                    i += 3;
                    break;
                }
        }
    }
    return count;
}

AtlasGrower::~AtlasGrower() {
    if (m_pending.valid()) m_pending.wait();
}

void AtlasGrower::maybeStart() {
    if (m_pending.valid() || !anyMissing()) return;
    takeMissing();
    m_pending = std::async(std::launch::async, [px = m_pixelSize, chars = allNoted()] {
        const auto start = std::chrono::steady_clock::now();
        auto built = std::make_unique<Built>();
        built->atlas = std::make_unique<ImFontAtlas>();
        built->fonts = build(*built->atlas, px, chars);
        built->buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        built->characters = chars.size();
        return built;
    });
}

std::unique_ptr<AtlasGrower::Built> AtlasGrower::takeReady() {
    if (!m_pending.valid() || m_pending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return nullptr;
    return m_pending.get();
}

} // namespace pv::ui::glyphs
