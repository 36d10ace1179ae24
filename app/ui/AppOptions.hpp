#pragma once
#include <string>
#include <vector>

namespace pv::ui {

// The desktop app's own flags (after --vault): which screen and record to show, and the headless
// modes (a screenshot, bench/ui's frame timings). Kept apart from runApp so the parser can change
// (e.g. to CLI11) in this one file.
struct AppOptions {
    std::string show, select, screenshot;
    int tab = -1;  // the output editor's text tab
    int width = 0, height = 0;
    std::string bench;  // a phase (scroll, glyphs, editor, type) or "all" (bench/ui)
    int benchFrames = 300;
};

// Throws std::runtime_error with a message for the person on an unknown flag or a bad value.
AppOptions parseOptions(const std::vector<std::string>& args);

} // namespace pv::ui
