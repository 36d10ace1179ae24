#include "RunApp.hpp"

#include "App.hpp"
#include "AppOptions.hpp"
#include "FontAtlas.hpp"
#include "OutputEditor.hpp"
#include "OutputsPanel.hpp"
#include "Store.hpp"
#include "Style.hpp"
#include "ViewOptions.hpp"
#include "Widgets.hpp"
#include "sync/SyncService.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>
#include <vector>

#include <csignal>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace pv::ui {

namespace {

// Taken before main() runs: "start to first frame" counts from here.
const auto g_processStart = std::chrono::steady_clock::now();

// SIGTERM / SIGINT / SIGHUP: the loop closes cleanly (drafts and view options written). The handler
// only sets this flag; the loop wakes at least every 250 ms and looks at it.
volatile std::sig_atomic_t g_stopSignal = 0;
extern "C" void onStopSignal(int sig) { g_stopSignal = sig; }

void installStopHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
}

// The window's size and ImGui's table state into the view options (what the user changed by hand).
void captureView(GLFWwindow* window, ViewOptions& view, bool tableSettingsToo) {
    view.maximized = glfwGetWindowAttrib(window, GLFW_MAXIMIZED) == GLFW_TRUE;
    if (!view.maximized) glfwGetWindowSize(window, &view.windowWidth, &view.windowHeight);
    if (tableSettingsToo) {
        size_t n = 0;
        const char* ini = ImGui::SaveIniSettingsToMemory(&n);
        view.tableSettings.assign(ini, n);
    }
}

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

