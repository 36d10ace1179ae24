#include "JsonStream.hpp"

#include "Store.hpp"

#include <algorithm>
#include <cstring>

namespace pv::capture {

namespace {
constexpr size_t kChunk = 1 << 20;
// Real conversations nest a few dozen levels; deeper input is refused before any recursive code sees it.
constexpr size_t kMaxDepth = kMaxElementDepth;

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid (overlong, surrogate, >U+10FFFF).
size_t utf8SeqLen(const unsigned char* s, size_t i, size_t n) {
    unsigned char c = s[i];
    if (c < 0x80) return 1;
    auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && s[i + 1] < 0xA0) return 0;
        if (c == 0xED && s[i + 1] >= 0xA0) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && s[i + 1] < 0x90) return 0;
        if (c == 0xF4 && s[i + 1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

int hexVal(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The code unit of a "\uXXXX" escape at s[i] (s[i] == '\\'), or -1.
int escapeUnit(const std::string& s, size_t i) {
    if (i + 6 > s.size()) return -1;
    if (s[i] != '\\' || s[i + 1] != 'u') return -1;
    int v = 0;
    for (size_t k = 2; k < 6; ++k) {
        int h = hexVal(s[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}
} // namespace

size_t repairUtf8(std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    // Fast path: find the first bad byte.
    while (i < n) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        size_t l = utf8SeqLen(p, i, n);
        if (l == 0) break;
        i += l;
    }
    if (i == n) return 0;
    std::string out;
    out.reserve(n + 16);
    out.append(s, 0, i);
    size_t repairs = 0;
    while (i < n) {
        size_t l = utf8SeqLen(p, i, n);
        if (l == 0) {
            out += "\xEF\xBF\xBD";
            ++repairs;
            ++i;
            // One replacement per broken sequence: skip its stray continuation bytes.
            while (i < n && (p[i] & 0xC0) == 0x80) ++i;
        } else {
            out.append(s, i, l);
            i += l;
        }
    }
    s.swap(out);
    return repairs;
}

size_t repairSurrogateEscapes(std::string& s) {
    size_t repairs = 0;
    bool inString = false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (!inString) {
            if (c == '"') inString = true;
            continue;
        }
        if (c == '"') {
            inString = false;
            continue;
        }
        if (c != '\\' || i + 1 >= s.size()) continue;
        if (s[i + 1] != 'u') {
            ++i;  // a simple escape: skip the escaped character
            continue;
        }
        int u = escapeUnit(s, i);
        if (u < 0) continue;
        if (u >= 0xD800 && u <= 0xDBFF) {
            int lo = escapeUnit(s, i + 6);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                i += 11;
                continue;
            }
            s.replace(i, 6, "\\uFFFD");
            ++repairs;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            s.replace(i, 6, "\\uFFFD");
            ++repairs;
        }
        i += 5;
    }
    return repairs;
}

size_t repairNulEscapes(std::string& s) {
    size_t repairs = 0;
    bool inString = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (!inString) {
            if (c == '"') inString = true;
            continue;
        }
        if (c == '"') {
            inString = false;
            continue;
        }
        if (c != '\\' || i + 1 >= s.size()) continue;
        if (s[i + 1] == 'u' && escapeUnit(s, i) == 0) {
            s.replace(i, 6, "\\uFFFD");
            ++repairs;
            i += 5;
        } else {
            ++i;  // an escape: skip the escaped character (an escaped backslash too)
        }
    }
    return repairs;
}

bool parseElement(std::string& text, nlohmann::json& out, std::string& error, size_t& repairs) {
    // A NUL character would end up inside a stored text (and PostgreSQL refuses it): replaced like
    // invalid UTF-8. Looked for with one fast search; only an element that has one is scanned.
    if (text.find("\\u0000") != std::string::npos) repairs += repairNulEscapes(text);
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            out = nlohmann::json::parse(text);
            return true;
        } catch (const nlohmann::json::exception& e) {
            error = e.what();
            if (attempt == 0 && error.find("surrogate") != std::string::npos) {
                size_t r = repairSurrogateEscapes(text);
                if (r == 0) return false;
                repairs += r;
                continue;
            }
            return false;
        }
    }
    return false;
}

ArrayReader::ArrayReader(ByteSource& src, std::string where, size_t maxElementBytes)
    : m_src(src), m_where(std::move(where)), m_maxElement(maxElementBytes) {
    m_buf.resize(kChunk);
}

void ArrayReader::readTrailing() {
    while (fill()) {
        for (size_t i = m_pos; i < m_len; ++i) {
            const char c = m_buf[i];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
            if (m_trailing++ == 0) m_trailingAt = m_offset + i;
        }
        m_pos = m_len;
    }
}

bool ArrayReader::fill() {
    if (m_pos < m_len) return true;
    m_offset += m_len;
    m_pos = 0;
    m_len = m_src.read(m_buf.data(), m_buf.size());
    return m_len > 0;
}

int ArrayReader::peekByte() {
    while (true) {
        if (!fill()) return -1;
        unsigned char c = static_cast<unsigned char>(m_buf[m_pos]);
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            ++m_pos;
            continue;
        }
        return c;
    }
}

