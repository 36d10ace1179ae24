#include "BenchMode.hpp"

#include "App.hpp"
#include "FontAtlas.hpp"
#include "OutputEditor.hpp"
#include "OutputsPanel.hpp"
#include "Store.hpp"
#include "Widgets.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace pv::ui {

namespace {

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Stats {
    double median = 0, p95 = 0, max = 0;
};
Stats stats(std::vector<double> v) {
    Stats s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.median = v[v.size() / 2];
    s.p95 = v[std::min(v.size() - 1, v.size() * 95 / 100)];
    s.max = v.back();
    return s;
}

} // namespace

void BenchMode::frame() {
    m_host.app.worker().waitIdle();
    glfwPollEvents();
    m_host.app.pump();
    m_host.growFonts();
    m_host.render();
    glfwSwapBuffers(m_host.window);
}

void BenchMode::firstFrame() {
    App& app = m_host.app;
    app.show(Screen::Outputs);
    glfwPollEvents();
    app.pump();
    m_host.render();
    glFinish();
    glfwSwapBuffers(m_host.window);
    double firstMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_processStart).count();
    std::printf("first_frame_ms %.1f\n", firstMs);
    // Let the first pages and the count arrive.
    for (int i = 0; i < 400 && (app.worker().busy() || !app.outputsPanel().rows().knownCount() || m_host.grower.building()); ++i) frame();
}

void BenchMode::measure(const char* name, const std::function<void(int)>& step, int frames) {
    // wall: the whole frame including the swap, where Mesa's llvmpipe rasterises in
    // software; app wall: up to the swap (events, worker results, layout, draw lists).
    std::vector<double> cpu, wall, appWall;
    using Ms = std::chrono::duration<double, std::milli>;
    for (int i = 0; i < frames; ++i) {
        step(i);
        auto t0 = std::chrono::steady_clock::now();
        double c0 = threadCpuMs();
        glfwPollEvents();
        m_host.app.pump();
        m_host.growFonts();  // a frame that swaps in a grown atlas is measured like any other
        m_host.render();
        double c1 = threadCpuMs();
        auto t1 = std::chrono::steady_clock::now();
        glfwSwapBuffers(m_host.window);
        cpu.push_back(c1 - c0);
        appWall.push_back(Ms(t1 - t0).count());
        wall.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
    }
    auto c = stats(cpu), wl = stats(wall), aw = stats(appWall);
    std::printf("%s cpu_median_ms %.3f cpu_p95_ms %.3f cpu_max_ms %.3f wall_median_ms %.3f wall_max_ms %.3f app_wall_median_ms %.3f "
                "app_wall_max_ms %.3f\n",
                name, c.median, c.p95, c.max, wl.median, wl.max, aw.median, aw.max);
    std::fflush(stdout);
}

void BenchMode::editorPhases() {
    // The longest of the first rows open in the output editor, its raw text soft-wrapped
    // (the Wrap option, on by default): idle frames, then the list scrolling beside it. Last, so
    // the other phases run with no record open, as before.
    App& app = m_host.app;
    const int n = m_frames;
    app.outputsPanel().setSearch("");
    app.outputsPanel().scrollToIndex(0);
    for (int i = 0; i < 400 && (app.worker().busy() || !app.outputsPanel().rows().row(0)); ++i) frame();
    std::string longest;
    size_t bytes = 0;
    for (int64_t i = 0; i < 100; ++i) {
        const OutputRow* r = app.outputsPanel().rows().row(i);
        if (!r) break;
        if (auto o = app.store().getOutput(r->id); o && o->output.size() > bytes) longest = o->id, bytes = o->output.size();
    }
    if (longest.empty()) return;
    app.open({Kind::Output, longest});
    for (int i = 0; i < 10; ++i) frame();  // the editor loads and lays its text out
    std::printf("editor_text bytes %zu wrap %d\n", app.outputEditor().draft().output.size(), softWrap() ? 1 : 0);
    measure("editor_idle", [](int) {}, n);
    measure("editor_scroll", [&](int i) { app.outputsPanel().scrollToIndex(int64_t(i) * 3); }, n);
    // The same editor with Wrap off: what wrapping itself costs a frame.
    app.view().wrapText = false;
    measure("editor_idle_nowrap", [](int) {}, n);
    app.view().wrapText = true;
}

void BenchMode::run() {
    App& app = m_host.app;
    const int n = m_frames;
    firstFrame();
    measure("idle", [](int) {}, n);
    if (runs("scroll")) {
        int64_t total = app.outputsPanel().rows().displayCount();
        // Scroll steadily (3 rows per frame, like a wheel) and then jump like a dragged scrollbar.
        measure("scroll", [&](int i) { app.outputsPanel().scrollToIndex(int64_t(i) * 3); }, n);
        measure("scroll_jump", [&](int i) { app.outputsPanel().scrollToIndex((total / n) * i); }, n);
    }
    if (runs("glyphs")) {
        // Rows in a script the first atlas lacks come into view: the atlas grows on a
        // helper thread and is swapped in between two of these frames.
        measure("glyphs", [&](int i) {
            if (i == 0) app.outputsPanel().setSearch("\xE3\x83\x87\xE3\x83\xBC\xE3\x82\xBF");  // データ
            if (i == n - 1) app.outputsPanel().setSearch("");
        }, n);
    }
    if (runs("type")) {
        const std::string text = "the quick brown fox jumps over";
        app.outputsPanel().scrollToIndex(0);
        measure("type", [&](int i) {
            // One keystroke every 3 frames (≈ 20 characters a second at 60 Hz), then the results settle.
            if (i % 3 == 0 && size_t(i / 3) < text.size()) app.outputsPanel().setSearch(text.substr(0, size_t(i / 3) + 1));
        }, std::max(n, int(text.size()) * 3 + 30));
    }
    if (runs("editor")) editorPhases();
}

} // namespace pv::ui
