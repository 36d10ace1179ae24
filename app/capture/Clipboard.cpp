#include "Clipboard.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace pv::capture {

namespace {

struct Line {
    size_t begin, end;  // [begin, end) without the newline
};

std::vector<Line> linesOf(std::string_view t) {
    std::vector<Line> out;
    size_t b = 0;
    while (b <= t.size()) {
        size_t e = t.find('\n', b);
        if (e == std::string_view::npos) e = t.size();
        size_t ee = e;
        if (ee > b && t[ee - 1] == '\r') --ee;
        out.push_back({b, ee});
        if (e == t.size()) break;
        b = e + 1;
    }
    return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

struct Label {
    const char* text;  // lower case, without the trailing colon
    bool assistant;
    const char* hint;  // model hint for assistant labels
};
// Labels people get when copying a chat: the ChatGPT and Claude web apps, chat logs, notes.
constexpr std::array<Label, 22> kLabels{{
    {"you said", false, ""},     {"you", false, ""},          {"user", false, ""},        {"human", false, ""},
    {"me", false, ""},           {"prompt", false, ""},       {"question", false, ""},    {"q", false, ""},
    {"chatgpt said", true, "ChatGPT"}, {"chatgpt", true, "ChatGPT"}, {"claude said", true, "Claude"}, {"claude", true, "Claude"},
    {"assistant", true, ""},     {"ai", true, ""},            {"answer", true, ""},       {"response", true, ""},
    {"a", true, ""},             {"model", true, ""},         {"gemini", true, "Gemini"}, {"copilot", true, "Copilot"},
    {"bot", true, ""},           {"output", true, ""},
}};

// A speaker label at the start of the line: "Assistant:", "**Assistant:**", "### Assistant", "ChatGPT said:".
// Returns the label and the offset (within the line) where the text after it begins.
const Label* labelAt(std::string_view line, size_t& after) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    bool heading = false;
    while (i < line.size() && line[i] == '#') ++i, heading = true;
    while (i < line.size() && line[i] == ' ') ++i;
    size_t stars = 0;
    while (i < line.size() && (line[i] == '*' || line[i] == '_')) ++i, ++stars;
    std::string rest = lower(line.substr(i));
    for (const auto& l : kLabels) {
        size_t n = std::char_traits<char>::length(l.text);
        if (rest.compare(0, n, l.text) != 0) continue;
        size_t j = n;
        while (j < rest.size() && (rest[j] == '*' || rest[j] == '_')) ++j;
        bool colon = j < rest.size() && rest[j] == ':';
        if (colon) ++j;
        while (j < rest.size() && (rest[j] == '*' || rest[j] == '_')) ++j;
        bool lineEnds = trim(rest.substr(j)).empty();
        // Without a colon only a heading ("### Assistant") or a bold label alone on its line counts,
        // and never the short ones ("a", "q", "me", "ai"): they are ordinary words.
        if (!colon && !(n > 2 && lineEnds && (heading || stars > 0))) continue;
        after = i + j;
        while (after < line.size() && line[after] == ' ') ++after;
        return &l;
    }
    return nullptr;
}

size_t skipSpaceForward(std::string_view t, size_t i) {
    while (i < t.size() && isSpace(t[i])) ++i;
    return i;
}
size_t skipSpaceBack(std::string_view t, size_t i) {
    while (i > 0 && isSpace(t[i - 1])) --i;
    return i;
}

ClipboardSplit make(std::string_view t, size_t promptBegin, size_t promptEnd, size_t answerBegin, double confidence, std::string reason) {
    ClipboardSplit s;
    promptEnd = skipSpaceBack(t, promptEnd);
    answerBegin = skipSpaceForward(t, answerBegin);
    if (promptEnd < promptBegin) promptEnd = promptBegin;
    s.promptEnd = promptEnd;
    s.answerBegin = std::max(answerBegin, promptEnd);
    s.confidence = confidence;
    s.reason = std::move(reason);
    s.prompt = trim(t.substr(promptBegin, promptEnd - promptBegin));
    s.answer = trim(t.substr(s.answerBegin));
    return s;
}

} // namespace

