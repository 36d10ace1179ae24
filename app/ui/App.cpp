#include "App.hpp"

#include "CustomLookups.hpp"
#include "GraphPanel.hpp"
#include "ImportPanel.hpp"
#include "CatalogPanel.hpp"
#include "OutputEditor.hpp"
#include "OutputsPanel.hpp"
#include "CapturePanel.hpp"
#include "PromptsPanel.hpp"
#include "SyncPanel.hpp"
#include "sync/SyncService.hpp"

#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>

namespace pv::ui {

namespace {
// Every screen once, in navigation order: its name (--show, the saved view), its navigation entry,
// and the kinds of record it opens. App's constructor gives each its panels (bindScreen).
struct ScreenInfo {
    Screen screen;
    const char* name;
    const char* icon;
    const char* label;
    std::vector<Kind> kinds;
    bool gapBefore = false;  // a space above its navigation entry (the tools after the records)
};
const std::vector<ScreenInfo>& screens() {
    static const std::vector<ScreenInfo> all = {
        {Screen::Outputs, "outputs", "▤", "Outputs", {Kind::Output}},
        {Screen::Prompts, "prompts", "✎", "Prompts", {Kind::Prompt}},
        {Screen::Agents, "agents", "◎", "Agents", {Kind::Agent}},
        {Screen::Models, "models", "◆", "Models", {Kind::Model}},
        {Screen::Tags, "tags", "#", "Tags", {Kind::Tag}},
        {Screen::QaActivities, "qa", "☑", "QA activities", {Kind::QaActivity}},
        {Screen::Lookups, "lookups", "☰", "Lookups", {Kind::Lookup, Kind::LookupValue}},
        {Screen::Import, "import", "⇩", "Import", {}, true},
        {Screen::Sync, "sync", "⇅", "Sync", {}},
        {Screen::Graph, "graph", "✳", "Graph", {}},
    };
    return all;
}
const ScreenInfo& infoOf(Screen s) {
    for (const auto& i : screens())
        if (i.screen == s) return i;
    return screens().front();
}
// The screen that opens records of kind `k` (Outputs for a kind no screen lists).
Screen screenOfKind(Kind k) {
    for (const auto& i : screens())
        if (std::find(i.kinds.begin(), i.kinds.end(), k) != i.kinds.end()) return i.screen;
    return Screen::Outputs;
}
} // namespace

const char* screenName(Screen s) { return infoOf(s).name; }

bool screenFromName(const std::string& name, Screen& out) {
    for (const auto& i : screens())
        if (name == i.name) {
            out = i.screen;
            return true;
        }
    if (name == "qa_activities" || name == "qa-activities") {
        out = Screen::QaActivities;
        return true;
    }
    return false;
}

std::string screenNames() {
    std::string names;
    for (const auto& i : screens()) names += (names.empty() ? "" : ", ") + std::string(i.name);
    return names;
}

App::App(Store& store, ViewOptions& view, sync::SyncService* sync)
    : m_store(store), m_view(view), m_sync(sync), m_worker(std::make_unique<Worker>(store.path())) {
    m_outputs = std::make_unique<OutputsPanel>(*this);
    m_outputEditor = std::make_unique<OutputEditor>(*this);
    m_prompts = std::make_unique<PromptsPanel>(*this);
    m_promptEditor = std::make_unique<PromptEditor>(*this);
    m_models = std::make_unique<CatalogPanel>(*this, Kind::Model);
    m_agents = std::make_unique<CatalogPanel>(*this, Kind::Agent);
    m_tags = std::make_unique<CatalogPanel>(*this, Kind::Tag);
    m_qa = std::make_unique<CatalogPanel>(*this, Kind::QaActivity);
    m_catalogEditor = std::make_unique<CatalogEditor>(*this);
    m_customLookups = std::make_unique<CustomLookupsPanel>(*this);
    m_customLookupEditor = std::make_unique<CustomLookupEditor>(*this);
    m_syncPanel = std::make_unique<SyncPanel>(*this, sync);
    m_import = std::make_unique<ImportPanel>(*this);
    m_graph = std::make_unique<GraphPanel>(*this);
    m_capture = std::make_unique<CapturePanel>(*this);
    // Each screen's panels: a list beside its editor, or one panel across the window.
    bindScreen(Screen::Outputs, {m_outputs.get(), m_outputEditor.get()});
    bindScreen(Screen::Prompts, {m_prompts.get(), m_promptEditor.get()});
    bindScreen(Screen::Agents, {m_agents.get(), m_catalogEditor.get()});
    bindScreen(Screen::Models, {m_models.get(), m_catalogEditor.get()});
    bindScreen(Screen::Tags, {m_tags.get(), m_catalogEditor.get()});
    bindScreen(Screen::QaActivities, {m_qa.get(), m_catalogEditor.get()});
    bindScreen(Screen::Lookups, {m_customLookups.get(), m_customLookupEditor.get()});
    bindScreen(Screen::Import, {.whole = m_import.get()});
    bindScreen(Screen::Sync, {.whole = m_syncPanel.get()});
    bindScreen(Screen::Graph, {.whole = m_graph.get()});
    Screen s;
    if (screenFromName(m_view.lastScreen, s)) m_screen = s;
    recoverDrafts();
}

App::~App() {
    try {
        flushDrafts();  // the worker drops queued jobs when it stops: write the last state here
    } catch (...) {
    }
}

std::vector<Editor*> App::editors() {
    return {m_outputEditor.get(), m_promptEditor.get(), m_catalogEditor.get(), m_customLookupEditor.get()};
}

namespace {
using Clock = std::chrono::steady_clock;
// What a draft holds, as one string: rewriting an unchanged draft is skipped.
std::string draftSignature(const Draft& d) {
    std::string sig = d.kind + '\x1f' + d.recordId;
    for (const auto& [k, v] : d.fields) sig += '\x1e' + k + '\x1f' + (v ? "v" + *v : std::string("n"));
    return sig;
}
} // namespace

void App::recoverDrafts() {
    std::vector<Draft> found;
    try {
        found = m_store.drafts();
    } catch (const std::exception& e) {
        error(std::string("Could not read unsaved drafts: ") + e.what());
        return;
    }
    std::optional<Draft> newest;
    for (const auto& d : found) {  // newest first
        Editor* ed = nullptr;
        for (Editor* e : editors())
            if (e->draftSlot() == d.slot) ed = e;
        bool ok = false;
        try {
            ok = ed && ed->restoreDraft(d) && ed->dirty();
        } catch (const std::exception&) {
            ok = false;
        }
        if (!ok) {
            if (ed) ed->discard();
            m_store.deleteDraft(d.slot);  // nothing left to recover (or nothing that can be shown)
            continue;
        }
        if (auto now = ed->unsavedDraft()) m_draftWritten[d.slot] = draftSignature(*now);
        ++m_recoveredDrafts;
        if (!newest) newest = d;
    }
    if (!newest) return;
    // Back into the newest one: its screen, its row selected in the list.
    show(screenOfKind(kindFromName(newest->kind).value_or(Kind::Output)));
    if (auto* l = listFor(m_screen)) l->setSelected(newest->recordId);
    notice(m_recoveredDrafts == 1 ? "1 unsaved draft recovered" : std::to_string(m_recoveredDrafts) + " unsaved drafts recovered");
}

void App::keepDrafts() {
    // Removing a draft (saved or discarded) is checked every frame while one is kept, so a kill right
    // after a save does not bring it back; writing one at most about once a second, on the worker.
    const auto now = Clock::now();
    const bool writeDue = now >= m_nextDraftWrite;
    if (!writeDue && m_draftWritten.empty()) return;
    for (Editor* e : editors()) {
        const std::string slot = e->draftSlot();
        if (slot.empty()) continue;
        const bool kept = m_draftWritten.count(slot) != 0;
        if (!writeDue && (!kept || e->dirty())) continue;
        auto d = e->unsavedDraft();
        if (!d) {
            if (kept) {
                m_draftWritten.erase(slot);
                m_worker->post([slot](Store& s) -> Worker::UiCallback {
                    s.deleteDraft(slot);
                    return nullptr;
                }, "draft:" + slot);
            }
            continue;
        }
        std::string sig = draftSignature(*d);
        if (kept && m_draftWritten[slot] == sig) continue;
        m_draftWritten[slot] = std::move(sig);
        m_worker->post([d = std::move(*d)](Store& s) -> Worker::UiCallback {
            s.saveDraft(d);
            return nullptr;
        }, "draft:" + slot);
    }
    if (writeDue) m_nextDraftWrite = now + std::chrono::seconds(1);
}

void App::flushDrafts() {
    m_worker->waitIdle();  // a queued draft write must not land after this one
    for (Editor* e : editors()) {
        const std::string slot = e->draftSlot();
        if (slot.empty()) continue;
        if (auto d = e->unsavedDraft()) {
            m_store.saveDraft(*d);
            m_draftWritten[slot] = draftSignature(*d);
        } else if (m_draftWritten.erase(slot)) {
            m_store.deleteDraft(slot);
        }
    }
}

void App::watchVault() {
    // PRAGMA data_version on the worker's own connection changes whenever another connection (the
    // UI's, the sync thread's, an import, the CLI, the sqlite3 shell, another app) commits to the
    // file. One tiny query every 250 ms on the worker; the UI thread only posts it, and hears back
    // only when the number moved.
    const auto now = Clock::now();
    if (now < m_nextWatch) return;
    m_nextWatch = now + std::chrono::milliseconds(250);
    std::weak_ptr<int> alive = m_alive;
    m_worker->post(
        [this, alive, seen = m_watchVersion](Store& s) -> Worker::UiCallback {
            int64_t v = s.dataVersion();
            int64_t before = seen->exchange(v);
            if (before < 0 || before == v) return nullptr;
            return [this, alive] {
                if (!alive.expired()) externalChange();
            };
        },
        "watch:data_version");
}

void App::externalChange() {
    ++m_dataVersion;  // every list, count and the graph re-read (stale rows shown meanwhile)
    ++m_externalChanges;
    m_pendingCheckedAt = -100;
    for (Editor* e : editors()) e->externalChange();
}


void App::pump() { m_worker->pump(); }

void App::bindScreen(Screen s, ScreenPanels panels) { m_screenPanels[size_t(s)] = panels; }

Editor* App::editorFor(Screen s) { return m_screenPanels[size_t(s)].editor; }

ListPanel* App::listFor(Screen s) { return m_screenPanels[size_t(s)].list; }

void App::show(Screen s) {
    m_screen = s;
    m_view.lastScreen = screenName(s);
    // The catalog editor is shared by four screens: show the record of this one, if any.
    if (editorFor(s) == m_catalogEditor.get()) {
        auto rec = m_catalogEditor->record();
        const Kind want = infoOf(s).kinds.front();
        if (rec && rec->kind != want && !m_catalogEditor->dirty()) m_catalogEditor->load(std::nullopt);
    }
}

void App::guard(Editor* editor, std::function<void()> action) {
    if (editor && editor->dirty()) {
        m_pendingEditor = editor;
        m_pendingAction = std::move(action);
        m_openUnsavedPopup = true;
        return;
    }
    action();
}

Editor* App::anyDirtyEditor() {
    for (Editor* e : {static_cast<Editor*>(m_outputEditor.get()), static_cast<Editor*>(m_promptEditor.get()),
                      static_cast<Editor*>(m_catalogEditor.get()), static_cast<Editor*>(m_customLookupEditor.get())})
        if (e->dirty()) return e;
    return nullptr;
}

void App::open(const RecordRef& ref) {
    const Screen target = screenOfKind(ref.kind);
    Editor* ed = editorFor(target);
    RecordRef r = ref;
    if (r.kind == Kind::LookupValue) {
        if (auto v = m_store.getLookupValue(r.id)) r = {Kind::Lookup, v->lookupId};
    }
    auto current = ed ? ed->record() : std::nullopt;
    if (current && *current == r) {
        show(target);
        return;
    }
    guard(ed, [this, target, ed, r] {
        show(target);
        if (ed) ed->load(r);
        if (auto* l = listFor(target)) l->setSelected(r.id);
    });
}

void App::openGraph(const RecordRef& ref) {
    show(Screen::Graph);
    m_graph->focus(ref);
}

void App::showOutputsOf(const RecordRef& ref) {
    show(Screen::Outputs);
    m_outputs->filterBy(ref);
}

void App::newOutput(const std::string& promptId, const std::string& text) {
    guard(m_outputEditor.get(), [this, promptId, text] {
        show(Screen::Outputs);
        m_outputEditor->startNew(promptId, text);
        m_outputs->setSelected("");
    });
}

void App::captureFromClipboard() {
    const char* clip = ImGui::GetClipboardText();
    m_capture->openWith(clip ? clip : "");
}

void App::dataChanged() {
    ++m_dataVersion;
    m_pendingCheckedAt = -100;
    if (m_sync) m_sync->notifyLocalChange();
    for (Editor* e : {static_cast<Editor*>(m_promptEditor.get()), static_cast<Editor*>(m_catalogEditor.get()),
                      static_cast<Editor*>(m_customLookupEditor.get()), static_cast<Editor*>(m_outputEditor.get())})
        e->refresh();
}

void App::rememberDelete(std::vector<RecordRef> refs, const std::string& what) {
    m_undo.push_back({std::move(refs), what});
    if (m_undo.size() > 50) m_undo.erase(m_undo.begin());
}

bool App::undoLastDelete() {
    if (m_undo.empty()) {
        notice("Nothing to undo");
        return false;
    }
    auto g = m_undo.back();
    m_undo.pop_back();
    try {
        m_store.transaction([&] {
            for (const auto& r : g.refs) m_store.restore(r);
        });
    } catch (const std::exception& e) {
        error(std::string("Undo failed: ") + e.what());
        return false;
    }
    notice("Restored " + g.what);
    dataChanged();
    if (g.refs.size() == 1) open(g.refs.front());
    return true;
}

void App::error(const std::string& message) {
    m_lastError = message;
    m_errorTime = ImGui::GetTime();
}

void App::notice(const std::string& message) {
    m_notice = message;
    m_noticeTime = ImGui::GetTime();
}

bool App::selectById(const std::string& id) {
    std::optional<RecordRef> ref;
    if (m_store.getOutput(id)) ref = {Kind::Output, id};
    else if (m_store.getPrompt(id)) ref = {Kind::Prompt, id};
    else if (m_store.getModel(id)) ref = {Kind::Model, id};
    else if (m_store.getAgent(id)) ref = {Kind::Agent, id};
    else if (m_store.getTag(id)) ref = {Kind::Tag, id};
    else if (m_store.getQaActivity(id)) ref = {Kind::QaActivity, id};
    else if (m_store.getLookup(id)) ref = {Kind::Lookup, id};
    else if (m_store.getLookupValue(id)) ref = {Kind::LookupValue, id};
    if (!ref) return false;
    if (m_screen == Screen::Graph) openGraph(*ref);
    else open(*ref);
    return true;
}

void App::requestClose() {
    if (Editor* e = anyDirtyEditor()) {
        guard(e, [this] {
            if (anyDirtyEditor()) requestClose();  // the next one with edits
            else m_closeConfirmed = true;
        });
        return;
    }
    m_closeConfirmed = true;
}

void App::handleShortcuts() {
    const ImGuiIO& io = ImGui::GetIO();
    if (modalOpen() || m_capture->isOpen()) return;
    auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
    if (io.KeyCtrl && !io.KeyShift && pressed('N')) newOutput();
    if (io.KeyCtrl && io.KeyShift && pressed('V')) captureFromClipboard();
    if (io.KeyCtrl && pressed('F')) {
        if (!listFor(m_screen)) show(Screen::Outputs);
        if (auto* l = listFor(m_screen)) l->focusSearch();
    }
    if (io.KeyCtrl && pressed('K')) {
        m_jumpOpen = true;
        m_jumpFocus = true;
        m_jumpText.clear();
        m_jumpHits.clear();
        m_jumpRequested = "\x01";
    }
    if (io.KeyCtrl && pressed('S')) {
        if (Editor* e = editorFor(m_screen)) e->save();
    }
    // Undo applies to deletes, unless a text field is being edited (then it is the field's undo).
    if (io.KeyCtrl && pressed('Z') && !ImGui::IsAnyItemActive()) undoLastDelete();
    if (pressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) && !ImGui::IsAnyItemActive()) {
        if (Editor* e = editorFor(m_screen); e && e->dirty()) {
            e->discard();
            notice("Edits cancelled");
        }
    }
}