ArrayReader::Result ArrayReader::next(std::string& text) {
    text.clear();
    if (m_state == State::Done) return m_error.empty() ? Result::End : Result::Error;
    if (m_state == State::Start) {
        int c = peekByte();
        // A UTF-8 byte order mark is allowed before the array.
        if (c == 0xEF && m_offset + m_pos == 0 && m_len >= 3 && std::memcmp(m_buf.data(), "\xEF\xBB\xBF", 3) == 0) {
            m_pos += 3;
            c = peekByte();
        }
        if (c == '[') {
            ++m_pos;
            m_state = State::BeforeElement;
        } else if (c == '{') {
            m_single = true;  // one conversation, or a wrapper object: the caller decides
            m_state = State::BeforeElement;
        } else {
            m_state = State::Done;
            if (c < 0) {
                m_error = m_where + ": the file is empty";
            } else {
                char hex[16];
                std::snprintf(hex, sizeof hex, "0x%02x", c);
                m_error = m_where + ": not a JSON array: starts with byte " + hex +
                          (c >= 0x20 && c < 0x7f ? std::string(" '") + static_cast<char>(c) + "'" : std::string()) + " at offset " +
                          std::to_string(m_offset + m_pos);
            }
            return Result::Error;
        }
    }
    if (m_state == State::AfterElement) {
        int c = peekByte();
        if (c == ',') {
            ++m_pos;
            m_state = State::BeforeElement;
        } else if (c == ']') {
            ++m_pos;
            m_state = State::Done;
            readTrailing();
            return Result::End;
        } else {
            m_state = State::Done;
            m_error = c < 0 ? m_where + ": the file ends after element #" + std::to_string(m_index + 1) +
                                  " without closing the array (truncated?)"
                            : m_where + ": expected ',' or ']' at offset " + std::to_string(m_offset + m_pos);
            return Result::Error;
        }
    }
    // BeforeElement
    int c = peekByte();
    if (c == ']' && !m_single) {
        ++m_pos;
        m_state = State::Done;
        readTrailing();
        return Result::End;
    }
    if (c < 0) {
        m_state = State::Done;
        m_error = m_where + ": the file ends inside the array (truncated?) after " + std::to_string(m_index + 1) + " elements";
        return Result::Error;
    }
    m_elemStart = m_offset + m_pos;
    ++m_index;
    // Copy bytes until the element closes, tracking strings and nesting only. A closer that does
    // not match closes up to its opener, so one broken element does not swallow the next ones.
    std::string& open = m_open;
    open.clear();
    m_tooDeep = false;
    m_tooLarge = false;
    m_extraDepth = 0;
    bool inString = false, escape = false;
    bool scalar = (c != '{' && c != '[');
    bool scalarString = scalar && c == '"';
    while (true) {
        if (!fill()) {
            m_state = State::Done;
            m_error = m_where + ": the file ends inside element #" + std::to_string(m_index + 1) + " which starts at offset " +
                      std::to_string(m_elemStart) + " (truncated?)";
            text.clear();
            return Result::Error;
        }
        const char* b = m_buf.data();
        size_t i = m_pos;
        bool done = false;
        for (; i < m_len; ++i) {
            char ch = b[i];
            if (inString) {
                if (escape) escape = false;
                else if (ch == '\\') escape = true;
                else if (ch == '"') {
                    inString = false;
                    if (scalarString) {
                        ++i;
                        done = true;
                        break;
                    }
                }
                continue;
            }
            if (ch == '"') inString = true;
            else if (ch == '{' || ch == '[') {
                if (open.size() < kMaxDepth) {
                    open.push_back(ch);
                } else {
                    m_tooDeep = true;  // never parsed; only counted, so memory stays bounded
                    ++m_extraDepth;
                }
            }
            else if (ch == '}' || ch == ']') {
                if (scalar) {  // a bare number/literal ends at the array's ']'
                    done = true;
                    break;
                }
                if (m_extraDepth) {
                    --m_extraDepth;
                    continue;
                }
                const char opener = ch == '}' ? '{' : '[';
                auto at = open.find_last_of(opener);
                if (at == std::string::npos) continue;  // a stray closer: the parser will report it
                open.resize(at);
                if (open.empty()) {
                    ++i;
                    done = true;
                    break;
                }
            } else if (scalar && !scalarString && (ch == ',' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')) {
                done = true;
                break;
            }
        }
        if (!m_tooLarge) {
            const size_t n = i - m_pos;
            if (text.size() + n <= m_maxElement) {
                // Grow to powers of two, never past the bound: append and reserve on a string would
                // double its capacity past it (libstdc++ grows to at least twice the old capacity),
                // so a fresh string of exactly the size wanted takes the bytes. At most the bound is
                // held, plus half of it while the last copy is made.
                if (text.size() + n > text.capacity()) {
                    size_t cap = size_t{1} << 16;
                    while (cap < text.size() + n) cap <<= 1;
                    std::string grown;
                    grown.reserve(std::min(m_maxElement, cap));
                    grown.append(text);
                    text.swap(grown);
                }
                text.append(b + m_pos, n);
            } else {
                m_tooLarge = true;  // read past the rest of it, keeping nothing
                std::string().swap(text);
            }
        }
        m_pos = i;
        if (done) break;
    }
    if (!m_tooLarge) m_repairs += repairUtf8(text);
    if (m_single) {
        m_state = State::Done;
        readTrailing();
    } else {
        m_state = State::AfterElement;
    }
    return Result::Element;
}

} // namespace pv::capture
