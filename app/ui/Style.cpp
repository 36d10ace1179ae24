#include "Style.hpp"

#include <filesystem>

namespace pv::ui {

namespace {

const char* firstExisting(std::initializer_list<const char*> paths) {
    for (const char* p : paths)
        if (std::filesystem::exists(p)) return p;
    return nullptr;
}

// Latin + Latin-1 + extended A/B, IPA, spacing modifiers, combining marks, Greek, Cyrillic,
// general punctuation, super/subscripts, currency, letterlike, arrows, maths, technical, box
// drawing, blocks, geometric shapes, misc symbols, dingbats, and the replacement character.
const ImWchar kRanges[] = {
    0x0020, 0x024F, 0x0250, 0x02FF, 0x0300, 0x036F, 0x0370, 0x03FF, 0x0400, 0x052F, 0x1E00, 0x1FFF, 0x2000, 0x206F,
    0x2070, 0x209F, 0x20A0, 0x20CF, 0x2100, 0x214F, 0x2150, 0x218F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2300, 0x23FF,
    0x2500, 0x257F, 0x2580, 0x259F, 0x25A0, 0x25FF, 0x2600, 0x26FF, 0x2700, 0x27BF, 0xFFFD, 0xFFFD, 0,
};

void mergeCjk(ImFontAtlas* atlas, float size) {
    const char* cjk = firstExisting({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                                     "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
                                     "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                                     "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"});
    if (!cjk) return;
    ImFontConfig cfg;
    cfg.MergeMode = true;
    cfg.OversampleH = 1;  // CJK glyph counts are large: keep the atlas small
    atlas->AddFontFromFileTTF(cjk, size, &cfg, atlas->GetGlyphRangesChineseSimplifiedCommon());
    atlas->AddFontFromFileTTF(cjk, size, &cfg, atlas->GetGlyphRangesJapanese());
    atlas->AddFontFromFileTTF(cjk, size, &cfg, atlas->GetGlyphRangesKorean());
}

ImFont* addFont(ImFontAtlas* atlas, const char* path, float size, bool withCjk) {
    if (!path) return nullptr;
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    ImFont* f = atlas->AddFontFromFileTTF(path, size, &cfg, kRanges);
    if (f && withCjk) mergeCjk(atlas, size);
    return f;
}

} // namespace

ImVec4 toVec(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

Fonts loadFonts(ImFontAtlas& standalone, float px) {
    ImFontAtlas* atlas = &standalone;
    atlas->Clear();
    Fonts f;
    const std::string dir = "/usr/share/fonts/truetype/dejavu/";
    const std::string sans = dir + "DejaVuSans.ttf", bold = dir + "DejaVuSans-Bold.ttf", mono = dir + "DejaVuSansMono.ttf";
    auto path = [](const std::string& p) { return std::filesystem::exists(p) ? p.c_str() : nullptr; };
    f.body = addFont(atlas, path(sans), px, true);
    f.bold = addFont(atlas, path(bold), px, false);
    f.heading = addFont(atlas, path(bold), px * 1.3f, false);
    f.mono = addFont(atlas, path(mono), px * 0.95f, false);
    if (!f.body) {
        ImFontConfig cfg;
        cfg.SizePixels = px;
        f.body = atlas->AddFontDefault(&cfg);
    }
    if (!f.bold) f.bold = f.body;
    if (!f.heading) f.heading = f.bold;
    if (!f.mono) f.mono = f.body;
    unsigned char* pixels = nullptr;  // rasterise now, off whichever thread calls this
    int w = 0, h = 0;
    atlas->GetTexDataAsRGBA32(&pixels, &w, &h);
    return f;
}

Fonts loadFonts(float px) { return loadFonts(*ImGui::GetIO().Fonts, px); }

void applyTheme(float scale) {
    ImGuiStyle& s = ImGui::GetStyle();
    s = ImGuiStyle();
    ImGui::StyleColorsDark(&s);
    s.WindowRounding = 0;
    s.ChildRounding = 6;
    s.FrameRounding = 5;
    s.PopupRounding = 6;
    s.GrabRounding = 4;
    s.TabRounding = 5;
    s.ScrollbarRounding = 6;
    s.WindowBorderSize = 0;
    s.ChildBorderSize = 1;
    s.FrameBorderSize = 0;
    s.WindowPadding = {10, 10};
    s.FramePadding = {8, 5};
    s.ItemSpacing = {8, 6};
    s.ItemInnerSpacing = {6, 4};
    s.CellPadding = {6, 4};
    s.ScrollbarSize = 13;
    ImVec4* c = s.Colors;
    auto rgb = [](int r, int g, int b, float a = 1.0f) { return ImVec4(r / 255.f, g / 255.f, b / 255.f, a); };
    c[ImGuiCol_Text] = rgb(226, 230, 238);
    c[ImGuiCol_TextDisabled] = rgb(130, 138, 155);
    c[ImGuiCol_WindowBg] = rgb(24, 26, 32);
    c[ImGuiCol_ChildBg] = rgb(29, 32, 39);
    c[ImGuiCol_PopupBg] = rgb(34, 37, 46, 0.98f);
    c[ImGuiCol_Border] = rgb(48, 53, 66);
    c[ImGuiCol_FrameBg] = rgb(40, 44, 55);
    c[ImGuiCol_FrameBgHovered] = rgb(50, 56, 70);
    c[ImGuiCol_FrameBgActive] = rgb(58, 66, 84);
    c[ImGuiCol_TitleBg] = rgb(24, 26, 32);
    c[ImGuiCol_TitleBgActive] = rgb(30, 34, 44);
    c[ImGuiCol_MenuBarBg] = rgb(30, 33, 41);
    c[ImGuiCol_Button] = rgb(48, 56, 74);
    c[ImGuiCol_ButtonHovered] = rgb(64, 84, 124);
    c[ImGuiCol_ButtonActive] = rgb(78, 108, 168);
    c[ImGuiCol_Header] = rgb(50, 66, 100);
    c[ImGuiCol_HeaderHovered] = rgb(58, 76, 116);
    c[ImGuiCol_HeaderActive] = rgb(70, 96, 150);
    c[ImGuiCol_CheckMark] = rgb(120, 200, 150);
    c[ImGuiCol_SliderGrab] = rgb(110, 160, 255);
    c[ImGuiCol_Separator] = rgb(48, 53, 66);
    c[ImGuiCol_TableHeaderBg] = rgb(36, 40, 50);
    c[ImGuiCol_TableBorderStrong] = rgb(48, 53, 66);
    c[ImGuiCol_TableBorderLight] = rgb(40, 44, 54);
    c[ImGuiCol_TableRowBg] = rgb(0, 0, 0, 0);
    c[ImGuiCol_TableRowBgAlt] = rgb(255, 255, 255, 0.025f);
    c[ImGuiCol_Tab] = rgb(38, 43, 54);
    c[ImGuiCol_TabHovered] = rgb(64, 84, 124);
    c[ImGuiCol_TabActive] = rgb(56, 72, 108);
    c[ImGuiCol_ModalWindowDimBg] = rgb(0, 0, 0, 0.55f);
    s.ScaleAllSizes(scale);
}

} // namespace pv::ui