void App::frame() {
    setSoftWrap(m_view.wrapText);
    watchVault();
    keepDrafts();
    handleShortcuts();
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##root", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                     ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar();
    const float statusH = ImGui::GetFrameHeight() + 6;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = avail.y - statusH;
    drawNav(m_view.navWidth, h);
    ImGui::SameLine(0, 0);
    const float rest = avail.x - m_view.navWidth;
    ListPanel* list = listFor(m_screen);
    Editor* editor = editorFor(m_screen);
    if (list && editor) {
        const float splitW = 6;
        float listW = std::clamp(rest * m_view.listFraction, 200.0f, std::max(200.0f, rest - 320.0f));
        list->draw({listW, h});
        ImGui::SameLine(0, 0);
        ImGui::InvisibleButton("##split", {splitW, h});
        if (ImGui::IsItemHovered() || ImGui::IsItemActive()) ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
        if (ImGui::IsItemActive() && rest > 0) m_view.listFraction = std::clamp((listW + ImGui::GetIO().MouseDelta.x) / rest, 0.15f, 0.85f);
        ImU32 splitCol = ImGui::IsItemHovered() || ImGui::IsItemActive() ? color::accent : IM_COL32(40, 44, 54, 255);
        ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddLine({(a.x + b.x) / 2, a.y + 4}, {(a.x + b.x) / 2, b.y - 4}, splitCol, 2.0f);
        ImGui::SameLine(0, 0);
        editor->draw({rest - listW - splitW, h});
    } else if (Panel* whole = m_screenPanels[size_t(m_screen)].whole) {
        whole->draw({rest, h});
    }
    drawStatusBar();
    ImGui::End();
    m_capture->drawWindow();
    drawUnsavedModal();
    drawJump();
}

