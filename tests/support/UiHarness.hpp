// The headless ImGui context the UI tests drive the real App in (no GPU, no window): simulated
// mouse and keyboard through ImGuiIO as ImGui 1.86 reads them. Apps come and go on it (a restart is
// a new App on the same vault: app.reset() then open()).
#pragma once
#include "Store.hpp"
#include "ui/App.hpp"
#include "ui/Style.hpp"
#include "ui/ViewOptions.hpp"

#include <imgui.h>

#include <functional>
#include <memory>
#include <string>

namespace pv::sync {
class SyncService;
}

namespace pv::test {

class UiHarness {
public:
    static constexpr int kKeyBase = 300;  // where ImGuiKey_* land in io.KeysDown (letters keep their ASCII codes)

    explicit UiHarness(const std::string& vault, sync::SyncService* sync = nullptr, ImVec2 display = ImVec2(1440, 900));
    ~UiHarness();
    UiHarness(const UiHarness&) = delete;
    UiHarness& operator=(const UiHarness&) = delete;

    void open();  // a new App on the store
    void frame();
    // Frames with the worker's answers delivered in between.
    void settle(int n = 4);
    ImVec2 centre(const std::string& key);  // of a widget marked with testhook::mark; REQUIREs it drawn
    void click(const std::string& key);
    void clickAt(ImVec2 pos, bool ctrl = false);
    void wheel(const std::string& key, float lines);  // over a marked widget; > 0 scrolls up
    void type(const std::string& text);
    void press(int imguiKey);  // an ImGuiKey_* held for one frame
    void ctrl(int asciiKey);   // Ctrl + a letter
    // Frames at about 60 Hz of real time until cond holds or `seconds` pass (a functional wait,
    // never a speed assertion); the time it took is returned for the log, < 0 when it never held.
    double framesUntil(const std::function<bool()>& cond, double seconds = 20);
    void framesFor(double seconds);
    // The Outputs panel's own rows (what it draws), not the store.
    bool listShows(const std::string& id);

    Store store;
    ui::ViewOptions view;
    ui::Fonts fonts;
    sync::SyncService* sync = nullptr;
    std::unique_ptr<ui::App> app;
};

} // namespace pv::test
