// Carries every character through Debian's Dear ImGui, whose ImWchar is 16 bits: its text widgets
// turn each code point above U+FFFF into U+FFFD as soon as a field takes focus, and its renderer
// draws them as U+FFFD. The widgets therefore never see such a code point: each one (and each
// private-use code point found in real text, which would otherwise be ambiguous) is given a
// private-use stand-in from U+F8FF downwards, once per process, and every write maps the stand-ins
// back. No ImGui here: the mapping is plain text work, shared by every widget and the font atlas.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pv::ui::carry {

inline constexpr char32_t kStandInFirst = 0xE000;  // the BMP private-use area
inline constexpr char32_t kStandInLast = 0xF8FF;

// Why a text cannot go through a widget unchanged (it is then shown read-only with this note).
enum class Refusal { None, InvalidUtf8, NulByte, NoStandInLeft };
const char* describe(Refusal r);

struct WidgetText {
    std::string text;  // what the widget gets
    Refusal refusal = Refusal::None;
};

// True when `utf8` holds a code point a widget would alter (astral or private use), a NUL byte or
// invalid UTF-8: the cheap test before `toWidget`.
bool needsCarrying(std::string_view utf8);
// The widget form of a stored text. On refusal, `text` is the stored text unchanged.
WidgetText toWidget(std::string_view utf8);
// The stored form of a widget's text: stand-ins become their characters again; a private-use
// character that is no stand-in (typed by the person) stays itself.
std::string fromWidget(std::string_view widgetUtf8);

// The stand-in for one character (a typed or pasted astral character); nullopt when none is left.
std::optional<char32_t> standInFor(char32_t original);
// The character a stand-in carries, or 0 when `c` carries none.
char32_t carriedBy(char32_t c);
// Stand-ins given out so far, oldest first: (stand-in, character). The font atlas draws each
// stand-in as its character.
size_t standInCount();
std::vector<std::pair<char32_t, char32_t>> standIns();

// UTF-8 helpers shared with the display path.
// Decodes one code point at `i` (advancing it); returns 0xFFFFFFFF on invalid input.
char32_t decodeUtf8(std::string_view s, size_t& i);
void appendUtf8(std::string& out, char32_t c);

} // namespace pv::ui::carry
