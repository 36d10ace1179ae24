#include "ViewOptions.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pv::ui {

namespace {
std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            out += s[i + 1] == 'n' ? '\n' : s[i + 1];
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}
template <class T>
void parseNumber(const std::string& v, T& out, T lo, T hi) {
    try {
        T x;
        if constexpr (std::is_same_v<T, int>) x = std::stoi(v);
        else x = std::stof(v);
        if (x >= lo && x <= hi) out = x;
    } catch (const std::exception&) {
    }
}
} // namespace

std::string ViewOptions::defaultPath() {
    std::filesystem::path base;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) base = x;
    else if (const char* h = std::getenv("HOME"); h && *h) base = std::filesystem::path(h) / ".config";
    else base = ".";
    return (base / "promptvault" / "view.conf").string();
}

ViewOptions ViewOptions::load(const std::string& path) {
    ViewOptions o;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos || line[0] == '#') continue;
        std::string k = line.substr(0, eq), v = line.substr(eq + 1);
        if (k == "window_width") parseNumber(v, o.windowWidth, 320, 16384);
        else if (k == "window_height") parseNumber(v, o.windowHeight, 240, 16384);
        else if (k == "maximized") o.maximized = v == "1";
        else if (k == "nav_width") parseNumber(v, o.navWidth, 80.0f, 600.0f);
        else if (k == "list_fraction") parseNumber(v, o.listFraction, 0.15f, 0.85f);
        else if (k == "font_scale") parseNumber(v, o.fontScale, 0.5f, 3.0f);
        else if (k == "last_screen") o.lastScreen = v;
        else if (k == "show_preview_column") o.showPreviewColumn = v == "1";
        else if (k == "wrap_text") o.wrapText = v == "1";
        else if (k == "table_settings") o.tableSettings = unescape(v);
    }
    return o;
}

bool ViewOptions::save(const std::string& path) const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        if (!out) return false;
        out << "# promptvault view options\n"
            << "window_width=" << windowWidth << "\nwindow_height=" << windowHeight << "\nmaximized=" << (maximized ? 1 : 0)
            << "\nnav_width=" << navWidth << "\nlist_fraction=" << listFraction << "\nfont_scale=" << fontScale
            << "\nlast_screen=" << lastScreen << "\nshow_preview_column=" << (showPreviewColumn ? 1 : 0)
            << "\nwrap_text=" << (wrapText ? 1 : 0) << "\ntable_settings=" << escape(tableSettings) << "\n";
        if (!out) return false;
    }
    std::filesystem::rename(tmp, path, ec);  // atomic: a crash never leaves half a file
    return !ec;
}

} // namespace pv::ui
