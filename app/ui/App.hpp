// The main window: navigation, the current screen's list and editor, the status bar, keyboard
// shortcuts, the jump (Ctrl+K) and unsaved-changes dialogs, and undo of the last delete. It only
// draws with ImGui: RunApp owns the GLFW window, tests drive it headless.
#pragma once
#include "AppContext.hpp"
#include "Editor.hpp"
#include "ListPanel.hpp"
#include "Store.hpp"
#include "Widgets.hpp"
#include "Worker.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace pv::ui {

class OutputsPanel;
class OutputEditor;
class PromptsPanel;
class PromptEditor;
class CatalogPanel;
class CatalogEditor;
class CustomLookupsPanel;
class CustomLookupEditor;
class SyncPanel;
class ImportPanel;
class GraphPanel;
class CapturePanel;

class App : public AppContext {
public:
    // `sync` may be null (tests): the status bar then says sync is off.
    App(Store& store, ViewOptions& view, sync::SyncService* sync);
    ~App() override;

    void setFonts(const Fonts& f) { m_fonts = f; }
    // The whole UI for one frame, between ImGui::NewFrame() and ImGui::Render().
    void frame();
    // Runs finished worker results (call once per frame before frame()).
    void pump();

    // Window close: asks about unsaved edits first. closeConfirmed() turns true when it may close.
    void requestClose();
    bool closeConfirmed() const { return m_closeConfirmed; }
    // True once after a panel asked for another frame.
    bool takeFrameRequest() { return std::exchange(m_frameRequested, false); }

    void show(Screen s);
    Screen screen() const { return m_screen; }
    // --select ID: opens the record with that id whatever its kind.
    bool selectById(const std::string& id);

    // AppContext
    Store& store() override { return m_store; }
    Worker& worker() override { return *m_worker; }
    const Fonts& fonts() const override { return m_fonts; }
    ViewOptions& view() override { return m_view; }
    void open(const RecordRef& ref) override;
    void requestFrame() override { m_frameRequested = true; }
    void openGraph(const RecordRef& ref) override;
    void showOutputsOf(const RecordRef& ref) override;
    void newOutput(const std::string& promptId = "", const std::string& text = "") override;
    void dataChanged() override;
    void rememberDelete(std::vector<RecordRef> refs, const std::string& what) override;
    void error(const std::string& message) override;
    void notice(const std::string& message) override;
    uint64_t dataVersion() const override { return m_dataVersion; }
    int64_t pendingLocal() const override { return m_pendingLocal; }

    // The vault changed outside this App (another connection committed): lists, counts, the graph
    // and the status re-read it; editors follow it unless they hold unsaved edits (Editor.hpp).
    // Called by the watcher (PRAGMA data_version polled on the worker, README "The app").
    void externalChange();
    uint64_t externalChanges() const { return m_externalChanges; }
    // Drafts: how many unsaved drafts the App found in the vault when it opened and put back.
    int recoveredDrafts() const { return m_recoveredDrafts; }
    // Writes every editor's unsaved state to pv_drafts now, on this thread (SIGTERM, closing).
    void flushDrafts();

    bool undoLastDelete();
    void captureFromClipboard();
    OutputsPanel& outputsPanel() { return *m_outputs; }
    OutputEditor& outputEditor() { return *m_outputEditor; }
    PromptsPanel& promptsPanel() { return *m_prompts; }
    PromptEditor& promptEditor() { return *m_promptEditor; }
    CatalogEditor& catalogEditor() { return *m_catalogEditor; }
    const std::string& lastError() const { return m_lastError; }
    bool modalOpen() const { return m_pendingAction != nullptr || m_jumpOpen; }

private:
    void drawNav(float width, float height);
    void drawStatusBar();
    void drawUnsavedModal();
    void drawJump();
    void handleShortcuts();
    // What a screen draws: a list beside its editor, or one panel across the window.
    struct ScreenPanels {
        ListPanel* list = nullptr;
        Editor* editor = nullptr;
        Panel* whole = nullptr;
    };
    void bindScreen(Screen s, ScreenPanels panels);
    Editor* editorFor(Screen s);
    ListPanel* listFor(Screen s);
    // Runs `action` now, or after the person answers Save / Discard / Cancel about `editor`.
    void guard(Editor* editor, std::function<void()> action);
    Editor* anyDirtyEditor();
    std::vector<Editor*> editors();
    void watchVault();
    void keepDrafts();
    void recoverDrafts();

    Store& m_store;
    ViewOptions& m_view;
    sync::SyncService* m_sync;
    Fonts m_fonts;
    Screen m_screen = Screen::Outputs;
    uint64_t m_dataVersion = 1;

    std::unique_ptr<OutputsPanel> m_outputs;
    std::unique_ptr<OutputEditor> m_outputEditor;
    std::unique_ptr<PromptsPanel> m_prompts;
    std::unique_ptr<PromptEditor> m_promptEditor;
    std::unique_ptr<CatalogPanel> m_models, m_agents, m_tags, m_qa;
    std::unique_ptr<CatalogEditor> m_catalogEditor;
    std::unique_ptr<CustomLookupsPanel> m_customLookups;
    std::unique_ptr<CustomLookupEditor> m_customLookupEditor;
    std::unique_ptr<SyncPanel> m_syncPanel;
    std::unique_ptr<ImportPanel> m_import;
    std::unique_ptr<GraphPanel> m_graph;
    std::unique_ptr<CapturePanel> m_capture;
    std::array<ScreenPanels, kScreenCount> m_screenPanels{};

    std::function<void()> m_pendingAction;
    Editor* m_pendingEditor = nullptr;
    bool m_openUnsavedPopup = false;
    bool m_closeConfirmed = false;

    bool m_jumpOpen = false, m_jumpFocus = false;
    std::string m_jumpText, m_jumpRequested = "\x01";
    std::vector<SearchHit> m_jumpHits;
    int m_jumpHighlight = 0;

    struct DeleteGroup {
        std::vector<RecordRef> refs;
        std::string what;
    };
    std::vector<DeleteGroup> m_undo;
    std::string m_lastError, m_notice;
    double m_noticeTime = 0, m_errorTime = 0;
    int64_t m_pendingLocal = 0;
    double m_pendingCheckedAt = -100;
    // Watching the vault: PRAGMA data_version as last read on the worker's connection (-1: not yet).
    std::shared_ptr<std::atomic<int64_t>> m_watchVersion = std::make_shared<std::atomic<int64_t>>(-1);
    std::chrono::steady_clock::time_point m_nextWatch{}, m_nextDraftWrite{};
    int64_t m_seenPulled = 0;
    uint64_t m_externalChanges = 0;
    // Drafts written to pv_drafts, by slot: what was written (to skip rewriting the same state).
    std::map<std::string, std::string> m_draftWritten;
    int m_recoveredDrafts = 0;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
    // Last: destroyed first, so its thread stops before the panels its callbacks point at.
    std::unique_ptr<Worker> m_worker;
    bool m_frameRequested = false;
};

} // namespace pv::ui