bool savePng(GLFWwindow* window, const std::string& path) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    std::vector<unsigned char> px(size_t(w) * size_t(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    // OpenGL rows run bottom-up; PNG rows top-down.
    std::vector<unsigned char> flipped(px.size());
    for (int y = 0; y < h; ++y) std::copy_n(&px[size_t(h - 1 - y) * size_t(w) * 4], size_t(w) * 4, &flipped[size_t(y) * size_t(w) * 4]);
    for (size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
    return stbi_write_png(path.c_str(), w, h, 4, flipped.data(), w * 4) != 0;
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

int runApp(const std::string& vaultPath, const std::vector<std::string>& args) {
#ifdef __GLIBC__
    // Every frame the GL driver frees and reallocates its vertex and index buffers (hundreds of KB).
    // With glibc's defaults each of those is a fresh mmap and a storm of page faults: under Mesa's
    // llvmpipe that was two thirds of a frame's CPU. Keep such blocks in the heap instead.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    AppOptions opt;
    try {
        opt = parseOptions(args);
    } catch (const std::exception& e) {
        std::cerr << "promptvault: " << e.what() << "\n";
        return 2;
    }
    Screen screen = Screen::Outputs;
    if (!opt.show.empty() && !screenFromName(opt.show, screen)) {
        std::cerr << "promptvault: unknown screen '" << opt.show
                  << "' (outputs, prompts, agents, models, tags, qa, lookups, import, sync, graph)\n";
        return 2;
    }
    glfwSetErrorCallback([](int, const char*) {});
    if (!glfwInit()) {
        std::cerr << "promptvault: no display available (DISPLAY/WAYLAND_DISPLAY not set or unusable); run the app under a display, "
                     "e.g. `xvfb-run -a promptvault`, or use a command (promptvault --help)\n";
        return 1;
    }
    const bool headlessRun = !opt.screenshot.empty() || !opt.bench.empty();
    const std::string viewPath = ViewOptions::defaultPath();
    ViewOptions view = ViewOptions::load(viewPath);
    const ViewOptions viewOnDisk = view;  // what is saved: any difference is written while running
    int w = opt.width ? opt.width : view.windowWidth, h = opt.height ? opt.height : view.windowHeight;
    if (headlessRun && !opt.width) w = 1440, h = 900;  // screenshots and benchmarks: a fixed size

    // Fonts are rasterised on a helper thread while the window, its GL context and the vault are
    // opened (on a software renderer the atlas is a quarter of the start-up). No ImGui context
    // exists until the helper is joined, so the two never share ImGui state.
    float xs = 1.0f, ys = 1.0f;
    if (GLFWmonitor* mon = glfwGetPrimaryMonitor()) glfwGetMonitorContentScale(mon, &xs, &ys);
    const float scale = std::clamp(std::max(xs, ys), 1.0f, 4.0f) * view.fontScale;
    ImFontAtlas fontAtlas;
    std::unique_ptr<ImFontAtlas> grownAtlas;  // replaces fontAtlas once the fonts grow; outlives the context
    auto fontsReady = std::async(std::launch::async, [&fontAtlas, px = std::round(15.0f * scale)] { return loadFonts(fontAtlas, px); });
    struct JoinFonts {  // an early return must not leave the helper writing into a dead atlas
        std::future<Fonts>& f;
        ~JoinFonts() {
            if (f.valid()) f.wait();
        }
    } joinFonts{fontsReady};

    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    if (!headlessRun && view.maximized) glfwWindowHint(GLFW_MAXIMIZED, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(w, h, "Promptvault", nullptr, nullptr);
    if (!window) {
        std::cerr << "promptvault: could not open a window with OpenGL 3 (no GPU driver? try `xvfb-run -a promptvault`)\n";
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(headlessRun ? 0 : 1);
    // Below this the list and the editor no longer both fit (the layout is made for 900x600 up).
    glfwSetWindowSizeLimits(window, 900, 600, GLFW_DONT_CARE, GLFW_DONT_CARE);

    int rc = 0;
    {
        Store store(vaultPath);
        std::unique_ptr<sync::SyncService> sync;
        if (!headlessRun) {
            sync = std::make_unique<sync::SyncService>(vaultPath, "");
            sync->start();
        }
        IMGUI_CHECKVERSION();
        Fonts fonts = fontsReady.get();
        ImGui::CreateContext(&fontAtlas);
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;  // layout lives in ViewOptions
        io.ConfigWindowsMoveFromTitleBarOnly = true;
        if (!view.tableSettings.empty()) ImGui::LoadIniSettingsFromMemory(view.tableSettings.c_str(), view.tableSettings.size());
        applyTheme(scale);
        ImGui_ImplGlfw_InitForOpenGL(window, true);
        ImGui_ImplOpenGL3_Init("#version 130");
        // Typed and pasted characters above U+FFFF reach ImGui as their stand-ins (TextCarrier).
        glfwSetCharCallback(window, [](GLFWwindow*, unsigned int c) { typeCharacter(char32_t(c)); });
        carryClipboard();

        App app(store, view, sync.get());
        app.setFonts(fonts);
        // A worker answer wakes the event loop at once (glfwPostEmptyEvent may be called from any thread).
        app.worker().setWake([] { glfwPostEmptyEvent(); });
        glyphs::AtlasGrower grower(std::round(15.0f * scale));
        // Between frames: characters drawn that the atlas lacked are merged into a new one, built
        // on a helper thread and swapped in here (the old texture is replaced, the old atlas freed).
        auto growFonts = [&]() -> bool {
            grower.maybeStart();
            auto built = grower.takeReady();
            if (!built) return false;
            const auto swapStart = std::chrono::steady_clock::now();
            ImGui_ImplOpenGL3_DestroyFontsTexture();
            ImGui::GetIO().Fonts = built->atlas.get();
            app.setFonts(built->fonts);
            ImGui_ImplOpenGL3_CreateFontsTexture();
            grownAtlas = std::move(built->atlas);
            const double swapMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - swapStart).count();
            if (!opt.bench.empty())
                std::printf("font_growth characters %zu build_ms %.1f swap_ms %.1f\n", built->characters, built->buildMs, swapMs);
            return true;
        };
        if (!opt.show.empty()) app.show(screen);
        if (opt.tab >= 0) app.outputEditor().setTab(opt.tab);
        if (!opt.select.empty() && !app.selectById(opt.select)) {
            std::cerr << "promptvault: --select: no record with id '" << opt.select << "'\n";
            rc = 2;
        }
        glfwSetWindowUserPointer(window, &app);
        glfwSetWindowCloseCallback(window, [](GLFWwindow* win) {
            // Closing asks about unsaved edits; the loop closes once the person has answered.
            glfwSetWindowShouldClose(win, GLFW_FALSE);
            static_cast<App*>(glfwGetWindowUserPointer(win))->requestClose();
        });

        auto render = [&] {
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            app.frame();
            ImGui::Render();
            int fw, fh;
            glfwGetFramebufferSize(window, &fw, &fh);
            glViewport(0, 0, fw, fh);
            glClearColor(0.09f, 0.10f, 0.12f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        };

        if (rc == 0 && !opt.bench.empty()) {
            // bench/ui: one line of figures per phase, parsed by bench/ui/run.sh.
            app.show(Screen::Outputs);
            glfwPollEvents();
            app.pump();
            render();
            glFinish();
            glfwSwapBuffers(window);
            double firstMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g_processStart).count();
            std::printf("first_frame_ms %.1f\n", firstMs);
            // Let the first pages and the count arrive.
            for (int i = 0; i < 400 && (app.worker().busy() || !app.outputsPanel().rows().knownCount() || grower.building()); ++i) {
                app.worker().waitIdle();
                glfwPollEvents();
                app.pump();
                growFonts();
                render();
                glfwSwapBuffers(window);
            }
            auto measure = [&](const char* name, const std::function<void(int)>& step, int frames) {
                // wall: the whole frame including the swap, where Mesa's llvmpipe rasterises in
                // software; app wall: up to the swap (events, worker results, layout, draw lists).
                std::vector<double> cpu, wall, appWall;
                using Ms = std::chrono::duration<double, std::milli>;
                for (int i = 0; i < frames; ++i) {
                    step(i);
                    auto t0 = std::chrono::steady_clock::now();
                    double c0 = threadCpuMs();
                    glfwPollEvents();
                    app.pump();
                    growFonts();  // a frame that swaps in a grown atlas is measured like any other
                    render();
                    double c1 = threadCpuMs();
                    auto t1 = std::chrono::steady_clock::now();
                    glfwSwapBuffers(window);
                    cpu.push_back(c1 - c0);
                    appWall.push_back(Ms(t1 - t0).count());
                    wall.push_back(Ms(std::chrono::steady_clock::now() - t0).count());
                }
                auto c = stats(cpu), wl = stats(wall), aw = stats(appWall);
                std::printf("%s cpu_median_ms %.3f cpu_p95_ms %.3f cpu_max_ms %.3f wall_median_ms %.3f wall_max_ms %.3f app_wall_median_ms %.3f "
                            "app_wall_max_ms %.3f\n",
                            name, c.median, c.p95, c.max, wl.median, wl.max, aw.median, aw.max);
                std::fflush(stdout);
            };
            const int n = opt.benchFrames;
            measure("idle", [](int) {}, n);
            if (opt.bench == "scroll" || opt.bench == "all") {
                int64_t total = app.outputsPanel().rows().displayCount();
                // Scroll steadily (3 rows per frame, like a wheel) and then jump like a dragged scrollbar.
                measure("scroll", [&](int i) { app.outputsPanel().scrollToIndex(int64_t(i) * 3); }, n);
                measure("scroll_jump", [&](int i) { app.outputsPanel().scrollToIndex((total / n) * i); }, n);
            }
            if (opt.bench == "glyphs" || opt.bench == "all") {
                // Rows in a script the first atlas lacks come into view: the atlas grows on a
                // helper thread and is swapped in between two of these frames.
                measure("glyphs", [&](int i) {
                    if (i == 0) app.outputsPanel().setSearch("\xE3\x83\x87\xE3\x83\xBC\xE3\x82\xBF");  // データ
                    if (i == n - 1) app.outputsPanel().setSearch("");
                }, n);
            }
            if (opt.bench == "type" || opt.bench == "all") {
                const std::string text = "the quick brown fox jumps over";
                app.outputsPanel().scrollToIndex(0);
                measure("type", [&](int i) {
                    // One keystroke every 3 frames (≈ 20 characters a second at 60 Hz), then the results settle.
                    if (i % 3 == 0 && size_t(i / 3) < text.size()) app.outputsPanel().setSearch(text.substr(0, size_t(i / 3) + 1));
                }, std::max(n, int(text.size()) * 3 + 30));
            }
            if (opt.bench == "editor" || opt.bench == "all") {
                // The longest of the first rows open in the output editor, its raw text soft-wrapped
                // (the Wrap option, on by default): idle frames, then the list scrolling beside it. Last, so
                // the other phases run with no record open, as before.
                app.outputsPanel().setSearch("");
                app.outputsPanel().scrollToIndex(0);
                auto settle = [&] {
                    app.worker().waitIdle();
                    glfwPollEvents();
                    app.pump();
                    growFonts();
                    render();
                    glfwSwapBuffers(window);
                };
                for (int i = 0; i < 400 && (app.worker().busy() || !app.outputsPanel().rows().row(0)); ++i) settle();
                std::string longest;
                size_t bytes = 0;
                for (int64_t i = 0; i < 100; ++i) {
                    const OutputRow* r = app.outputsPanel().rows().row(i);
                    if (!r) break;
                    if (auto o = store.getOutput(r->id); o && o->output.size() > bytes) longest = o->id, bytes = o->output.size();
                }
                if (!longest.empty()) {
                    app.open({Kind::Output, longest});
                    for (int i = 0; i < 10; ++i) settle();  // the editor loads and lays its text out
                    std::printf("editor_text bytes %zu wrap %d\n", app.outputEditor().draft().output.size(), softWrap() ? 1 : 0);
                    measure("editor_idle", [](int) {}, n);
                    measure("editor_scroll", [&](int i) { app.outputsPanel().scrollToIndex(int64_t(i) * 3); }, n);
                    // The same editor with Wrap off: what wrapping itself costs a frame.
                    view.wrapText = false;
                    measure("editor_idle_nowrap", [](int) {}, n);
                    view.wrapText = true;
                }
            }
        } else if (rc == 0 && !opt.screenshot.empty()) {
            // A few frames so layout settles, waiting for the worker's pages between them, and at
            // least a second of them so animations (the graph's 0.35 s refocus) have ended.
            int idleFrames = 0;
            const auto shotStart = std::chrono::steady_clock::now();
            auto settled = [&] {
                return idleFrames >= 4 && !grower.building() && !glyphs::anyMissing() &&
                       std::chrono::steady_clock::now() - shotStart > std::chrono::seconds(1);
            };
            for (int frame = 0; frame < 2000 && !settled(); ++frame) {
                glfwPollEvents();
                app.pump();
                if (growFonts()) idleFrames = 0;
                else if (grower.building()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                render();
                if (frame >= 3) {
                    app.worker().waitIdle();
                    idleFrames = app.worker().busy() ? 0 : idleFrames + 1;
                }
                if (!settled()) glfwSwapBuffers(window);
            }
            // Characters drawn with a font's fallback glyph: no installed font has them.
            std::printf("fallback_glyphs %d\n", glyphs::countFallbackGlyphs(ImGui::GetDrawData(), ImGui::GetIO().Fonts));
            std::printf("drafts_recovered %d\n", app.recoveredDrafts());
            std::fflush(stdout);
            if (!savePng(window, opt.screenshot)) {
                std::cerr << "promptvault: could not write " << opt.screenshot << "\n";
                rc = 1;
            }
        } else if (rc == 0) {
            bool first = true;
            installStopHandlers();
            // View options are saved when they change (checked about once a second, written by the
            // worker) as well as on close, so a crash keeps the layout too.
            ViewOptions savedView = viewOnDisk;
            auto nextViewCheck = std::chrono::steady_clock::now();
            while (!app.closeConfirmed() && !g_stopSignal) {
                if (auto now = std::chrono::steady_clock::now(); now >= nextViewCheck) {
                    nextViewCheck = now + std::chrono::seconds(1);
                    ImGuiIO& io = ImGui::GetIO();
                    captureView(window, view, io.WantSaveIniSettings);
                    io.WantSaveIniSettings = false;
                    if (!(view == savedView)) {
                        savedView = view;
                        app.worker().post([v = view, viewPath](Store&) -> Worker::UiCallback {
                            v.save(viewPath);
                            return nullptr;
                        }, "view:save");
                    }
                }
                // Idle: wait for input, but wake regularly for worker results and the sync state.
                if (app.worker().busy() || app.takeFrameRequest()) glfwPollEvents();
                else glfwWaitEventsTimeout(grower.building() ? 0.05 : 0.25);
                app.pump();
                growFonts();
                render();
                glfwSwapBuffers(window);
                if (first && std::getenv("PV_PRINT_FIRST_FRAME")) {
                    std::fprintf(stderr, "first_frame_ms %.1f\n",
                                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g_processStart).count());
                    first = false;
                }
            }
        }

        if (g_stopSignal) {
            // Asked to stop (logout, kill): input already delivered is taken in (one more frame), and
            // unsaved edits are not lost: they stay as drafts in the vault, back at the next start.
            glfwPollEvents();
            app.pump();
            render();
            try {
                app.flushDrafts();
            } catch (const std::exception& e) {
                std::cerr << "promptvault: could not keep the unsaved drafts: " << e.what() << "\n";
            }
        }
        if (!headlessRun) {
            app.worker().waitIdle();  // a view save posted earlier must not race this one
            captureView(window, view, true);
            if (!view.save(viewPath)) std::cerr << "promptvault: could not save view options to " << viewPath << "\n";
        }
        if (sync) sync->stop();
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    glfwDestroyWindow(window);
    glfwTerminate();
    return rc;
}

} // namespace pv::ui
