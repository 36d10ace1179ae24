#include "TextCarrier.hpp"

#include <mutex>
#include <unordered_map>

namespace pv::ui::carry {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

bool isPrivateUse(char32_t c) { return c >= kStandInFirst && c <= kStandInLast; }
bool mustCarry(char32_t c) { return c > 0xFFFF || isPrivateUse(c); }

// One table for the process: a stand-in keeps its meaning for as long as any widget may hold it.
class StandInTable {
public:
    std::optional<char32_t> standInFor(char32_t original) {
        std::lock_guard lock(m_mutex);
        if (auto it = m_byOriginal.find(original); it != m_byOriginal.end()) return it->second;
        const size_t used = m_originals.size();
        if (used > size_t(kStandInLast - kStandInFirst)) return std::nullopt;
        const char32_t standIn = kStandInLast - char32_t(used);
        m_originals.push_back(original);
        m_byOriginal.emplace(original, standIn);
        return standIn;
    }
    char32_t carriedBy(char32_t c) {
        if (!isPrivateUse(c)) return 0;
        std::lock_guard lock(m_mutex);
        const size_t index = size_t(kStandInLast - c);
        return index < m_originals.size() ? m_originals[index] : 0;
    }
    size_t count() {
        std::lock_guard lock(m_mutex);
        return m_originals.size();
    }
    std::vector<std::pair<char32_t, char32_t>> all() {
        std::lock_guard lock(m_mutex);
        std::vector<std::pair<char32_t, char32_t>> out;
        out.reserve(m_originals.size());
        for (size_t i = 0; i < m_originals.size(); ++i) out.emplace_back(kStandInLast - char32_t(i), m_originals[i]);
        return out;
    }

private:
    std::mutex m_mutex;
    std::vector<char32_t> m_originals;  // index i: the character stand-in (kStandInLast - i) carries
    std::unordered_map<char32_t, char32_t> m_byOriginal;
};

StandInTable& table() {
    static StandInTable t;
    return t;
}

} // namespace

const char* describe(Refusal r) {
    switch (r) {
    case Refusal::None: return "";
    case Refusal::InvalidUtf8: return "this text is not valid UTF-8; it is shown read-only so that editing cannot alter it";
    case Refusal::NulByte: return "this text holds a NUL byte; it is shown read-only so that editing cannot cut it short";
    case Refusal::NoStandInLeft:
        return "this text holds more distinct rare characters than the editor can carry; it is shown read-only so that "
               "editing cannot alter it";
    }
    return "";
}

char32_t decodeUtf8(std::string_view s, size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int extra;
    char32_t c, min;
    if ((b0 & 0xE0) == 0xC0) extra = 1, c = b0 & 0x1F, min = 0x80;
    else if ((b0 & 0xF0) == 0xE0) extra = 2, c = b0 & 0x0F, min = 0x800;
    else if ((b0 & 0xF8) == 0xF0) extra = 3, c = b0 & 0x07, min = 0x10000;
    else return kInvalid;
    if (i + size_t(extra) >= s.size()) return kInvalid;
    for (int k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(s[i + size_t(k)]);
        if ((b & 0xC0) != 0x80) return kInvalid;
        c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return kInvalid;
    i += size_t(extra) + 1;
    return c;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xC0 | (c >> 6));
        out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += char(0xE0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    } else {
        out += char(0xF0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3F));
        out += char(0x80 | ((c >> 6) & 0x3F));
        out += char(0x80 | (c & 0x3F));
    }
}

bool needsCarrying(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b == 0) return true;
        if (b < 0x80) {
            ++i;
            continue;
        }
        // Private use starts at EE 80 80, astral at F0; anything from 0xEE up needs a decode.
        if (b >= 0xEE) return true;
        const size_t at = i;
        if (decodeUtf8(s, i) == kInvalid || i == at) return true;
    }
    return false;
}

WidgetText toWidget(std::string_view s) {
    WidgetText out;
    out.text.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b == 0) return {std::string(s), Refusal::NulByte};
        if (b < 0x80) {
            out.text += char(b);
            ++i;
            continue;
        }
        const size_t at = i;
        const char32_t c = decodeUtf8(s, i);
        if (c == kInvalid) return {std::string(s), Refusal::InvalidUtf8};
        if (!mustCarry(c)) {
            out.text.append(s.substr(at, i - at));
            continue;
        }
        auto standIn = table().standInFor(c);
        if (!standIn) return {std::string(s), Refusal::NoStandInLeft};
        appendUtf8(out.text, *standIn);
    }
    return out;
}

std::string fromWidget(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b != 0xEE && b != 0xEF) {  // only these lead bytes start a private-use code point
            out += char(b);
            ++i;
            continue;
        }
        const size_t at = i;
        const char32_t c = decodeUtf8(s, i);
        if (c == kInvalid) {
            out += char(b);
            i = at + 1;
            continue;
        }
        const char32_t carried = carriedBy(c);
        if (carried) appendUtf8(out, carried);
        else out.append(s.substr(at, i - at));
    }
    return out;
}

std::optional<char32_t> standInFor(char32_t original) {
    if (!mustCarry(original)) return original;
    return table().standInFor(original);
}
char32_t carriedBy(char32_t c) { return table().carriedBy(c); }
size_t standInCount() { return table().count(); }
std::vector<std::pair<char32_t, char32_t>> standIns() { return table().all(); }

} // namespace pv::ui::carry
