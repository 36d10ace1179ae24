// --screenshot PNG: renders until the UI has settled (worker idle, fonts grown, animations over),
// prints the fallback-glyph and recovered-draft counts, and writes the last frame as a PNG.
#pragma once
#include "FrameHost.hpp"

#include <string>

namespace pv::ui {

class ScreenshotMode {
public:
    ScreenshotMode(FrameHost& host, std::string path) : m_host(host), m_path(std::move(path)) {}
    // The process exit code: 0, or 1 when the PNG could not be written.
    int run();

private:
    FrameHost& m_host;
    std::string m_path;
};

} // namespace pv::ui
