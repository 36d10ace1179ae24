#include "SyncPanel.hpp"

#include "Store.hpp"
#include "Widgets.hpp"
#include "sync/Keyring.hpp"
#include "sync/Pg.hpp"
#include "sync/SyncService.hpp"

#include <cstdlib>
#include <regex>

namespace pv::ui {

std::string maskConninfo(const std::string& c) {
    static const std::regex kw(R"((password\s*=\s*)('[^']*'|\S+))");
    // Up to the last '@' before a query: an unescaped '@' in the password must not show its end.
    static const std::regex url(R"((postgres(?:ql)?://[^:/@]+:)([^?]*)@)");
    return std::regex_replace(std::regex_replace(c, kw, "$1***"), url, "$1***@");
}

SyncPanel::SyncPanel(AppContext& ctx, sync::SyncService* sync) : Panel("sync"), m_ctx(ctx), m_sync(sync) {}

void SyncPanel::saveConnection() {
    try {
        // A password typed into the connection string counts as typed into the password field.
        std::string password = m_password.empty() ? sync::conninfoPassword(m_conninfo) : m_password;
        const std::string withoutPassword = m_conninfo.empty() ? std::string() : sync::conninfoWithoutPassword(m_conninfo);
        std::string where;
        if (!password.empty()) {
            if (m_keepPassword == kKeyring) {
                sync::keyring::store(withoutPassword, password);
                where = "; the password is in your desktop keyring";
            } else if (m_keepPassword == kPgpass) {
                sync::savePgpassEntry(withoutPassword, password);
                where = "; the password is in " + sync::pgpassPath() + " (mode 0600)";
            } else {
                ::setenv("PGPASSWORD", password.c_str(), 1);  // this process only, read by libpq
                where = "; the password is kept for this session only";
            }
        }
        m_ctx.store().setSetting("sync.conninfo", withoutPassword);
        m_conninfo = withoutPassword;
        m_password.assign(m_password.size(), '\0');
        m_password.clear();
        m_ctx.notice("Connection saved without its password" + where);
        if (m_sync) {
            m_sync->stop();
            m_sync->start();
        }
    } catch (const std::exception& e) {
        m_ctx.error(e.what());
    }
}

void SyncPanel::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        m_conninfo = m_ctx.store().setting("sync.conninfo").value_or("");
        // Asked once: the keyring is the first choice where the desktop has one.
        m_keyring = sync::keyring::available(&m_keyringWhy);
        m_keepPassword = m_keyring ? kKeyring : kPgpass;
        m_loaded = true;
    }
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted("Sync");
    ImGui::PopFont();
    ImGui::TextWrapped("Your vault works fully offline. With a PostgreSQL server set here, changes are pushed and pulled in the background "
                       "whenever the network allows; several laptops then share one knowledge base.");
    sectionHeader(fonts, "Server");
    ImGui::TextDisabled("libpq connection string, e.g. host=db.example.org dbname=promptvault user=me");
    ImGui::SetNextItemWidth(-1);
    inputText("##conninfo", m_conninfo);
    if (sync::conninfoPassword(m_conninfo).size())
        caption("The password typed here is not saved in the vault: Save moves it to where you choose below.");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Password");
    ImGui::SameLine(110);
    ImGui::SetNextItemWidth(260);
    inputText("##password", m_password, ImGuiInputTextFlags_Password);
    ImGui::SameLine();
    ImGui::TextDisabled("keep it");
    ImGui::SameLine();
    ImGui::BeginDisabled(!m_keyring);
    ImGui::RadioButton("in the desktop keyring", &m_keepPassword, kKeyring);
    ImGui::EndDisabled();
    testhook::mark("sync:keep:keyring");
    if (!m_keyring && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", shown(m_keyringWhy));
    ImGui::SameLine();
    ImGui::RadioButton("in ~/.pgpass (yours only)", &m_keepPassword, kPgpass);
    testhook::mark("sync:keep:pgpass");
    ImGui::SameLine();
    ImGui::RadioButton("for this session only", &m_keepPassword, kSession);
    testhook::mark("sync:keep:session");
    if (m_keyring)
        ImGui::TextDisabled("The vault never holds the password: the desktop keyring, ~/.pgpass, a service file or PGPASSWORD serve it.");
    else
        ImGui::TextWrapped("The vault never holds the password. No desktop keyring here (%s): ~/.pgpass, a service file or PGPASSWORD "
                           "serve it, or type it here each session.", shown(m_keyringWhy));
    if (ImGui::Button("Save connection")) saveConnection();
    testhook::mark("sync:save");
    ImGui::SameLine();
    ImGui::BeginDisabled(!m_sync);
    if (ImGui::Button("Sync now")) m_sync->syncNow();
    testhook::mark("sync:now");
    ImGui::EndDisabled();

    sectionHeader(fonts, "Status");
    sync::SyncStatus st;
    if (m_sync) st = m_sync->status();
    refreshRefused(st.setAside);
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
        if (!st.warning.empty()) {
            row("Warning");
            ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::warn));
            ImGui::TextWrapped("%s", st.warning.c_str());
            ImGui::PopStyleColor();
        }
        row("Changes waiting");
        ImGui::Text("%lld", static_cast<long long>(st.state == sync::SyncState::Disabled ? m_ctx.pendingLocal() : st.pending));
        row("Set aside (refused)");
        if (st.state == sync::SyncState::Disabled) st.setAside = static_cast<int64_t>(m_refused.size());  // read from the vault
        if (st.setAside) ImGui::TextColored(toVec(color::bad), "%lld", static_cast<long long>(st.setAside));
        else ImGui::TextUnformatted("0");
        row("Last successful sync");
        ImGui::TextUnformatted(st.lastSuccessAt.empty() ? "never" : shortTime(st.lastSuccessAt).c_str());
        ImGui::EndTable();
    }
    drawRefused();
}

