// Sync screen: the PostgreSQL connection (saved in the vault), "Sync now", state, waiting and
// set-aside counts. The sync itself runs on the SyncService's own thread.
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"

namespace pv::ui {

class SyncPanel : public Panel {
public:
    SyncPanel(AppContext& ctx, sync::SyncService* sync);

protected:
    void drawContents() override;

private:
    AppContext& m_ctx;
    sync::SyncService* m_sync;
    std::string m_conninfo;
    bool m_loaded = false;
    bool m_show = false;
};

// Replaces password=... in a libpq string with password=*** for display.
std::string maskConninfo(const std::string& conninfo);

} // namespace pv::ui
