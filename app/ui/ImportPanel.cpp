#include "ImportPanel.hpp"

#include "Store.hpp"
#include "Widgets.hpp"
#include "capture/Import.hpp"

namespace pv::ui {

ImportPanel::ImportPanel(AppContext& ctx) : Panel("import"), m_ctx(ctx) {}

ImportPanel::~ImportPanel() {
    m_cancel = true;
    join();
}

void ImportPanel::join() {
    if (m_thread.joinable()) m_thread.join();
}

void ImportPanel::startPreview() {
    join();
    m_cancel = false;
    m_running = true;
    m_finished = false;
    m_phase = "preview";
    m_previewOk = false;
    m_previewText.clear();
    m_reportText.clear();
    m_error.clear();
    m_titles.clear();
    m_problems.clear();
    capture::ImportOptions opt;
    opt.source = m_source == 0 ? capture::ExportSource::ChatGpt : capture::ExportSource::Claude;
    opt.path = trim(m_path);
    opt.defaultModelName = trim(m_model);
    m_thread = std::thread([this, opt] {
        try {
            auto pv = capture::previewExport(opt, 20, [this](const capture::ImportProgress& p) {
                std::lock_guard lock(m_mutex);
                m_bytesDone = p.bytesDone, m_bytesTotal = p.bytesTotal, m_conversations = p.conversations;
            }, &m_cancel);
            std::lock_guard lock(m_mutex);
            if (!pv.fatalError.empty()) m_error = pv.fatalError;
            else {
                m_previewText = std::to_string(pv.conversations) + " conversations · " + std::to_string(pv.userMessages) + " prompts · " +
                                std::to_string(pv.assistantMessages) + " outputs · " + std::to_string(pv.agents) + " agents (before "
                                "removing what is already in the vault)";
                m_titles = pv.firstTitles;
                for (auto& p : pv.problems) m_problems.push_back(p.where + ": " + p.reason);
                m_previewOk = !m_cancel;
            }
        } catch (const std::exception& e) {
            std::lock_guard lock(m_mutex);
            m_error = e.what();
        }
        m_running = false;
        m_finished = true;
    });
}

void ImportPanel::startImport() {
    join();
    m_cancel = false;
    m_running = true;
    m_finished = false;
    m_phase = "import";
    m_reportText.clear();
    m_error.clear();
    capture::ImportOptions opt;
    opt.source = m_source == 0 ? capture::ExportSource::ChatGpt : capture::ExportSource::Claude;
    opt.path = trim(m_path);
    opt.defaultModelName = trim(m_model);
    std::string vault = m_ctx.store().path();
    m_thread = std::thread([this, opt, vault] {
        try {
            Store store(vault, {.readOnly = false, .create = false});  // its own connection (WAL)
            auto rep = capture::runImport(store, opt, [this](const capture::ImportProgress& p) {
                std::lock_guard lock(m_mutex);
                m_bytesDone = p.bytesDone, m_bytesTotal = p.bytesTotal, m_conversations = p.conversations;
            }, &m_cancel);
            std::lock_guard lock(m_mutex);
            if (!rep.fatalError.empty()) m_error = rep.fatalError;
            else if (!rep.stoppedError.empty()) m_error = "Stopped early (the report says what was kept): " + rep.stoppedError;
            m_reportText = capture::formatReport(rep);
            if (rep.cancelled) m_reportText = "Cancelled: the batches finished before it are kept.\n" + m_reportText;
        } catch (const std::exception& e) {
            std::lock_guard lock(m_mutex);
            m_error = e.what();
        }
        m_running = false;
        m_finished = true;
    });
}

void ImportPanel::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (m_finished.exchange(false)) {
        join();
        if (m_phase == "import") {
            m_ctx.dataChanged();
            m_ctx.notice(m_error.empty() ? "Import finished" : "Import stopped");
        }
    }
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted("Import a data export");
    ImGui::PopFont();
    ImGui::TextWrapped("ChatGPT: Settings → Data controls → Export. Claude: Settings → Privacy → Export data. Point at the .zip as "
                       "downloaded, its conversations.json, or the unpacked folder. Importing the same export again adds only what is new.");
    sectionHeader(fonts, "Export");
    ImGui::BeginDisabled(m_running);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("From");
    ImGui::SameLine(120);
    ImGui::RadioButton("ChatGPT", &m_source, 0);
    ImGui::SameLine();
    ImGui::RadioButton("Claude", &m_source, 1);
    ImGui::SameLine(0, 20);
    if (ImGui::SmallButton("detect from file")) {
        if (auto s = capture::detectSource(trim(m_path))) m_source = *s == capture::ExportSource::ChatGpt ? 0 : 1;
        else m_ctx.error("Not recognised as a ChatGPT or Claude export: " + m_path);
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("File or folder");
    ImGui::SameLine(120);
    ImGui::SetNextItemWidth(-1);
    inputWithHint("##path", "/home/me/Downloads/chatgpt-export.zip", m_path);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Model if none");
    ImGui::SameLine(120);
    ImGui::SetNextItemWidth(-1);
    inputWithHint("##model", m_source == 0 ? "ChatGPT (unspecified)" : "Claude (unspecified)", m_model);
    if (ImGui::Button("Preview") && !trim(m_path).empty()) startPreview();
    ImGui::SameLine();
    ImGui::BeginDisabled(!m_previewOk);
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 110, 72, 255));
    if (ImGui::Button("Import")) startImport();
    ImGui::PopStyleColor();
    ImGui::EndDisabled();
    ImGui::EndDisabled();
    std::lock_guard lock(m_mutex);
    if (m_running) {
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) m_cancel = true;
        float frac = m_bytesTotal ? float(double(m_bytesDone) / double(m_bytesTotal)) : 0.0f;
        char buf[128];
        snprintf(buf, sizeof buf, "%s: %lld conversations, %.1f / %.1f MB", m_phase.c_str(), static_cast<long long>(m_conversations),
                 double(m_bytesDone) / 1e6, double(m_bytesTotal) / 1e6);
        ImGui::ProgressBar(m_bytesTotal ? frac : float(std::fmod(ImGui::GetTime(), 1.0)), ImVec2(-1, 0), buf);
    }
    if (!m_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::bad));
        ImGui::TextWrapped("%s", shown(m_error));
        ImGui::PopStyleColor();
    }
    if (!m_previewText.empty()) {
        sectionHeader(fonts, "Preview");
        ImGui::TextWrapped("%s", shown(m_previewText));
        if (!m_titles.empty()) {
            ImGui::TextDisabled("First conversations:");
            for (auto& t : m_titles) ImGui::BulletText("%s", shown(t));
        }
        if (!m_problems.empty()) {
            ImGui::TextColored(toVec(color::warn), "%zu item(s) would be skipped:", m_problems.size());
            for (size_t i = 0; i < m_problems.size() && i < 30; ++i) ImGui::BulletText("%s", shown(m_problems[i]));
        }
    }
    if (!m_reportText.empty()) {
        sectionHeader(fonts, "Result");
        ImGui::TextUnformatted(shown(m_reportText));
    }
}

} // namespace pv::ui