void SyncPanel::refreshRefused(int64_t setAsideCount) {
    // Re-read only when the count moves (an indexed read of at most 200 rows), not every frame.
    if (setAsideCount == m_refusedSeenCount) return;
    m_refusedSeenCount = setAsideCount;
    m_refused.clear();
    m_refusedRows.clear();
    try {
        m_refused = sync::listSetAside(m_ctx.store());
        for (const auto& c : m_refused) {
            RefusedRow row{c.table + " " + c.rowKey, std::nullopt};
            // A record's own change, or a link named after the record it hangs on (its first key).
            const std::string firstKey = c.rowKey.substr(0, c.rowKey.find('|'));
            const bool isLink = firstKey.size() != c.rowKey.size();
            for (Kind k : {Kind::Prompt, Kind::Output, Kind::Model, Kind::Agent, Kind::Tag, Kind::QaActivity}) {
                const std::string table = kindTable(k);
                const bool own = !isLink && c.table == table;
                const bool link = isLink && c.table.rfind(kindName(k) + std::string("_"), 0) == 0;
                if (!own && !link) continue;
                std::string name = m_ctx.store().labelOf({k, firstKey});
                if (name.empty()) break;
                row.label = own ? std::string(kindName(k)) + " “" + name + "”" : c.table + " of " + kindName(k) + " “" + name + "”";
                row.open = RecordRef{k, firstKey};
            }
            m_refusedRows.push_back(std::move(row));
        }
    } catch (const std::exception& e) {
        m_ctx.error(e.what());
    }
}

void SyncPanel::drawRefused() {
    if (m_refused.empty()) return;
    sectionHeader(m_ctx.fonts(), "Refused by the server");
    ImGui::TextWrapped("These changes stay in your vault but did not reach the server; the changes after them did. Fix the cause "
                       "(for example restore a deleted record) and retry, or discard the change to take the server's value.");
    bool retried = false, discarded = false;
    // Retrying writes to the vault: it can wait on the sync thread's or an import's transaction
    // and time out; that is a message, not a crash.
    auto retry = [&](std::optional<int64_t> seq) {
        try {
            retried = sync::retrySetAside(m_ctx.store(), seq) > 0 || retried;
        } catch (const std::exception& e) {
            m_ctx.error(std::string("Retry: ") + e.what());
        }
    };
    // Discarding gives the change up: the next sync takes the server's value of its record.
    auto discard = [&](std::optional<int64_t> seq) {
        try {
            discarded = sync::discardSetAside(m_ctx.store(), seq) > 0 || discarded;
        } catch (const std::exception& e) {
            m_ctx.error(std::string("Discard: ") + e.what());
        }
    };
    if (ImGui::Button("Retry all")) retry(std::nullopt);
    testhook::mark("refused:retryall");
    ImGui::SameLine();
    if (ImGui::Button("Discard all")) discard(std::nullopt);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Give up every refused change: the next sync takes the server's values.");
    testhook::mark("refused:discardall");
    if (ImGui::BeginTable("##refused", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("Record", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("Change", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        ImGui::TableSetupColumn("Made", ImGuiTableColumnFlags_WidthFixed, 150);
        ImGui::TableSetupColumn("Reason", ImGuiTableColumnFlags_WidthStretch, 2.2f);
        // As wide as its three small buttons (the font's size decides, not a constant).
        const ImGuiStyle& st = ImGui::GetStyle();
        float actionsW = st.ItemSpacing.x * 2;
        for (const char* b : {"Open", "Retry", "Discard"}) actionsW += ImGui::CalcTextSize(b).x + st.FramePadding.x * 2;
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, actionsW);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < m_refused.size(); ++i) {
            const auto& c = m_refused[i];
            ImGui::PushID(static_cast<int>(c.seq));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", shown(m_refusedRows[i].label));
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s %s", c.table.c_str(), c.rowKey.c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s: %s", c.op.c_str(), shown(c.columns));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(hlcTime(c.hlc).c_str());
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", shown(c.error));
            ImGui::TableNextColumn();
            const auto& open = m_refusedRows[i].open;
            if (open && ImGui::SmallButton("Open")) m_ctx.open(*open);
            if (open) ImGui::SameLine();
            if (ImGui::SmallButton("Retry")) retry(c.seq);
            if (ImGui::IsItemHovered() && c.error.find("ahead of the server") != std::string::npos)
                ImGui::SetTooltip("This change keeps its time; the server accepts it once its clock passes that time.");
            testhook::mark("refused:retry:" + std::to_string(c.seq));
            ImGui::SameLine();
            if (ImGui::SmallButton("Discard")) discard(c.seq);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("Give this change up: the next sync takes the server's value of the record.");
            testhook::mark("refused:discard:" + std::to_string(c.seq));
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (retried || discarded) {
        m_refusedSeenCount = -1;  // re-read next frame
        m_ctx.notice(retried ? "Requeued; the next sync retries it" : "Discarded; the next sync takes the server's value");
        m_ctx.dataChanged();
        if (m_sync) m_sync->syncNow();
    }
}

} // namespace pv::ui
