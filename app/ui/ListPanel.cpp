#include "ListPanel.hpp"

#include "Widgets.hpp"

namespace pv::ui {

bool ListPanel::searchBox(std::string& text, const char* hint) {
    if (m_focusSearch) {
        ImGui::SetKeyboardFocusHere();
        m_focusSearch = false;
    }
    bool changed = inputWithHint("##search", hint, text);
    testhook::mark("search");
    return changed;
}

} // namespace pv::ui