void App::drawNav(float width, float height) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(20, 22, 27, 255));
    ImGui::BeginChild("##nav", {width, height}, false, ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar);
    ImGui::PushFont(m_fonts.heading);
    ImGui::TextColored(toVec(color::accent), "◈");
    ImGui::SameLine();
    ImGui::TextUnformatted("Promptvault");
    ImGui::PopFont();
    ImGui::Dummy({0, 6});
    for (const auto& n : screens()) {
        if (n.gapBefore) ImGui::Dummy({0, 8});
        bool on = m_screen == n.screen;
        ImGui::PushID(static_cast<int>(n.screen));
        std::string label = std::string(n.icon) + "   " + n.label;
        if (on) ImGui::PushStyleColor(ImGuiCol_Header, IM_COL32(52, 70, 110, 255));
        if (ImGui::Selectable(shown(label), on, 0, {0, ImGui::GetTextLineHeight() + 8})) show(n.screen);
        testhook::mark(std::string("nav:") + n.name);
        if (on) ImGui::PopStyleColor();
        ImGui::PopID();
    }
    ImGui::Dummy({0, 12});
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Ctrl+N  new output\nCtrl+⇧+V  capture clipboard\nCtrl+K  jump\nCtrl+F  search\nCtrl+S  save\nCtrl+Z  undo delete");
    ImGui::PopStyleColor();
    ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), height - ImGui::GetFrameHeightWithSpacing() * 2 - 14));
    if (ImGui::Button("Capture clipboard", {-1, 0})) captureFromClipboard();
    if (ImGui::Button("Jump…  Ctrl+K", {-1, 0})) {
        m_jumpOpen = true;
        m_jumpFocus = true;
    }
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

