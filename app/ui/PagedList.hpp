// The row cache behind a long list: fixed-size pages fetched by keyset cursor, only the pages near
// the visible range kept, stale rows shown while a new query loads (no flicker while typing).
// Pure logic: the panel asks nextRequest(), runs it on the worker, and hands back deliver().
#pragma once
#include "Store.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>

namespace pv::ui {

template <class Row>
class PagedList {
public:
    explicit PagedList(int pageSize = 200, int keepPages = 24) : m_pageSize(pageSize), m_keepPages(keepPages) {}

    struct Request {
        uint64_t generation = 0;
        int64_t page = 0;
        PageCursor after;      // valid: continue after this row
        bool seek = false;     // no cursor known: find the page start by position first
        int64_t firstIndex() const { return page * pageSizeOf; }
        int pageSizeOf = 0;
    };

    int pageSize() const { return m_pageSize; }
    uint64_t generation() const { return m_generation; }

    // A new query (filter, sort or data changed): old rows stay visible until new ones arrive.
    void reset() {
        ++m_generation;
        if (!m_pages.empty()) m_stale = std::move(m_pages);
        m_pages.clear();
        m_endCursor.clear();
        m_inFlight.clear();
        m_knownCount.reset();
        m_staleCount = m_displayCount;
        m_maxLoadedEnd = 0;
        m_moreAfterLoaded = true;
    }

    // The row at index, or nullptr while its page loads. Marks the page as wanted.
    const Row* row(int64_t index) {
        if (index < 0) return nullptr;
        int64_t p = index / m_pageSize;
        m_wanted.insert(p);
        auto it = m_pages.find(p);
        auto* rows = it != m_pages.end() ? &it->second : nullptr;
        if (!rows) {
            auto st = m_stale.find(p);
            if (st == m_stale.end()) return nullptr;
            rows = &st->second;
        }
        size_t off = static_cast<size_t>(index - p * m_pageSize);
        return off < rows->size() ? &(*rows)[off] : nullptr;
    }
    bool loaded(int64_t index) const { return m_pages.count(index / m_pageSize) != 0; }

    // The visible range this frame; pages far from it are dropped. Call once per frame before row().
    void setVisible(int64_t first, int64_t last) {
        m_firstVisible = first;
        m_lastVisible = last;
        m_wanted.clear();
        int64_t lo = first / m_pageSize - m_keepPages / 2, hi = last / m_pageSize + m_keepPages / 2;
        for (auto it = m_pages.begin(); it != m_pages.end();)
            it = (it->first < lo || it->first > hi) ? m_pages.erase(it) : std::next(it);
    }

    // The next page to fetch: a wanted page not loaded nor in flight, closest to the visible range;
    // also the page after the last loaded one when the list has no known end (to grow the scroll).
    std::optional<Request> nextRequest(size_t maxInFlight = 2) {
        if (m_inFlight.size() >= maxInFlight) return std::nullopt;
        std::optional<int64_t> pick;
        for (int64_t p : m_wanted)
            if (!m_pages.count(p) && !m_inFlight.count(p) && !beyondEnd(p)) {
                pick = p;
                break;
            }
        if (!pick && m_pages.empty() && !m_inFlight.count(0)) pick = 0;
        if (!pick) return std::nullopt;
        Request r;
        r.generation = m_generation;
        r.page = *pick;
        r.pageSizeOf = m_pageSize;
        if (*pick == 0) r.after = {};
        else if (auto it = m_endCursor.find(*pick - 1); it != m_endCursor.end()) r.after = it->second;
        else r.seek = true;
        m_inFlight.insert(*pick);
        return r;
    }

    // A fetched page. Answers to an older generation are ignored.
    void deliver(uint64_t generation, int64_t page, std::vector<Row> rows, const PageCursor& next) {
        if (generation != m_generation) return;
        m_inFlight.erase(page);
        if (page == 0) {
            m_stale.clear();
            m_staleCount.reset();
        }
        int64_t end = page * m_pageSize + static_cast<int64_t>(rows.size());
        if (next.valid) m_endCursor[page] = next;
        else m_knownCount = end;  // the last page: the count is now exact
        if (end >= m_maxLoadedEnd) {
            m_maxLoadedEnd = end;
            m_moreAfterLoaded = next.valid;
        }
        m_pages[page] = std::move(rows);
        updateDisplayCount();
    }
    void deliverFailed(uint64_t generation, int64_t page) {
        if (generation == m_generation) m_inFlight.erase(page);
    }

    // A count computed separately (it can be slow: the worker runs it).
    void setCount(uint64_t generation, int64_t count) {
        if (generation != m_generation) return;
        m_knownCount = count;
        updateDisplayCount();
    }
    std::optional<int64_t> knownCount() const { return m_knownCount; }

    // How many rows the list shows: the exact count when known, otherwise what is loaded plus a
    // page when more may follow.
    int64_t displayCount() const { return m_displayCount; }
    bool loading() const { return !m_inFlight.empty(); }
    size_t cachedPages() const { return m_pages.size(); }

private:
    bool beyondEnd(int64_t page) const { return m_knownCount && page * m_pageSize >= *m_knownCount; }
    void updateDisplayCount() {
        if (m_knownCount) m_displayCount = *m_knownCount;
        else m_displayCount = m_maxLoadedEnd + (m_moreAfterLoaded ? m_pageSize : 0);
    }

    int m_pageSize;
    int m_keepPages;
    uint64_t m_generation = 1;
    std::map<int64_t, std::vector<Row>> m_pages, m_stale;
    std::map<int64_t, PageCursor> m_endCursor;
    std::set<int64_t> m_inFlight, m_wanted;
    std::optional<int64_t> m_knownCount, m_staleCount;
    int64_t m_displayCount = 0;
    int64_t m_maxLoadedEnd = 0;
    bool m_moreAfterLoaded = true;
    int64_t m_firstVisible = 0, m_lastVisible = 0;
};

} // namespace pv::ui
