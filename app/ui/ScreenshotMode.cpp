#include "ScreenshotMode.hpp"

#include "App.hpp"
#include "FontAtlas.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

namespace pv::ui {

namespace {

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

} // namespace

int ScreenshotMode::run() {
    App& app = m_host.app;
    // A few frames so layout settles, waiting for the worker's pages between them, and at
    // least a second of them so animations (the graph's 0.35 s refocus) have ended.
    int idleFrames = 0;
    const auto shotStart = std::chrono::steady_clock::now();
    auto settled = [&] {
        return idleFrames >= 4 && !m_host.grower.building() && !glyphs::anyMissing() &&
               std::chrono::steady_clock::now() - shotStart > std::chrono::seconds(1);
    };
    for (int frame = 0; frame < 2000 && !settled(); ++frame) {
        glfwPollEvents();
        app.pump();
        if (m_host.growFonts()) idleFrames = 0;
        else if (m_host.grower.building()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        m_host.render();
        if (frame >= 3) {
            app.worker().waitIdle();
            idleFrames = app.worker().busy() ? 0 : idleFrames + 1;
        }
        // The settled frame stays in the back buffer, where savePng reads it.
        if (!settled()) glfwSwapBuffers(m_host.window);
    }
    // Characters drawn with a font's fallback glyph: no installed font has them.
    std::printf("fallback_glyphs %d\n", glyphs::countFallbackGlyphs(ImGui::GetDrawData(), ImGui::GetIO().Fonts));
    std::printf("drafts_recovered %d\n", app.recoveredDrafts());
    std::fflush(stdout);
    if (!savePng(m_host.window, m_path)) {
        std::cerr << "promptvault: could not write " << m_path << "\n";
        return 1;
    }
    return 0;
}

} // namespace pv::ui