void App::drawStatusBar() {
    const double now = ImGui::GetTime();
    if (now - m_pendingCheckedAt > 2.0) {
        m_pendingCheckedAt = now;
        std::weak_ptr<int> alive = m_alive;
        m_worker->post(
            [this, alive](Store& s) -> Worker::UiCallback {
                int64_t n = s.pendingChanges();
                return [this, alive, n] {
                    if (!alive.expired()) m_pendingLocal = n;
                };
            },
            "status:pending");
    }
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(18, 20, 25, 255));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 3));
    ImGui::BeginChild("##status", {0, 0}, false, ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar);
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("⛁");
    ImGui::SameLine();
    ImGui::TextUnformatted(shown(m_store.path()));
    ImGui::SameLine(0, 18);
    sync::SyncStatus st;
    if (m_sync) st = m_sync->status();
    if (st.pulledTotal != m_seenPulled) {  // a pull applied rows: look at the vault now
        m_seenPulled = st.pulledTotal;
        m_nextWatch = {};
    }
    const char* stateText = "sync off";
    ImU32 stateCol = color::muted;
    switch (st.state) {
    case sync::SyncState::Disabled: stateText = "sync off"; break;
    case sync::SyncState::Idle: stateText = "synced"; stateCol = color::good; break;
    case sync::SyncState::Syncing: stateText = "syncing…"; stateCol = color::accent; break;
    case sync::SyncState::Offline: stateText = "offline"; stateCol = color::warn; break;
    case sync::SyncState::Error: stateText = "sync error"; stateCol = color::bad; break;
    }
    ImGui::TextColored(toVec(stateCol), "● %s", stateText);
    if (ImGui::IsItemHovered() && !st.message.empty()) ImGui::SetTooltip("%s", shown(st.message));
    if (ImGui::IsItemClicked()) show(Screen::Sync);
    ImGui::SameLine(0, 14);
    int64_t waiting = st.state == sync::SyncState::Disabled ? m_pendingLocal : st.pending;
    ImGui::TextColored(toVec(waiting ? color::warn : color::muted), "%lld change%s waiting", static_cast<long long>(waiting), waiting == 1 ? "" : "s");
    if (st.setAside) {
        ImGui::SameLine(0, 14);
        ImGui::TextColored(toVec(color::bad), "%lld set aside", static_cast<long long>(st.setAside));
    }
    if (!m_undo.empty()) {
        ImGui::SameLine(0, 18);
        if (ImGui::SmallButton(shown(("↶ Undo delete of " + m_undo.back().what)))) undoLastDelete();
        testhook::mark("status:undo");
    }
    if (!m_lastError.empty()) {
        ImGui::SameLine(0, 18);
        ImGui::TextColored(toVec(color::bad), "⚠ %s", shown(m_lastError));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n(click to dismiss)", shown(m_lastError));
        if (ImGui::IsItemClicked()) m_lastError.clear();
    } else if (!m_notice.empty() && now - m_noticeTime < 6.0) {
        ImGui::SameLine(0, 18);
        ImGui::TextColored(toVec(color::good), "%s", shown(m_notice));
    }
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

