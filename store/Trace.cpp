#include "Trace.hpp"

#include <cstdlib>
#include <ctime>
#include <mutex>

namespace pv::trace {

std::atomic<bool> g_on{[] {
    const char* e = std::getenv("PV_SYNC_TRACE");
    return e && *e && *e != '0';
}()};

namespace {
std::mutex g_mu;
std::vector<Event>& events() {
    static std::vector<Event> v;
    return v;
}
thread_local std::string t_label;
} // namespace

void enable() { g_on.store(true); }

std::vector<Event> take() {
    std::lock_guard lock(g_mu);
    std::vector<Event> out;
    out.swap(events());
    return out;
}

void record(Event e) {
    std::lock_guard lock(g_mu);
    events().push_back(std::move(e));
}

void setThreadLabel(std::string label) { t_label = std::move(label); }
const std::string& threadLabel() { return t_label; }

double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

} // namespace pv::trace
