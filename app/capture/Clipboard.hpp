// Clipboard capture: when a prompt and its answer were copied together, guess where the prompt
// ends and the answer begins. The app shows the guess and lets the person move the split.
#pragma once
#include <string>
#include <string_view>

namespace pv::capture {

struct ClipboardSplit {
    // text[0, promptEnd) is the prompt, text[answerBegin, size) the answer; both trimmed of
    // the speaker labels and blank lines that separated them. promptEnd <= answerBegin.
    // No split found: promptEnd = answerBegin = 0 (all answer) and confidence 0.
    size_t promptEnd = 0;
    size_t answerBegin = 0;
    double confidence = 0;  // 0..1: 0.9+ explicit speaker labels, ~0.5 a question line, <0.3 weak
    std::string reason;     // why, for the UI: "\"ChatGPT said:\" label at line 3"
    std::string prompt;     // the two parts, labels removed, trimmed
    std::string answer;
    std::string modelHint;  // "ChatGPT" / "Claude" when a label names the assistant, else empty
};

ClipboardSplit guessSplit(std::string_view text);

// The same two parts for a split the person chose (offset in bytes, moved back to a UTF-8
// boundary when it falls inside a character).
ClipboardSplit splitAt(std::string_view text, size_t offset);

} // namespace pv::capture
