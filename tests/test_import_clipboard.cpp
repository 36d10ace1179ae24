// Clipboard capture: where the prompt ends and the answer begins when both were copied together.
#include "capture/Clipboard.hpp"

#include <doctest/doctest.h>

using namespace pv::capture;

TEST_CASE("ChatGPT web copy: 'You said:' / 'ChatGPT said:' labels") {
    std::string t = "You said:\nWhat is a monad?\n\nChatGPT said:\nA monad is a design pattern.\n\nIt has bind and return.\n";
    auto s = guessSplit(t);
    CHECK(s.prompt == "What is a monad?");
    CHECK(s.answer == "A monad is a design pattern.\n\nIt has bind and return.");
    CHECK(s.confidence >= 0.9);
    CHECK(s.modelHint == "ChatGPT");
    CHECK(t.substr(s.answerBegin).rfind("A monad", 0) == 0);
    CHECK(t.substr(0, s.promptEnd).find("What is a monad?") != std::string::npos);
    CHECK(s.promptEnd <= s.answerBegin);
}

TEST_CASE("labels with text on the same line, Markdown headings and bold labels") {
    auto a = guessSplit("User: Translate 'cat' to French\nAssistant: « chat »");
    CHECK(a.prompt == "Translate 'cat' to French");
    CHECK(a.answer == "« chat »");
    CHECK(a.confidence >= 0.9);
    CHECK(a.modelHint.empty());

    auto b = guessSplit("### User\nSummarise this.\n\n### Assistant\nSummary.");
    CHECK(b.prompt == "Summarise this.");
    CHECK(b.answer == "Summary.");

    auto c = guessSplit("**Human:** Explain Ünïcödé\n\n**Claude:** Unicode is a standard.");
    CHECK(c.prompt == "Explain Ünïcödé");
    CHECK(c.answer == "Unicode is a standard.");
    CHECK(c.modelHint == "Claude");

    auto d = guessSplit("Q: two plus two?\nA: four");
    CHECK(d.prompt == "two plus two?");
    CHECK(d.answer == "four");
}

TEST_CASE("only an assistant label: everything before it is the prompt") {
    auto s = guessSplit("Write a haiku about rain\n\nClaude said:\nSoft rain on the roof");
    CHECK(s.prompt == "Write a haiku about rain");
    CHECK(s.answer == "Soft rain on the roof");
    CHECK(s.confidence >= 0.85);
    CHECK(s.confidence < 0.95);
}

TEST_CASE("a label word inside a sentence is not a label; an answer label with no prompt is skipped") {
    auto s = guessSplit("A good answer: here it is\nand more text");
    CHECK(s.confidence < 0.5);
    auto t = guessSplit("Assistant: just an answer with no prompt");
    CHECK(t.confidence == 0);
    CHECK(t.answer == "Assistant: just an answer with no prompt");
}

TEST_CASE("separator line, question paragraph, short first paragraph, nothing") {
    auto sep = guessSplit("Refactor this function\n---\nHere is the refactored version.");
    CHECK(sep.prompt == "Refactor this function");
    CHECK(sep.answer == "Here is the refactored version.");
    CHECK(sep.confidence == doctest::Approx(0.6));

    auto q = guessSplit("Why is the sky blue?\n\nRayleigh scattering makes short wavelengths scatter more.");
    CHECK(q.prompt == "Why is the sky blue?");
    CHECK(q.answer == "Rayleigh scattering makes short wavelengths scatter more.");
    CHECK(q.confidence == doctest::Approx(0.5));

    auto weak = guessSplit("Make it shorter\n\nThis is a much longer answer text that goes on and on for a while, well past the prompt.");
    CHECK(weak.prompt == "Make it shorter");
    CHECK(weak.confidence < 0.3);
    CHECK(weak.confidence > 0);

    auto none = guessSplit("Just one block of answer text without any structure.");
    CHECK(none.confidence == 0);
    CHECK(none.prompt.empty());
    CHECK(none.answer == "Just one block of answer text without any structure.");
    CHECK(none.promptEnd == 0);
    CHECK(none.answerBegin == 0);

    auto empty = guessSplit("");
    CHECK(empty.confidence == 0);
    CHECK(empty.answer.empty());
}

TEST_CASE("splitAt: a split chosen by hand, kept on a UTF-8 boundary, labels removed") {
    std::string t = "Prompt: héllo\nAnswer: wörld";
    auto s = splitAt(t, t.find("Answer"));
    CHECK(s.prompt == "héllo");
    CHECK(s.answer == "wörld");
    CHECK(s.confidence == 1.0);
    // An offset inside the two bytes of 'é' moves back to the character's start.
    std::string u = "aé b";
    auto m = splitAt(u, 2);
    CHECK(m.prompt == "a");
    CHECK(m.answer == "é b");
    auto end = splitAt(u, 999);
    CHECK(end.prompt == "aé b");
    CHECK(end.answer.empty());
}
