// What runApp hands its headless modes (ScreenshotMode, BenchMode): the App in its window and the
// steps of one frame, so a mode decides only which frames to run and what to record.
#pragma once
#include <functional>

struct GLFWwindow;

namespace pv::ui {

class App;
namespace glyphs {
class AtlasGrower;
}

struct FrameHost {
    GLFWwindow* window;
    App& app;
    glyphs::AtlasGrower& grower;
    std::function<bool()> growFonts;  // swaps in a grown font atlas if one is ready (true if it did)
    std::function<void()> render;     // one ImGui frame drawn into the back buffer, not yet swapped
};

} // namespace pv::ui
