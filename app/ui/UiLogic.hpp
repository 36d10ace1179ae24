// View logic with no ImGui in it, so it is unit-tested on its own: picker entries (search as you
// type, create in place), the word-level diff, QA progress, small text helpers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pv::ui {

// ---- pickers ---------------------------------------------------------------------------------
struct Choice {
    std::string id;
    std::string label;
    std::string detail;
};

struct PickerEntry {
    enum class Kind { Existing, Create } kind = Kind::Existing;
    std::string id;     // Existing
    std::string label;  // shown text: the name, or "+ New model 'o3-pro'"
    std::string name;   // Create: the name to create
};

// The entries a picker shows for `query` given the store's matches: the matches (current choice
// excluded when `excludeId` is set), then "+ New <noun> '<query>'" when the trimmed query is not
// empty and no match has exactly that name (case-insensitive). allowCreate=false never offers it.
std::vector<PickerEntry> pickerEntries(const std::string& query, const std::vector<Choice>& matches, const std::string& noun,
                                       bool allowCreate = true, const std::string& excludeId = "");

// Keyboard highlight inside the entry list: Down/Up wrap, clamped to the list.
int moveHighlight(int current, int delta, int count);

std::string trim(const std::string& s);
bool equalsIgnoreCase(const std::string& a, const std::string& b);

// ---- diff ------------------------------------------------------------------------------------
struct DiffSpan {
    enum class Op { Same, Insert, Delete } op = Op::Same;
    std::string text;  // words with the whitespace that followed them
};
// Word-level diff of a (the raw output) into b (the edited one). Whitespace runs stay attached to
// the word before them so the spans re-join into the exact texts: join(Same+Delete) == a and
// join(Same+Insert) == b. Adjacent spans with the same op are merged.
std::vector<DiffSpan> wordDiff(const std::string& a, const std::string& b);
// Splits into words, each carrying its trailing whitespace.
std::vector<std::string> splitWords(const std::string& s);

struct DiffStats {
    int64_t inserted = 0;
    int64_t deleted = 0;
};
DiffStats diffStats(const std::vector<DiffSpan>& spans);

// ---- QA --------------------------------------------------------------------------------------
std::string qaProgressLabel(int64_t done, int64_t total);  // "3/5", "—" when there are no activities
float qaProgressFraction(int64_t done, int64_t total);

// ---- text ------------------------------------------------------------------------------------
// "2026-11-28T04:36:22.123Z" -> "2026-11-28 04:36"
std::string shortTime(const std::string& iso);
// A change's hybrid logical clock "000001764300982123.000004" -> "2026-11-28 03:36" (UTC, like
// shortTime); the input unchanged when it is not a clock.
std::string hlcTime(const std::string& hlc);
std::string ratingStars(std::optional<int64_t> rating);  // "★★★☆☆", "" when unrated
std::string firstLine(const std::string& s, size_t maxBytes);
// Parses "YYYY-MM-DD" (a date filter); empty optional when malformed.
std::optional<std::string> parseDate(const std::string& s);

} // namespace pv::ui
