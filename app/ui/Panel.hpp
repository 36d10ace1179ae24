// The Panel base: owns the child window (Begin/End) a panel draws into. Panels keep only
// transient UI state (filter text, selection); domain data comes from the Store.
#pragma once
#include <imgui.h>

#include <string>

namespace pv::ui {

class Panel {
public:
    explicit Panel(std::string id) : m_id(std::move(id)) {}
    virtual ~Panel() = default;
    Panel(const Panel&) = delete;
    Panel& operator=(const Panel&) = delete;

    // Draws the panel into a child region of `size` at the cursor of the host window.
    void draw(const ImVec2& size) {
        ImGui::PushID(m_id.c_str());
        if (ImGui::BeginChild(m_id.c_str(), size, border(), flags() | ImGuiWindowFlags_AlwaysUseWindowPadding)) drawContents();
        ImGui::EndChild();
        ImGui::PopID();
    }

protected:
    virtual void drawContents() = 0;
    virtual bool border() const { return false; }
    virtual ImGuiWindowFlags flags() const { return 0; }

private:
    std::string m_id;
};

} // namespace pv::ui
