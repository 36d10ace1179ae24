#include "SoftWrap.hpp"

#include "TextCarrier.hpp"

#include <algorithm>
#include <array>

namespace pv::ui {

namespace {
int countBefore(const std::vector<int>& sorted, int pos) {
    return int(std::lower_bound(sorted.begin(), sorted.end(), pos) - sorted.begin());
}
bool holds(const std::vector<int>& sorted, int pos) { return std::binary_search(sorted.begin(), sorted.end(), pos); }
bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
} // namespace

std::vector<int> SoftWrap::wrapPoints(std::string_view s, float width, float hang, const Advance& advance) {
    std::vector<int> out;
    if (!advance) return out;
    width = std::max(width, 1.0f);
    // Most of a text is ASCII: its widths are looked up once per layout, not once per character.
    std::array<float, 128> ascii{};
    for (char32_t c = 0; c < 128; ++c) ascii[c] = advance(c);
    int lineStart = 0;
    float x = 0;
    int wordStart = -1;  // start of the last word after blanks on this line: where a break looks best
    float xAtWord = 0;
    bool prevBlank = false;
    for (size_t i = 0; i < s.size();) {
        const int at = int(i);
        char32_t c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) ++i;
        else {
            c = carry::decodeUtf8(s, i);
            if (int(i) == at) c = 0xFFFD, ++i;  // invalid byte: drawn as one replacement character
        }
        if (c == '\n') {
            x = 0;
            lineStart = int(i);
            wordStart = -1;
            prevBlank = false;
            continue;
        }
        const float w = c == '\r' ? 0.0f : c < 128 ? ascii[c] : advance(c);
        const bool blank = c == ' ' || c == '\t';
        if (!blank && prevBlank && at > lineStart) wordStart = at, xAtWord = x;
        if (at > lineStart && x + w > width + (blank ? hang : 0.0f)) {
            if (!blank && wordStart > lineStart && x - xAtWord + w <= width) {
                // The word moves down whole.
                out.push_back(wordStart);
                lineStart = wordStart;
                x -= xAtWord;
            } else {
                // A word longer than a line (or blanks past the edge) is cut here.
                out.push_back(at);
                lineStart = at;
                x = 0;
            }
            wordStart = -1;
        }
        x += w;
        prevBlank = blank;
    }
    return out;
}

void SoftWrap::layout(std::string logical) {
    m_logical = std::move(logical);
    m_points = wrapPoints(m_logical, m_width, m_hang, m_advance);
    build();
}

void SoftWrap::build() {
    const std::string_view logical = m_logical;
    m_buffer.clear();
    m_buffer.reserve(logical.size() + m_points.size());
    m_softs.clear();
    m_softs.reserve(m_points.size());
    size_t from = 0;
    for (int p : m_points) {
        m_buffer.append(logical.substr(from, size_t(p) - from));
        m_softs.push_back(int(m_buffer.size()));
        m_buffer += '\n';
        from = size_t(p);
    }
    m_buffer.append(logical.substr(from));
}

void SoftWrap::setText(std::string_view logical) { layout(std::string(logical)); }

bool SoftWrap::setWidth(float width, float hang) {
    if (width == m_width && hang == m_hang) return false;
    m_width = width;
    m_hang = hang;
    const std::vector<int> before = m_points;
    layout(std::move(m_logical));
    return m_points != before;
}

void SoftWrap::rewrap() { layout(std::move(m_logical)); }

int SoftWrap::toLogical(int bufferPos) const { return bufferPos - countBefore(m_softs, bufferPos); }

int SoftWrap::toBuffer(int logicalPos, bool afterBreak) const {
    const int k = countBefore(m_points, logicalPos);
    return logicalPos + k + (afterBreak && holds(m_points, logicalPos) ? 1 : 0);
}

SoftWrap::Anchor SoftWrap::anchorAt(int bufferPos) const {
    bufferPos = std::clamp(bufferPos, 0, int(m_buffer.size()));
    const bool after = (bufferPos > 0 && holds(m_softs, bufferPos - 1)) || !holds(m_softs, bufferPos);
    return {toLogical(bufferPos), after};
}

std::string SoftWrap::strip(std::string_view buf, const std::vector<int>& softs, int from, int to) {
    std::string out;
    from = std::clamp(from, 0, int(buf.size()));
    to = std::clamp(to, from, int(buf.size()));
    out.reserve(size_t(to - from));
    int at = from;
    for (auto it = std::lower_bound(softs.begin(), softs.end(), from); it != softs.end() && *it < to; ++it) {
        out.append(buf.substr(size_t(at), size_t(*it - at)));
        at = *it + 1;
    }
    out.append(buf.substr(size_t(at), size_t(to - at)));
    return out;
}

SoftWrap::Change SoftWrap::diff(std::string_view before, std::string_view now, int cursor, int editStart) const {
    const int n0 = int(before.size()), n1 = int(now.size());
    // The suffix stops at the cursor: what was typed or pasted ends there, and a deletion starts there.
    const int suffixCap = std::min(n0, std::max(0, n1 - std::clamp(cursor, 0, n1)));
    int s = 0;
    while (s < suffixCap && before[size_t(n0 - 1 - s)] == now[size_t(n1 - 1 - s)]) ++s;
    const int prefixCap = std::min(n0, n1) - s;
    int p = 0;
    while (p < prefixCap && before[size_t(p)] == now[size_t(p)]) ++p;
    // A '\n' typed or pasted where a soft break stood matches it byte for byte: when the edit began
    // there, the old break is the one replaced.
    if (editStart >= 0 && editStart < p && holds(m_softs, editStart)) p = editStart;
    return {p, n0 - s, n1 - s};
}

