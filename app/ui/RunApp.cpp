#include "RunApp.hpp"

#include <GLFW/glfw3.h>

#include <cstdio>
#include <iostream>

namespace pv::ui {

int runApp(const std::string& vaultPath, const std::vector<std::string>&) {
    glfwSetErrorCallback([](int, const char*) {});
    if (!glfwInit()) {
        std::cerr << "promptvault: no display available (is DISPLAY set?); run the app under a display, e.g. `xvfb-run -a promptvault`, "
                     "or use a CLI command (promptvault --help)\n";
        return 1;
    }
    std::cerr << "promptvault: the desktop app is not built yet; vault " << vaultPath << "\n";
    glfwTerminate();
    return 1;
}

} // namespace pv::ui
