// libFuzzer target: the clipboard prompt/answer splitter. Offsets must stay inside the text.
#include "capture/Clipboard.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto s = pv::capture::guessSplit(text);
    if (s.promptEnd > s.answerBegin || s.answerBegin > text.size() || s.confidence < 0 || s.confidence > 1) std::abort();
    auto m = pv::capture::splitAt(text, size / 2);
    if (m.promptEnd > m.answerBegin || m.answerBegin > text.size()) std::abort();
    return 0;
}
