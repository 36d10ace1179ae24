// Sync screen: the PostgreSQL connection (saved in the vault), "Sync now", state, waiting count,
// and the changes the server refused with its reason, to open and retry. The sync itself runs on the SyncService's own thread.
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"
#include "sync/SetAside.hpp"

#include <optional>
#include <vector>

namespace pv::ui {

class SyncPanel : public Panel {
public:
    SyncPanel(AppContext& ctx, sync::SyncService* sync);

protected:
    void drawContents() override;

private:
    void refreshRefused(int64_t setAsideCount);
    void drawRefused();

    AppContext& m_ctx;
    sync::SyncService* m_sync;
    void saveConnection();

    std::string m_conninfo;  // never holds a password once saved
    std::string m_password;  // typed, then moved to the keyring, ~/.pgpass or this session's environment
    enum KeepPassword { kPgpass = 0, kSession = 1, kKeyring = 2 };
    int m_keepPassword = kPgpass;  // a KeepPassword (an int for ImGui's radio buttons)
    bool m_keyring = false;        // a desktop keyring answered when the screen was first drawn
    std::string m_keyringWhy;      // why not, when it did not
    bool m_loaded = false;
    std::vector<sync::RefusedChange> m_refused;
    struct RefusedRow {
        std::string label;                // "prompt “Explain CRDTs”", "output_tags of output “…”"
        std::optional<RecordRef> open;    // the record to open, when it exists here
    };
    std::vector<RefusedRow> m_refusedRows;
    int64_t m_refusedSeenCount = -1;  // the status count the list was read at
};

// Replaces password=... in a libpq string with password=*** for display.
std::string maskConninfo(const std::string& conninfo);

} // namespace pv::ui