std::vector<int> SoftWrap::surviving(const Change& c) const {
    std::vector<int> out;
    out.reserve(m_softs.size());
    const int shift = c.newEnd - c.oldEnd;
    for (int o : m_softs) {
        if (o < c.prefix) out.push_back(o);
        else if (o >= c.oldEnd) out.push_back(o + shift);
        // inside the replaced region: the edit took it away
    }
    return out;
}

std::vector<int> SoftWrap::softsIn(std::string_view now, int cursor) const {
    if (now == m_buffer) return m_softs;
    return surviving(diff(m_buffer, now, cursor));
}

void SoftWrap::track(std::string_view now, int cursor) {
    if (now == m_buffer) return;
    m_softs = surviving(diff(m_buffer, now, cursor));
    m_buffer.assign(now);
    m_logical = strip(m_buffer, m_softs, 0, int(m_buffer.size()));
    m_points.resize(m_softs.size());
    for (size_t k = 0; k < m_softs.size(); ++k) m_points[k] = m_softs[k] - int(k);
}

void SoftWrap::adopt(std::string buffer, std::vector<int> softs) {
    m_buffer = std::move(buffer);
    m_softs = std::move(softs);
    m_logical = strip(m_buffer, m_softs, 0, int(m_buffer.size()));
    m_points.resize(m_softs.size());
    for (size_t k = 0; k < m_softs.size(); ++k) m_points[k] = m_softs[k] - int(k);
}

SoftWrap::Cursor SoftWrap::edited(std::string_view now, Cursor cursor, Key key, int editStart) {
    const Change c = diff(m_buffer, now, cursor.pos, editStart);
    const std::vector<int> softs = surviving(c);
    const int removedSofts = countBefore(m_softs, c.oldEnd) - countBefore(m_softs, c.prefix);
    const bool onlySofts = c.newEnd == c.prefix && c.oldEnd > c.prefix && removedSofts == c.oldEnd - c.prefix;

    std::string logical = strip(now, softs, 0, int(now.size()));
    // A cursor next to a surviving soft break keeps its side of it; elsewhere it goes after a break.
    struct Mapped {
        int pos;
        bool after;
    };
    auto toLogicalIn = [&](int b) {
        b = std::clamp(b, 0, int(now.size()));
        const bool after = (b > 0 && holds(softs, b - 1)) || !holds(softs, b);
        return Mapped{b - countBefore(softs, b), after};
    };
    Mapped pos = toLogicalIn(cursor.pos), selStart = toLogicalIn(cursor.selectionStart), selEnd = toLogicalIn(cursor.selectionEnd);

    if (onlySofts && key != Key::Other) {
        // Backspace at the start of a wrapped line, or Delete at its end, meant the character across
        // the break, not the break (which the layout would only put back).
        int at = std::clamp(pos.pos, 0, int(logical.size()));
        if (key == Key::Backspace && at > 0) {
            int from = at - 1;
            while (from > 0 && isContinuation(logical[size_t(from)])) --from;
            logical.erase(size_t(from), size_t(at - from));
            at = from;
        } else if (key == Key::Delete && at < int(logical.size())) {
            int to = at + 1;
            while (to < int(logical.size()) && isContinuation(logical[size_t(to)])) ++to;
            logical.erase(size_t(at), size_t(to - at));
        }
        pos = selStart = selEnd = Mapped{at, true};
    }

    if (onlySofts && key != Key::Other) {
        layout(std::move(logical));
    } else {
        // Only the paragraphs the edit touched are laid out again: a hard line break starts every
        // layout afresh, so the breaks before them stay and the ones after them shift.
        const int from = c.prefix - countBefore(softs, c.prefix), to = c.newEnd - countBefore(softs, c.newEnd);
        const int delta = int(logical.size()) - int(m_logical.size());
        const size_t nl = from > 0 ? logical.rfind('\n', size_t(from - 1)) : std::string::npos;
        const int paraStart = nl == std::string::npos ? 0 : int(nl) + 1;
        const size_t end = logical.find('\n', size_t(to));
        const int paraEnd = end == std::string::npos ? int(logical.size()) : int(end);
        std::vector<int> points;
        points.reserve(m_points.size() + 8);
        for (int p : m_points) {
            if (p >= paraStart) break;
            points.push_back(p);
        }
        for (int p : wrapPoints(std::string_view(logical).substr(size_t(paraStart), size_t(paraEnd - paraStart)), m_width, m_hang, m_advance))
            points.push_back(paraStart + p);
        for (auto it = std::upper_bound(m_points.begin(), m_points.end(), paraEnd - delta); it != m_points.end(); ++it) points.push_back(*it + delta);
        m_logical = std::move(logical);
        m_points = std::move(points);
        build();
    }
    return {toBuffer(pos.pos, pos.after), toBuffer(selStart.pos, selStart.after), toBuffer(selEnd.pos, selEnd.after)};
}

} // namespace pv::ui
