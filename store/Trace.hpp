// Timing trace for benchmarks (bench/sync/LoadBench): vault write transactions (time waiting for
// the write lock, time holding it), server round trips, push / pull / NOTIFY moments. Off unless a
// benchmark calls enable() (or PV_SYNC_TRACE is set in the environment): when off, each traced
// spot costs one relaxed atomic load and records nothing.
#pragma once
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace pv::trace {

using Clock = std::chrono::steady_clock;

extern std::atomic<bool> g_on;
inline bool on() { return g_on.load(std::memory_order_relaxed); }

struct Event {
    std::string kind;  // "tx", "pg", "push", "pull", "notify"
    std::string who;   // the thread's label (setThreadLabel), e.g. the vault path of a sync service
    std::string what;  // tx: the database file; pg: the statement's first words
    Clock::time_point t0, t1, t2;  // tx: before BEGIN, lock held, after COMMIT/ROLLBACK; others: see callers
};

void enable();
// Everything recorded so far (and forgets it).
std::vector<Event> take();
void record(Event e);
// Names the calling thread in its events (a sync service labels itself with its vault's path).
void setThreadLabel(std::string label);
const std::string& threadLabel();
// CPU time of the calling thread, in ms.
double threadCpuMs();

} // namespace pv::trace