ClipboardSplit guessSplit(std::string_view t) {
    auto lines = linesOf(t);
    // 1. Speaker labels: the first assistant label after some prompt text.
    std::optional<size_t> promptBegin;
    bool userLabel = false;
    for (size_t li = 0; li < lines.size(); ++li) {
        std::string_view line = t.substr(lines[li].begin, lines[li].end - lines[li].begin);
        size_t after = 0;
        const Label* l = labelAt(line, after);
        if (!l) continue;
        if (!l->assistant) {
            if (!promptBegin) {
                promptBegin = lines[li].begin + after;
                userLabel = true;
            }
            continue;
        }
        size_t pb = promptBegin.value_or(0);
        if (trim(t.substr(pb, lines[li].begin - std::min(pb, lines[li].begin))).empty()) continue;  // no prompt before it
        auto s = make(t, pb, lines[li].begin, lines[li].begin + after, userLabel ? 0.95 : 0.9,
                      "\"" + trim(line.substr(0, after)) + "\" label at line " + std::to_string(li + 1));
        s.modelHint = l->hint;
        return s;
    }
    // 2. A separator line between two parts.
    for (size_t li = 1; li + 1 < lines.size(); ++li) {
        std::string v = trim(t.substr(lines[li].begin, lines[li].end - lines[li].begin));
        if (v.size() >= 3 && (v.find_first_not_of('-') == std::string::npos || v.find_first_not_of('=') == std::string::npos ||
                              v.find_first_not_of('*') == std::string::npos || v.find_first_not_of('_') == std::string::npos)) {
            if (trim(t.substr(0, lines[li].begin)).empty() || trim(t.substr(lines[li].end)).empty()) continue;
            return make(t, 0, lines[li].begin, lines[li].end, 0.6, "separator line \"" + v + "\" at line " + std::to_string(li + 1));
        }
    }
    // 3. The first paragraph that ends in a question mark, then a blank line.
    // 4. Otherwise a short first paragraph before a longer rest.
    for (size_t li = 0; li + 1 < lines.size(); ++li) {
        std::string cur = trim(t.substr(lines[li].begin, lines[li].end - lines[li].begin));
        std::string nxt = trim(t.substr(lines[li + 1].begin, lines[li + 1].end - lines[li + 1].begin));
        if (cur.empty() || !nxt.empty()) continue;
        std::string before = trim(t.substr(0, lines[li].end));
        std::string after = trim(t.substr(lines[li + 1].end));
        if (after.empty()) break;
        if (cur.back() == '?')
            return make(t, 0, lines[li].end, lines[li + 1].end, 0.5, "question ending at line " + std::to_string(li + 1));
        if (before.size() <= 600 && after.size() >= 2 * before.size())
            return make(t, 0, lines[li].end, lines[li + 1].end, 0.25,
                        "short first paragraph before a longer text (line " + std::to_string(li + 1) + ")");
        break;
    }
    ClipboardSplit s;
    s.reason = "no prompt found: all of it is the answer";
    s.answer = trim(t);
    return s;
}

ClipboardSplit splitAt(std::string_view t, size_t offset) {
    offset = std::min(offset, t.size());
    while (offset > 0 && offset < t.size() && (static_cast<unsigned char>(t[offset]) & 0xC0) == 0x80) --offset;
    size_t promptBegin = 0, answerBegin = offset;
    size_t after = 0;
    auto firstLineEnd = t.find('\n');
    if (const Label* l = labelAt(t.substr(0, firstLineEnd), after); l && !l->assistant && after <= offset) promptBegin = after;
    size_t a = skipSpaceForward(t, offset);
    auto lineEnd = t.find('\n', a);
    std::string_view answerLine = t.substr(a, lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - a);
    const Label* al = labelAt(answerLine, after);
    if (al && al->assistant) answerBegin = a + after;
    auto s = make(t, promptBegin, offset, answerBegin, 1.0, "split chosen by hand");
    if (al && al->assistant) s.modelHint = al->hint;
    return s;
}

} // namespace pv::capture
