// Queries the desktop app needs beyond Store's typed API: jumping into the middle of a keyset-paged
// list (scrollbar drags) and name look-ups for pickers. Read-only; built on Store::db().
#pragma once
#include "Store.hpp"

namespace pv::uiq {

// The cursor that makes listOutputs/listPrompts start at row `index` of the ordering (index 0 =
// an invalid cursor, i.e. the first page). Uses OFFSET once, so later pages stay keyset-paged.
PageCursor outputCursorAt(Store& s, const OutputFilter& f, OutputSort sort, int64_t index);
PageCursor promptCursorAt(Store& s, const PromptFilter& f, PromptSort sort, int64_t index);
int64_t countPrompts(Store& s, const PromptFilter& f);

struct NameHit {
    std::string id;
    std::string label;
    std::string detail;
};
// Live records of one kind whose name (prompt title) matches `text`: exact first, then prefix,
// then substring; empty text = the most recently updated. Kinds: Prompt, Model, Agent, Tag,
// QaActivity, LookupValue (then lookupId restricts to one lookup).
std::vector<NameHit> findNames(Store& s, Kind kind, const std::string& text, int limit, const std::string& lookupId = "");

} // namespace pv::uiq
