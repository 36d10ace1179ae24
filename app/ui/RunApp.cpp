#include "RunApp.hpp"

#include "App.hpp"
#include "BenchMode.hpp"
#include "FontAtlas.hpp"
#include "FrameHost.hpp"
#include "OutputEditor.hpp"
#include "ScreenshotMode.hpp"
#include "Store.hpp"
#include "Style.hpp"
#include "ViewOptions.hpp"
#include "Widgets.hpp"
#include "sync/SyncService.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
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

} // namespace

int runApp(const cli::AppOptions& opt) {
#ifdef __GLIBC__
    // Every frame the GL driver frees and reallocates its vertex and index buffers (hundreds of KB).
    // With glibc's defaults each of those is a fresh mmap and a storm of page faults: under Mesa's
    // llvmpipe that was two thirds of a frame's CPU. Keep such blocks in the heap instead.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    const std::string& vaultPath = opt.vaultPath;
    Screen screen = Screen::Outputs;
    if (!opt.show.empty() && !screenFromName(opt.show, screen)) {
        std::cerr << "promptvault: unknown screen '" << opt.show << "' (" << screenNames() << ")\n";
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

        FrameHost host{window, app, grower, growFonts, render};
        if (rc == 0 && !opt.bench.empty()) {
            BenchMode(host, opt.bench, opt.benchFrames, g_processStart).run();
        } else if (rc == 0 && !opt.screenshot.empty()) {
            rc = ScreenshotMode(host, opt.screenshot).run();
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