void App::drawUnsavedModal() {
    if (m_openUnsavedPopup) {
        ImGui::OpenPopup("Unsaved changes###unsaved");
        m_openUnsavedPopup = false;
    }
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, {0.5f, 0.5f});
    if (ImGui::BeginPopupModal("Unsaved changes###unsaved", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) {
        ImGui::TextUnformatted("This record has edits that are not saved.");
        ImGui::TextDisabled("Save them, discard them, or go back to editing.");
        ImGui::Spacing();
        auto finish = [&](bool run) {
            auto action = std::move(m_pendingAction);
            m_pendingAction = nullptr;
            m_pendingEditor = nullptr;
            ImGui::CloseCurrentPopup();
            if (run && action) action();
        };
        if (ImGui::Button("Save", {100, 0})) finish(m_pendingEditor && m_pendingEditor->save());
        testhook::mark("unsaved:save");
        ImGui::SameLine();
        if (ImGui::Button("Discard", {100, 0})) {
            if (m_pendingEditor) m_pendingEditor->discard();
            finish(true);
        }
        testhook::mark("unsaved:discard");
        ImGui::SameLine();
        if (ImGui::Button("Cancel", {100, 0}) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) finish(false);
        testhook::mark("unsaved:cancel");
        ImGui::EndPopup();
    }
}

