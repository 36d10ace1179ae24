// pv-bench-wrap: what soft word wrap costs per keystroke in a multi-line field, on a 50 KB and a
// 500 KB text (paragraphs of about 1,500 characters), headless ImGui (no GPU) with the app's fonts,
// a field 900 px wide. Per case: the frame time while typing one character per frame in the middle
// of the text with wrap off (ImGui alone) and on, the idle frame time (field active, nothing typed)
// both ways, and SoftWrap::edited alone (diff + strip + re-wrap, no ImGui). Prints Markdown rows
// (median and p95 in ms).
#include "CommandLine.hpp"
#include "ui/SoftWrap.hpp"
#include "ui/Style.hpp"
#include "ui/Widgets.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

std::string text(size_t bytes) {
    static const char* words[] = {"replicas", "converge", "when", "merges", "are", "commutative,", "associative", "and",
                                  "idempotent;", "the", "order", "of", "delivery", "does", "not", "matter."};
    std::string out;
    size_t para = 0;
    for (size_t i = 0; out.size() < bytes; ++i) {
        if (para > 1500) {
            out += "\n\n";
            para = 0;
        } else if (!out.empty()) {
            out += ' ';
        }
        const char* w = words[(i * 5 + i / 7) % (sizeof(words) / sizeof(words[0]))];
        out += w;
        para += std::char_traits<char>::length(w) + 1;
    }
    out.resize(bytes);
    return out;
}

struct Field {
    std::string text;
    pv::ui::Fonts fonts;
    bool focus = true;
    void frame() {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize({940, 880});
        ImGui::Begin("bench", nullptr, ImGuiWindowFlags_NoDecoration);
        ImGui::PushFont(fonts.mono);
        if (focus) ImGui::SetKeyboardFocusHere();
        focus = false;
        pv::ui::inputMultiline("##text", text, {-1, 800});
        ImGui::PopFont();
        ImGui::End();
        ImGui::Render();
    }
};

struct Figures {
    double typeMed, typeP95, idleMed;
};

Figures measure(const std::string& source, bool wrap, int frames, const pv::ui::Fonts& fonts) {
    pv::ui::setSoftWrap(wrap);
    Field f{source, fonts};
    for (int i = 0; i < 4; ++i) f.frame();  // focus, lay out
    ImGuiInputTextState* st = ImGui::GetInputTextState(ImGui::GetActiveID());
    if (!st) {
        std::fprintf(stderr, "the field did not take focus\n");
        std::exit(1);
    }
    st->Stb.cursor = st->Stb.select_start = st->Stb.select_end = st->CurLenW / 2;
    f.frame();
    std::vector<double> typing, idle;
    for (int i = 0; i < frames; ++i) {
        ImGui::GetIO().AddInputCharacter(i % 6 == 5 ? ' ' : 'a' + unsigned(i % 26));
        auto t0 = Clock::now();
        f.frame();
        typing.push_back(ms(t0, Clock::now()));
        t0 = Clock::now();
        f.frame();
        idle.push_back(ms(t0, Clock::now()));
    }
    const size_t typed = size_t(frames);
    if (f.text.size() != source.size() + typed) {
        std::fprintf(stderr, "typed text lost: %zu vs %zu\n", f.text.size(), source.size() + typed);
        std::exit(1);
    }
    ImGui::ClearActiveID();
    f.frame();
    return {quantile(typing, 0.5), quantile(typing, 0.95), quantile(idle, 0.5)};
}

Figures measurePure(const std::string& source, int frames, const pv::ui::Fonts& fonts) {
    const float scale = 1.0f;
    ImFont* font = fonts.mono;
    pv::ui::SoftWrap w([font, scale](char32_t c) { return font->GetCharAdvance(ImWchar(c)) * scale; });
    w.setWidth(900 - 16 - 13, 15);
    w.setText(source);
    std::vector<double> t;
    int cursor = int(w.buffer().size() / 2);
    for (int i = 0; i < frames; ++i) {
        std::string now = w.buffer();
        now.insert(size_t(cursor), 1, i % 6 == 5 ? ' ' : char('a' + i % 26));
        const auto t0 = Clock::now();
        const auto c = w.edited(now, {cursor + 1, cursor + 1, cursor + 1});
        t.push_back(ms(t0, Clock::now()));
        cursor = c.pos;
    }
    return {quantile(t, 0.5), quantile(t, 0.95), 0};
}

} // namespace

int main(int argc, char** argv) {
    int frames = 200;
    CLI::App cli("Word-wrap benchmark: frames of the wrapped editor at several text sizes, headless.", "pv-bench-wrap");
    cli.add_option("frames", frames, "frames per case")->check(pv::cmdline::wholeNumber(10, 1000000));
    if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {1440, 900};
    io.DeltaTime = 1.0f / 60.0f;
    pv::ui::applyTheme(1.0f);
    const pv::ui::Fonts fonts = pv::ui::loadFonts(15.0f);
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);

    std::printf("| text | typing, wrap off | typing, wrap on | idle, wrap off | idle, wrap on | SoftWrap::edited alone |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (size_t kb : {50, 500}) {
        const std::string source = text(kb * 1000);
        const Figures off = measure(source, false, frames, fonts);
        const Figures on = measure(source, true, frames, fonts);
        const Figures pure = measurePure(source, frames, fonts);
        std::printf("| %zu KB | %.2f (p95 %.2f) | %.2f (p95 %.2f) | %.2f | %.2f | %.2f (p95 %.2f) |\n", kb, off.typeMed, off.typeP95, on.typeMed,
                    on.typeP95, off.idleMed, on.idleMed, pure.typeMed, pure.typeP95);
    }
    std::printf("(ms per frame, median of %d keystrokes; one character typed per frame in the middle of the text)\n", frames);
    ImGui::DestroyContext();
    return 0;
}
