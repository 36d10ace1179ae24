// Import screen: a ChatGPT or Claude export previewed (counts, first conversations, problems),
// then imported on a thread of its own with its own Store, with a progress bar and Cancel.
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

namespace pv::ui {

class ImportPanel : public Panel {
public:
    explicit ImportPanel(AppContext& ctx);
    ~ImportPanel() override;
    bool running() const { return m_running; }

protected:
    void drawContents() override;

private:
    void startPreview();
    void startImport();
    void join();

    AppContext& m_ctx;
    std::string m_path, m_model;
    int m_source = 0;  // 0 ChatGPT, 1 Claude
    std::thread m_thread;
    std::atomic<bool> m_cancel{false};
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_finished{false};
    std::mutex m_mutex;  // guards what the thread writes below
    uint64_t m_bytesDone = 0, m_bytesTotal = 0;
    int64_t m_conversations = 0;
    std::string m_phase;  // "preview" or "import"
    std::string m_previewText, m_reportText, m_error;
    std::vector<std::string> m_titles, m_problems;
    bool m_previewOk = false;
};

} // namespace pv::ui
