// TextCarrier: every stored text survives the round trip through a 16-bit ImWchar widget buffer.
#include "ui/TextCarrier.hpp"

#include <doctest/doctest.h>

using namespace pv::ui;

namespace {
// What Debian's ImGui (16-bit ImWchar) can hold: no code point above U+FFFF.
bool fitsSixteenBits(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const size_t at = i;
        const char32_t c = carry::decodeUtf8(s, i);
        if (i == at || c > 0xFFFF) return false;
    }
    return true;
}
const std::string kHoldAll = "Rocket 🚀, 👩‍💻, 𝑥², 𠀋, \xEE\x80\x80 (U+E000), \xEF\xA3\xBF (U+F8FF), שלום, مرحبا, 日本語, देवनागरी, e\xCC\x81 combining";
} // namespace

TEST_CASE("the widget form holds only 16-bit code points and maps back byte for byte") {
    auto w = carry::toWidget(kHoldAll);
    CHECK(w.refusal == carry::Refusal::None);
    CHECK(fitsSixteenBits(w.text));
    CHECK(w.text != kHoldAll);
    CHECK(carry::fromWidget(w.text) == kHoldAll);
    // The same character always gets the same stand-in.
    CHECK(carry::toWidget(kHoldAll).text == w.text);
    CHECK(carry::needsCarrying(kHoldAll));
    CHECK(!carry::needsCarrying("plain ASCII, naïve café, Ελληνικά, 日本語"));
}

TEST_CASE("a private-use character in the text is carried too, so it is never mistaken for a stand-in") {
    // U+F8FF is where stand-ins start: the text's own U+F8FF must come back as itself.
    const std::string text = "\xEF\xA3\xBF logo and 🚀";
    auto w = carry::toWidget(text);
    CHECK(carry::fromWidget(w.text) == text);
    // A private-use character typed into the field that is no stand-in stays itself.
    const auto used = carry::standInCount();
    const char32_t untouched = carry::kStandInFirst + 5;
    REQUIRE(used < size_t(carry::kStandInLast - untouched));
    std::string typed = w.text;
    carry::appendUtf8(typed, untouched);
    CHECK(carry::fromWidget(typed) == text + "\xEE\x80\x85");
}

TEST_CASE("edits in the widget form keep every character the person did not touch") {
    auto w = carry::toWidget(kHoldAll);
    std::string edited = w.text + "!";  // typed at the end
    CHECK(carry::fromWidget(edited) == kHoldAll + "!");
    edited = "Start: " + w.text;
    CHECK(carry::fromWidget(edited) == "Start: " + kHoldAll);
    // A typed astral character arrives as its stand-in.
    auto standIn = carry::standInFor(0x1F600);
    REQUIRE(standIn);
    CHECK(*standIn <= 0xFFFF);
    std::string withTyped = w.text;
    carry::appendUtf8(withTyped, *standIn);
    CHECK(carry::fromWidget(withTyped) == kHoldAll + "😀");
    CHECK(carry::carriedBy(*standIn) == 0x1F600);
    CHECK(*carry::standInFor('a') == 'a');
}

TEST_CASE("texts a widget cannot carry are refused, not rewritten") {
    const std::string nul = std::string("before") + '\0' + "after";
    CHECK(carry::toWidget(nul).refusal == carry::Refusal::NulByte);
    CHECK(carry::toWidget(nul).text == nul);
    const std::string bad = "cut \xE2\x82 short";
    CHECK(carry::toWidget(bad).refusal == carry::Refusal::InvalidUtf8);
    CHECK(carry::toWidget("\xED\xA0\x80").refusal == carry::Refusal::InvalidUtf8);  // an encoded surrogate
    CHECK(carry::toWidget("\xC0\x80").refusal == carry::Refusal::InvalidUtf8);      // overlong
    CHECK(carry::needsCarrying(nul));
    CHECK(carry::needsCarrying(bad));
    CHECK(std::string(carry::describe(carry::Refusal::NulByte)).find("read-only") != std::string::npos);
}

TEST_CASE("a 50 KB text of mixed scripts round-trips") {
    std::string big;
    while (big.size() < 50000) big += kHoldAll + "\n";
    auto w = carry::toWidget(big);
    CHECK(w.refusal == carry::Refusal::None);
    CHECK(fitsSixteenBits(w.text));
    CHECK(carry::fromWidget(w.text) == big);
}
