#include "UiLogic.hpp"

#include "Store.hpp"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace pv::ui {

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::vector<PickerEntry> pickerEntries(const std::string& query, const std::vector<Choice>& matches, const std::string& noun,
                                       bool allowCreate, const std::string& excludeId) {
    std::vector<PickerEntry> out;
    const std::string q = trim(query);
    bool exact = false;
    for (const auto& m : matches) {
        if (equalsIgnoreCase(trim(m.label), q)) exact = true;
        if (!excludeId.empty() && m.id == excludeId) continue;
        out.push_back({PickerEntry::Kind::Existing, m.id, m.label, m.label});
    }
    if (allowCreate && !q.empty() && !exact) out.push_back({PickerEntry::Kind::Create, "", "+ New " + noun + " '" + q + "'", q});
    return out;
}

int moveHighlight(int current, int delta, int count) {
    if (count <= 0) return -1;
    if (current < 0) return delta > 0 ? 0 : count - 1;
    return ((current + delta) % count + count) % count;
}

std::vector<std::string> splitWords(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = i;
        // A leading whitespace run (only at the very start) is its own token.
        if (std::isspace(static_cast<unsigned char>(s[j]))) {
            while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        } else {
            while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
            while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        }
        out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::vector<DiffSpan> wordDiff(const std::string& a, const std::string& b) {
    auto wa = splitWords(a), wb = splitWords(b);
    dtl::Diff<std::string, std::vector<std::string>> d(wa, wb);
    d.compose();
    std::vector<DiffSpan> out;
    for (const auto& [word, info] : d.getSes().getSequence()) {
        DiffSpan::Op op = info.type == dtl::SES_ADD ? DiffSpan::Op::Insert : info.type == dtl::SES_DELETE ? DiffSpan::Op::Delete : DiffSpan::Op::Same;
        if (!out.empty() && out.back().op == op) out.back().text += word;
        else out.push_back({op, word});
    }
    return out;
}

DiffStats diffStats(const std::vector<DiffSpan>& spans) {
    DiffStats s;
    for (const auto& sp : spans) {
        int64_t words = static_cast<int64_t>(splitWords(sp.text).size());
        if (sp.op == DiffSpan::Op::Insert) s.inserted += words;
        if (sp.op == DiffSpan::Op::Delete) s.deleted += words;
    }
    return s;
}

std::string qaProgressLabel(int64_t done, int64_t total) {
    if (total <= 0) return "—";
    return std::to_string(std::min(done, total)) + "/" + std::to_string(total);
}

float qaProgressFraction(int64_t done, int64_t total) {
    if (total <= 0) return 0.0f;
    return std::clamp(static_cast<float>(done) / static_cast<float>(total), 0.0f, 1.0f);
}

std::string shortTime(const std::string& iso) {
    if (iso.size() < 16) return iso;
    std::string s = iso.substr(0, 16);
    if (s[10] == 'T') s[10] = ' ';
    return s;
}

std::string hlcTime(const std::string& hlc) {
    const size_t dot = hlc.find('.');
    if (dot == 0 || dot == std::string::npos || hlc.find_first_not_of("0123456789") != dot || dot > 18) return hlc;
    const std::time_t secs = static_cast<std::time_t>(std::stoll(hlc.substr(0, dot)) / 1000);
    std::tm tm{};
    if (!gmtime_r(&secs, &tm)) return hlc;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string ratingStars(std::optional<int64_t> rating) {
    if (!rating) return "";
    std::string s;
    for (int i = 1; i <= 5; ++i) s += i <= *rating ? "★" : "☆";
    return s;
}

std::string firstLine(const std::string& s, size_t maxBytes) { return previewText(s, maxBytes); }

std::optional<std::string> parseDate(const std::string& in) {
    std::string s = trim(in);
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return s;
}

} // namespace pv::ui