void App::drawJump() {
    if (!m_jumpOpen) return;
    ImGui::OpenPopup("Jump to###jump");
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos({vp->GetCenter().x, vp->WorkPos.y + vp->WorkSize.y * 0.18f}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowSize({std::min(640.0f, vp->WorkSize.x - 40), 0});
    if (ImGui::BeginPopupModal("Jump to###jump", &m_jumpOpen, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoTitleBar)) {
        if (m_jumpFocus) {
            ImGui::SetKeyboardFocusHere();
            m_jumpFocus = false;
        }
        ImGui::SetNextItemWidth(-1);
        ImGui::PushFont(m_fonts.heading);
        bool enter = inputWithHint("##jump", "Jump to a prompt, model, agent, tag, output text…", m_jumpText, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::PopFont();
        testhook::mark("jump:input");
        if (m_jumpText != m_jumpRequested) {
            m_jumpRequested = m_jumpText;
            std::weak_ptr<int> alive = m_alive;
            std::string q = m_jumpText;
            m_worker->post(
                [this, alive, q](Store& s) -> Worker::UiCallback {
                    auto hits = s.jumpTo(q, 12);
                    // Name matches first; then text matches, newest first: served straight from the
                    // index, so a common word stays fast as the person types.
                    // A record found by its name is not listed again for its text.
                    if (hits.size() < 12)
                        for (auto& h : s.search(q, 12, SearchOrder::Newest)) {
                            if (hits.size() >= 12) break;
                            if (std::none_of(hits.begin(), hits.end(), [&](const SearchHit& seen) { return seen.ref == h.ref; })) hits.push_back(h);
                        }
                    return [this, alive, q, hits = std::move(hits)]() mutable {
                        if (!alive.expired() && q == m_jumpText) {
                            m_jumpHits = std::move(hits);
                            m_jumpHighlight = 0;
                        }
                    };
                },
                "jump");
        }
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow))) m_jumpHighlight = moveHighlight(m_jumpHighlight, 1, int(m_jumpHits.size()));
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow))) m_jumpHighlight = moveHighlight(m_jumpHighlight, -1, int(m_jumpHits.size()));
        std::optional<RecordRef> go;
        for (int i = 0; i < int(m_jumpHits.size()); ++i) {
            const auto& h = m_jumpHits[i];
            ImGui::PushID(i);
            std::string label = std::string(kindName(h.ref.kind)) + "   " + (h.title.empty() ? h.snippet : h.title);
            if (ImGui::Selectable(shown(label), i == m_jumpHighlight)) go = h.ref;
            testhook::mark("jump:hit:" + std::to_string(i));
            if (!h.snippet.empty() && !h.title.empty()) {
                ImGui::Indent(20);
                ImGui::TextDisabled("%s", shown(h.snippet));
                ImGui::Unindent(20);
            }
            ImGui::PopID();
        }
        if (m_jumpHits.empty() && !m_jumpText.empty()) ImGui::TextDisabled("No match");
        if (enter && m_jumpHighlight >= 0 && m_jumpHighlight < int(m_jumpHits.size())) go = m_jumpHits[m_jumpHighlight].ref;
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) m_jumpOpen = false;
        if (go) m_jumpOpen = false;
        if (!m_jumpOpen) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
        if (go) open(*go);
    }
}

} // namespace pv::ui
