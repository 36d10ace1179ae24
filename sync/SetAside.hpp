// Changes the server refused (a constraint, bad data): listed for the person with the server's
// reason, and put back in the queue once they have fixed the cause.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pv {
class Store;
}

namespace pv::sync {

struct RefusedChange {
    int64_t seq = 0;
    std::string table;    // "outputs", "output_tags", ...
    std::string rowKey;   // the record's id; "a|b" for a link
    std::string op;       // insert / update / delete
    std::string columns;  // the changed columns, comma-separated
    std::string hlc;      // when it was made (hybrid logical clock)
    std::string error;    // the server's reason
};

// Oldest first, at most `limit`.
std::vector<RefusedChange> listSetAside(Store& store, int limit = 200);
// Puts one change (or, without seq, every set-aside change) back at the end of the push queue,
// oldest first, with its original clock; the next sync retries it. Returns how many were requeued.
int64_t retrySetAside(Store& store, std::optional<int64_t> seq = std::nullopt);
// Gives up one change (or, without seq, every set-aside change): it leaves the list, and the next
// sync's pull takes the server's value of its row (a row the server never had is removed, unless
// other rows here refer to it). Returns how many were discarded.
int64_t discardSetAside(Store& store, std::optional<int64_t> seq = std::nullopt);

} // namespace pv::sync
