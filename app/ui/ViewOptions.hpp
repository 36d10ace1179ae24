// Saved view options: everything about how the app looks that survives a restart, in one plain
// struct, persisted as `key=value` lines in $XDG_CONFIG_HOME/promptvault/view.conf.
#pragma once
#include <string>

namespace pv::ui {

struct ViewOptions {
    int windowWidth = 1440;
    int windowHeight = 900;
    bool maximized = false;
    float navWidth = 168.0f;
    float listFraction = 0.46f;  // share of the space right of the navigation taken by the list
    float fontScale = 1.0f;      // on top of the monitor's content scale
    std::string lastScreen = "outputs";
    bool showPreviewColumn = true;
    bool wrapText = true;        // soft word wrap in the multi-line text fields
    std::string tableSettings;   // ImGui's own table/column state (widths, order, sort)

    bool operator==(const ViewOptions&) const = default;

    static std::string defaultPath();  // $XDG_CONFIG_HOME (or ~/.config)/promptvault/view.conf
    // Missing or unreadable file: defaults. Unknown keys are ignored, bad values keep defaults.
    static ViewOptions load(const std::string& path);
    bool save(const std::string& path) const;  // false when the folder cannot be written
};

} // namespace pv::ui
