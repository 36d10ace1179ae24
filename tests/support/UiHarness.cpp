#include "UiHarness.hpp"

#include "ui/OutputsPanel.hpp"
#include "ui/Widgets.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

namespace pv::test {

using Clock = std::chrono::steady_clock;

UiHarness::UiHarness(const std::string& vault, sync::SyncService* s, ImVec2 display) : store(vault), sync(s) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = kKeyBase + k;
    ui::applyTheme(1.0f);
    fonts = ui::loadFonts(15.0f);
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    ui::testhook::enable(true);
    open();
}

UiHarness::~UiHarness() {
    app.reset();
    ui::testhook::clear();
    ImGui::DestroyContext();
}

void UiHarness::open() {
    app = std::make_unique<ui::App>(store, view, sync);
    app->setFonts(fonts);
    settle();
}

void UiHarness::frame() {
    app->pump();
    ImGui::NewFrame();
    app->frame();
    ImGui::Render();
}

void UiHarness::settle(int n) {
    for (int i = 0; i < n; ++i) {
        app->worker().waitIdle();
        frame();
    }
}

ImVec2 UiHarness::centre(const std::string& key) {
    auto r = ui::testhook::rect(key);
    INFO("widget not drawn: " << key);
    REQUIRE(r.has_value());
    return ImVec2((r->Min.x + r->Max.x) / 2, (r->Min.y + r->Max.y) / 2);
}

void UiHarness::click(const std::string& key) {
    settle(2);
    clickAt(centre(key));
}

void UiHarness::clickAt(ImVec2 pos, bool withCtrl) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.KeyCtrl = withCtrl;
    frame();
    io.MouseDown[0] = true;
    frame();
    io.MouseDown[0] = false;
    frame();
    io.KeyCtrl = false;
}

void UiHarness::wheel(const std::string& key, float lines) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = centre(key);
    frame();
    io.MouseWheel = lines;
    frame();
    io.MouseWheel = 0;
    frame();
}

void UiHarness::type(const std::string& text) {
    ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
    frame();
}

void UiHarness::press(int imguiKey) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeysDown[kKeyBase + imguiKey] = true;
    frame();
    io.KeysDown[kKeyBase + imguiKey] = false;
    frame();
}

void UiHarness::ctrl(int asciiKey) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    io.KeysDown[asciiKey] = true;
    frame();
    io.KeysDown[asciiKey] = false;
    io.KeyCtrl = false;
    frame();
}

double UiHarness::framesUntil(const std::function<bool()>& cond, double seconds) {
    auto t0 = Clock::now();
    while (std::chrono::duration<double>(Clock::now() - t0).count() < seconds) {
        frame();
        if (cond()) return std::chrono::duration<double>(Clock::now() - t0).count();
        std::this_thread::sleep_for(std::chrono::milliseconds(16));
    }
    return -1;
}

void UiHarness::framesFor(double seconds) {
    framesUntil([] { return false; }, seconds);
}

bool UiHarness::listShows(const std::string& id) {
    auto& rows = app->outputsPanel().rows();
    for (int64_t i = 0; i < std::min<int64_t>(rows.displayCount(), 400); ++i)
        if (const OutputRow* r = rows.row(i); r && r->id == id) return true;
    return false;
}

} // namespace pv::test
