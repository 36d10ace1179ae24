// Placeholder implementation until the sync engine lands (issue 3): reports Disabled and does
// nothing, so the app can show the state honestly.
#include "SyncService.hpp"

namespace pv::sync {

struct SyncService::Impl {
    std::string vaultPath;
    std::string conninfo;
};

SyncService::SyncService(std::string vaultPath, std::string conninfo) : m_impl(std::make_unique<Impl>()) {
    m_impl->vaultPath = std::move(vaultPath);
    m_impl->conninfo = std::move(conninfo);
}
SyncService::~SyncService() = default;
void SyncService::start() {}
void SyncService::stop() {}
void SyncService::notifyLocalChange() {}
void SyncService::syncNow() {}
SyncStatus SyncService::status() const {
    SyncStatus s;
    s.message = "sync is not built yet";
    return s;
}

} // namespace pv::sync
