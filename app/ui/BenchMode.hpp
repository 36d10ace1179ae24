// --bench PHASE (bench/ui/run.sh): the first frame's time since the process started, then CPU and
// wall time per frame for each phase (idle, scroll, glyphs, type, editor), one line each on stdout.
#pragma once
#include "FrameHost.hpp"

#include <chrono>
#include <string>

namespace pv::ui {

class BenchMode {
public:
    // `phase`: scroll, glyphs, type, editor or all (idle always runs); `processStart`: where the
    // first frame's time counts from.
    BenchMode(FrameHost& host, std::string phase, int frames, std::chrono::steady_clock::time_point processStart)
        : m_host(host), m_phase(std::move(phase)), m_frames(frames), m_processStart(processStart) {}
    void run();

private:
    bool runs(const char* phase) const { return m_phase == phase || m_phase == "all"; }
    void firstFrame();
    void frame();  // one frame after waiting for the worker (settling between phases)
    void measure(const char* name, const std::function<void(int)>& step, int frames);
    void editorPhases();

    FrameHost& m_host;
    std::string m_phase;
    int m_frames;
    std::chrono::steady_clock::time_point m_processStart;
};

} // namespace pv::ui
