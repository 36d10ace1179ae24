#include "Style.hpp"

#include "FontAtlas.hpp"

namespace pv::ui {

ImVec4 toVec(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

Fonts loadFonts(ImFontAtlas& atlas, float px) { return glyphs::build(atlas, px, glyphs::allNoted()); }

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
