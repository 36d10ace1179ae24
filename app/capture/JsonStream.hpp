// Streams the elements of a top-level JSON array one at a time, so a 1 GB conversations.json is
// never held whole: only the current element's bytes (one conversation) are in memory. Invalid
// UTF-8 is repaired with U+FFFD before parsing, and counted.
#pragma once
#include "ExportFiles.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace pv::capture {

// Replaces every invalid UTF-8 sequence with U+FFFD; returns how many were replaced.
size_t repairUtf8(std::string& s);
// Replaces JSON \uD800-\uDFFF escapes that are not a valid pair with \uFFFD; returns how many.
size_t repairSurrogateEscapes(std::string& s);

// Replaces JSON \u0000 escapes (a NUL character) inside strings with \uFFFD; returns how many.
size_t repairNulEscapes(std::string& s);

// Parses one element's text; replaces \u0000 escapes (counted in repairs); repairs lone surrogate escapes when that is the only problem.
// Returns false with a message (the parser's, with the byte offset) when it is not JSON.
bool parseElement(std::string& text, nlohmann::json& out, std::string& error, size_t& repairs);

// The most bytes of JSON one element (one conversation) may have. A larger one is skipped without
// being held (its bytes are read past, not kept), so memory stays bounded whatever the input.
constexpr size_t kMaxElementBytes = 256u << 20;
// Nesting deeper than this is not a conversation; only this many open brackets are remembered.
constexpr size_t kMaxElementDepth = 256;

class ArrayReader {
public:
    // `where` names the file in messages.
    ArrayReader(ByteSource& src, std::string where, size_t maxElementBytes = kMaxElementBytes);

    enum class Result { Element, End, Error };
    // The next element's bytes in `text` (UTF-8 repaired; repairs counted in utf8Repairs()).
    // End: the array closed. Error: see error(); elements read before it are still good.
    Result next(std::string& text);

    const std::string& error() const { return m_error; }
    uint64_t bytesRead() const { return m_offset; }
    uint64_t elementStart() const { return m_elemStart; }  // byte offset of the last element
    int64_t elementIndex() const { return m_index; }        // 0-based index of the last element
    size_t utf8Repairs() const { return m_repairs; }
    // True when the top level was a single object instead of an array (returned as one element).
    bool singleObject() const { return m_single; }
    // The last element nests deeper than 256 levels: not a conversation, never parsed.
    bool tooDeep() const { return m_tooDeep; }
    // The last element was larger than maxElementBytes: `text` is empty, the element was read past.
    bool tooLarge() const { return m_tooLarge; }
    size_t maxElementBytes() const { return m_maxElement; }
    // After End: bytes other than white space found after the array (or the single object) closed,
    // and the offset of the first; the rest of the file is read to its end (which also makes a zip
    // entry's CRC be checked).
    uint64_t trailingBytes() const { return m_trailing; }
    uint64_t trailingOffset() const { return m_trailingAt; }

private:
    bool fill();
    int peekByte();

    ByteSource& m_src;
    std::string m_where;
    std::string m_buf;
    size_t m_pos = 0, m_len = 0;
    uint64_t m_offset = 0;  // bytes consumed before m_buf[m_pos]
    uint64_t m_elemStart = 0;
    int64_t m_index = -1;
    size_t m_repairs = 0;
    enum class State { Start, BeforeElement, AfterElement, Done } m_state = State::Start;
    bool m_single = false;
    std::string m_error;
    std::string m_open;
    bool m_tooDeep = false;  // the brackets open in the current element
    size_t m_extraDepth = 0;  // brackets open beyond kMaxElementDepth (not remembered one by one)
    size_t m_maxElement;
    bool m_tooLarge = false;
    uint64_t m_trailing = 0, m_trailingAt = 0;
    void readTrailing();
};

} // namespace pv::capture
