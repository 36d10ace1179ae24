#include "SyncPanel.hpp"

#include "Store.hpp"
#include "Widgets.hpp"
#include "sync/SyncService.hpp"

#include <regex>

namespace pv::ui {

std::string maskConninfo(const std::string& c) {
    static const std::regex kw(R"((password\s*=\s*)('[^']*'|\S+))");
    static const std::regex url(R"((postgres(?:ql)?://[^:/@]+:)([^@]+)@)");
    return std::regex_replace(std::regex_replace(c, kw, "$1***"), url, "$1***@");
}

SyncPanel::SyncPanel(AppContext& ctx, sync::SyncService* sync) : Panel("sync"), m_ctx(ctx), m_sync(sync) {}

void SyncPanel::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        m_conninfo = m_ctx.store().setting("sync.conninfo").value_or("");
        m_loaded = true;
    }
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted("Sync");
    ImGui::PopFont();
    ImGui::TextWrapped("Your vault works fully offline. With a PostgreSQL server set here, changes are pushed and pulled in the background "
                       "whenever the network allows; several laptops then share one knowledge base.");
    sectionHeader(fonts, "Server");
    ImGui::TextDisabled("libpq connection string, e.g. host=db.example.org dbname=promptvault user=me");
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 150);
    std::string masked = maskConninfo(m_conninfo);
    if (m_show || masked == m_conninfo) inputText("##conninfo", m_conninfo);
    else inputText("##conninfo_masked", masked, ImGuiInputTextFlags_ReadOnly);  // tick "show password" to edit
    ImGui::SameLine();
    ImGui::Checkbox("show password", &m_show);
    if (ImGui::Button("Save connection")) {
        try {
            m_ctx.store().setSetting("sync.conninfo", m_conninfo);
            m_ctx.notice("Connection saved; sync uses it from the next attempt");
            if (m_sync) {
                m_sync->stop();
                m_sync->start();
            }
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!m_sync);
    if (ImGui::Button("Sync now")) m_sync->syncNow();
    ImGui::EndDisabled();

    sectionHeader(fonts, "Status");
    sync::SyncStatus st;
    if (m_sync) st = m_sync->status();
    const char* state = "off";
    ImU32 col = color::muted;
    switch (st.state) {
    case sync::SyncState::Disabled: state = "off (no server set, or sync not available in this build)"; break;
    case sync::SyncState::Idle: state = "up to date"; col = color::good; break;
    case sync::SyncState::Syncing: state = "syncing…"; col = color::accent; break;
    case sync::SyncState::Offline: state = "offline — will retry"; col = color::warn; break;
    case sync::SyncState::Error: state = "error"; col = color::bad; break;
    }
    if (ImGui::BeginTable("##st", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 170);
        ImGui::TableSetupColumn("v");
        auto row = [](const char* k) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
        };
        row("State");
        ImGui::TextColored(toVec(col), "● %s", state);
        row("Message");
        ImGui::TextWrapped("%s", st.message.empty() ? "—" : st.message.c_str());
        row("Changes waiting");
        ImGui::Text("%lld", static_cast<long long>(st.state == sync::SyncState::Disabled ? m_ctx.pendingLocal() : st.pending));
        row("Set aside (refused)");
        if (st.setAside) ImGui::TextColored(toVec(color::bad), "%lld", static_cast<long long>(st.setAside));
        else ImGui::TextUnformatted("0");
        row("Last successful sync");
        ImGui::TextUnformatted(st.lastSuccessAt.empty() ? "never" : shortTime(st.lastSuccessAt).c_str());
        ImGui::EndTable();
    }
}

} // namespace pv::ui
