// Soft word wrap in the multi-line fields (issue 13 item 4): the pure layout and offset mapping
// (SoftWrap), then the real editors driven in the headless harness. What is stored, copied and
// compared must never hold a soft break.
#include "ui/App.hpp"
#include "ui/OutputEditor.hpp"
#include "ui/SoftWrap.hpp"
#include "ui/TextCarrier.hpp"
#include "ui/ViewOptions.hpp"
#include "ui/Widgets.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"
#include "UiHarness.hpp"

#include <doctest/doctest.h>

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace pv;
using namespace pv::ui;
using pv::test::TempDir;

namespace {

// Every character 10 px wide, CJK-ish ones (>= U+3000) 20 px: layouts are easy to reason about.
float fixedAdvance(char32_t c) { return c >= 0x3000 ? 20.0f : 10.0f; }

SoftWrap wrapAt(std::string_view text, float width, float hang = 0) {
    SoftWrap w(fixedAdvance);
    w.setWidth(width, hang);
    w.setText(text);
    return w;
}

// The layout invariant: the buffer is the logical text plus '\n' at the soft offsets, and every
// visual line fits (blanks may hang), unless it is one character wider than the line.
void checkLayout(const SoftWrap& w, float width, float hang) {
    const std::string logical = w.logical();
    std::string rebuilt = logical;
    for (int o : w.softs()) rebuilt.insert(size_t(o), "\n");
    REQUIRE(rebuilt == w.buffer());
    const std::string& b = w.buffer();
    float x = 0, xInk = 0;
    int chars = 0;
    for (size_t i = 0; i < b.size();) {
        const char32_t c = carry::decodeUtf8(b, i);
        if (c == '\n') {
            CHECK((xInk <= width || chars <= 1));
            CHECK((x <= width + hang || chars <= 1));
            x = xInk = 0;
            chars = 0;
            continue;
        }
        x += fixedAdvance(c);
        if (c != ' ') xInk = x;
        ++chars;
    }
}

struct VaultDir {
    TempDir dir;
};
class Harness : private VaultDir, public pv::test::UiHarness {
public:
    explicit Harness(ImVec2 display = ImVec2(1440, 900)) : UiHarness(dir.file("v.db"), nullptr, display) {}
    using VaultDir::dir;
};

// A long single paragraph of words, deterministic.
std::string paragraph(size_t chars) {
    static const char* words[] = {"the", "answer", "converges", "because", "every", "replica", "merges", "state", "monotonically,",
                                  "so", "order", "does", "not", "matter;", "idempotent", "commutative", "associative", "joins."};
    std::string out;
    for (size_t i = 0; out.size() < chars; ++i) {
        if (!out.empty()) out += ' ';
        out += words[(i * 7 + i / 3) % (sizeof(words) / sizeof(words[0]))];
    }
    out.resize(chars);
    if (out.back() == ' ') out.back() = 'x';
    return out;
}

ImGuiInputTextState* activeState() { return ImGui::GetInputTextState(ImGui::GetActiveID()); }

// The active field's buffer as ImGui holds it (UTF-8 of its 16-bit buffer).
std::string activeBuffer() {
    ImGuiInputTextState* st = activeState();
    REQUIRE(st);
    std::string out;
    for (int k = 0; k < st->CurLenW; ++k) carry::appendUtf8(out, st->TextW[k]);
    return out;
}
// Indexes (in ImGui's 16-bit units) of the '\n' in the active buffer.
std::vector<int> activeNewlines() {
    ImGuiInputTextState* st = activeState();
    REQUIRE(st);
    std::vector<int> out;
    for (int k = 0; k < st->CurLenW; ++k)
        if (st->TextW[k] == '\n') out.push_back(k);
    return out;
}
void placeCursor(int at) {
    ImGuiInputTextState* st = activeState();
    REQUIRE(st);
    st->Stb.cursor = st->Stb.select_start = st->Stb.select_end = at;
}
void select(int from, int to) {
    ImGuiInputTextState* st = activeState();
    REQUIRE(st);
    st->Stb.select_start = from;
    st->Stb.select_end = st->Stb.cursor = to;
}
// Ctrl (+Shift) + a key as ImGui's own text fields read it (io.KeyMap), unlike UiHarness::ctrl,
// which presses the letter's ASCII code for the app's shortcuts.
void ctrlKey(Harness& h, ImGuiKey key, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    io.KeyShift = shift;
    io.KeysDown[pv::test::UiHarness::kKeyBase + key] = true;
    h.frame();
    io.KeysDown[pv::test::UiHarness::kKeyBase + key] = false;
    io.KeyCtrl = io.KeyShift = false;
    h.frame();
}
std::string withoutNewlines(std::string s) {
    std::erase(s, '\n');
    return s;
}
// Widest visual line of the active buffer in the current font of the editor (mono).
float widestLine(const Harness& h) {
    ImFont* font = h.fonts.mono;
    float widest = 0;
    const std::string buf = activeBuffer();
    size_t from = 0;
    while (from <= buf.size()) {
        size_t to = buf.find('\n', from);
        if (to == std::string::npos) to = buf.size();
        // Trailing blanks draw nothing: only the ink has to fit.
        size_t ink = to;
        while (ink > from && buf[ink - 1] == ' ') --ink;
        widest = std::max(widest, font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, buf.data() + from, buf.data() + ink).x);
        from = to + 1;
    }
    return widest;
}
float textWidthOf(const std::string& key) {
    auto r = testhook::rect(key);
    REQUIRE(r);
    const ImGuiStyle& st = ImGui::GetStyle();
    return r->GetWidth() - st.FramePadding.x * 2 - st.ScrollbarSize;
}

Output openLongOutput(Harness& h, const std::string& text) {
    Output o;
    o.output = text;
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.settle();
    return o;
}

} // namespace

// ---- SoftWrap: layout ------------------------------------------------------------------------

TEST_CASE("wrapPoints: words move down whole, blanks hang, a word longer than a line is cut") {
    // "aaa bbb ccc": 70 px holds "aaa bbb"; the blank after it hangs; "ccc" goes down.
    CHECK(SoftWrap::wrapPoints("aaa bbb ccc", 70, 10, fixedAdvance) == std::vector<int>{8});
    // Without room to hang, the blank itself starts the next line.
    CHECK(SoftWrap::wrapPoints("aaa bbb ccc", 70, 0, fixedAdvance) == std::vector<int>{7});
    CHECK(SoftWrap::wrapPoints("abcdefghij", 35, 0, fixedAdvance) == std::vector<int>{3, 6, 9});
    // Hard line breaks start over.
    CHECK(SoftWrap::wrapPoints("aaa\nbbb ccc", 70, 10, fixedAdvance).empty());
    CHECK(SoftWrap::wrapPoints("aaaa bbbb\naaaa bbbb", 60, 10, fixedAdvance) == std::vector<int>{5, 15});
    // CJK (20 px each, no blanks): cut between characters, never inside one.
    CHECK(SoftWrap::wrapPoints("日本語日本語", 45, 0, fixedAdvance) == std::vector<int>{6, 12});
    CHECK(SoftWrap::wrapPoints("", 50, 0, fixedAdvance).empty());
    CHECK(SoftWrap::wrapPoints("short", 500, 0, fixedAdvance).empty());
}

TEST_CASE("buffer, soft offsets and offset mapping") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd", 70, 10);
    CHECK(w.buffer() == "aaa bbb \nccc ddd");
    CHECK(w.softs() == std::vector<int>{8});
    CHECK(w.logical() == "aaa bbb ccc ddd");
    CHECK(w.toLogical(8) == 8);   // before the break
    CHECK(w.toLogical(9) == 8);   // after it: the same logical place
    CHECK(w.toLogical(12) == 11);
    CHECK(w.toBuffer(8, false) == 8);
    CHECK(w.toBuffer(8, true) == 9);
    CHECK(w.toBuffer(11) == 12);
    CHECK(SoftWrap::strip(w.buffer(), w.softs(), 4, 12) == "bbb ccc");
    checkLayout(w, 70, 10);
}

TEST_CASE("width changes re-wrap; the logical text never changes") {
    const std::string text = "one two three four five six seven eight nine ten";
    SoftWrap w = wrapAt(text, 100, 10);
    const auto narrow = w.buffer();
    CHECK(w.setWidth(200, 10));
    CHECK(w.logical() == text);
    CHECK(w.buffer() != narrow);
    checkLayout(w, 200, 10);
    CHECK(!w.setWidth(200, 10));
    CHECK(w.setWidth(1000, 10));
    CHECK(w.buffer() == text);
}

// ---- SoftWrap: edits ---------------------------------------------------------------------------

TEST_CASE("typing in the middle of a wrapped line keeps the cursor after what was typed") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd", 70, 10);  // "aaa bbb \nccc ddd"
    std::string now = w.buffer();
    now.insert(5, "X");                               // "aaa bXbb \nccc ddd", cursor 6
    auto c = w.edited(now, {6, 6, 6});
    CHECK(w.logical() == "aaa bXbb ccc ddd");
    CHECK(w.toLogical(c.pos) == 6);
    CHECK(w.buffer().substr(size_t(c.pos - 2), 2) == "bX");
    checkLayout(w, 70, 10);
}

TEST_CASE("Backspace at the start of a wrapped line deletes the character before the break, Delete at its end the one after") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd", 70, 10);  // "aaa bbb \nccc ddd"
    std::string now = w.buffer();
    now.erase(8, 1);  // the widget deleted the soft break: cursor at 8
    auto c = w.edited(now, {8, 8, 8}, SoftWrap::Key::Backspace);
    CHECK(w.logical() == "aaa bbbccc ddd");
    CHECK(w.toLogical(c.pos) == 7);
    checkLayout(w, 70, 10);

    SoftWrap d = wrapAt("aaa bbb ccc ddd", 70, 10);
    now = d.buffer();
    now.erase(8, 1);
    c = d.edited(now, {8, 8, 8}, SoftWrap::Key::Delete);
    CHECK(d.logical() == "aaa bbb cc ddd");
    CHECK(d.toLogical(c.pos) == 8);

    // A Backspace that took real characters with it is an ordinary edit.
    SoftWrap e = wrapAt("aaa bbb ccc ddd", 70, 10);
    now = e.buffer();
    now.erase(7, 2);  // " \n"
    c = e.edited(now, {7, 7, 7}, SoftWrap::Key::Backspace);
    CHECK(e.logical() == "aaa bbbccc ddd");
    CHECK(e.toLogical(c.pos) == 7);
}

TEST_CASE("Enter right before a soft break is a hard break and the cursor goes after it") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd", 70, 10);  // "aaa bbb \nccc ddd"
    std::string now = w.buffer();
    now.insert(8, "\n");  // typed at the end of the first visual line, cursor 9
    auto c = w.edited(now, {9, 9, 9});
    CHECK(w.logical() == "aaa bbb \nccc ddd");
    CHECK(w.softs().empty());  // both lines fit now
    CHECK(w.toLogical(c.pos) == 9);
}

TEST_CASE("a selection across a break replaced, multi-line paste, select-all and type") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd eee fff", 70, 10);
    const std::string before = w.buffer();
    // Select from 'b' of bbb to the middle of ccc (across the break) and type "Z".
    const int from = 4, to = w.toBuffer(10);
    std::string now = before.substr(0, size_t(from)) + "Z" + before.substr(size_t(to));
    auto c = w.edited(now, {from + 1, from + 1, from + 1});
    CHECK(w.logical() == "aaa Zc ddd eee fff");
    CHECK(w.toLogical(c.pos) == 5);
    checkLayout(w, 70, 10);

    // Paste of two lines at the end.
    now = w.buffer() + "x\ny";
    c = w.edited(now, {int(now.size()), int(now.size()), int(now.size())});
    CHECK(w.logical() == "aaa Zc ddd eee fffx\ny");
    CHECK(c.pos == int(w.buffer().size()));

    // Select all, type one character.
    c = w.edited("q", {1, 1, 1});
    CHECK(w.logical() == "q");
    CHECK(w.buffer() == "q");
    CHECK(c.pos == 1);
}

TEST_CASE("softsIn and track follow an edit without re-wrapping") {
    SoftWrap w = wrapAt("aaa bbb ccc ddd", 70, 10);  // "aaa bbb \nccc ddd"
    std::string now = w.buffer();
    now.insert(0, "\n");
    CHECK(w.softsIn(now, 1) == std::vector<int>{9});
    w.track(now, 1);
    CHECK(w.buffer() == now);
    CHECK(w.logical() == "\naaa bbb ccc ddd");
    w.adopt("aaa bbb \nccc ddd", {8});
    CHECK(w.logical() == "aaa bbb ccc ddd");
}

TEST_CASE("random edits on the buffer: the logical text is the edit applied to the logical text") {
    std::mt19937 rng(1313);
    const std::vector<std::string> pieces = {"a", "bb", " ", "  ", "\n", "word ", "日本", "é", "longerwordthanaline", "x y z "};
    for (int round = 0; round < 60; ++round) {
        const float width = float(30 + rng() % 200), hang = float(rng() % 12);
        std::string logical;
        for (int i = 0; i < 30; ++i) logical += pieces[rng() % pieces.size()];
        SoftWrap w = wrapAt(logical, width, hang);
        checkLayout(w, width, hang);
        for (int step = 0; step < 40; ++step) {
            const std::string buf = w.buffer();
            // A position on a character boundary of the buffer.
            auto boundary = [&](int at) {
                while (at > 0 && at < int(buf.size()) && (static_cast<unsigned char>(buf[size_t(at)]) & 0xC0) == 0x80) --at;
                return at;
            };
            int a = boundary(int(rng() % (buf.size() + 1)));
            int b = boundary(int(rng() % (buf.size() + 1)));
            if (a > b) std::swap(a, b);
            const std::string ins = (rng() % 3 == 0) ? std::string() : pieces[rng() % pieces.size()];
            std::string removed = SoftWrap::strip(buf, w.softs(), a, b);
            if (ins.empty() && removed.empty()) continue;  // only breaks removed: a key decides (tested above)
            const int la = w.toLogical(a), lb = w.toLogical(b);
            std::string expected = w.logical();
            expected.replace(size_t(la), size_t(lb - la), ins);
            std::string now = buf;
            now.replace(size_t(a), size_t(b - a), ins);
            const int cursor = a + int(ins.size());
            auto c = w.edited(now, {cursor, cursor, cursor}, SoftWrap::Key::Other, a);
            INFO("round " << round << " step " << step);
            REQUIRE(w.logical() == expected);
            CHECK(w.toLogical(c.pos) == la + int(ins.size()));
            checkLayout(w, width, hang);
            // Laying out only the touched paragraphs gives the same breaks as laying out everything.
            CHECK(w.softs() == wrapAt(w.logical(), width, hang).softs());
        }
    }
}

// ---- view option -----------------------------------------------------------------------------

TEST_CASE("the wrap option is saved with the view options and defaults on") {
    TempDir dir;
    CHECK(ViewOptions{}.wrapText);
    ViewOptions v;
    v.wrapText = false;
    REQUIRE(v.save(dir.file("view.conf")));
    CHECK(!ViewOptions::load(dir.file("view.conf")).wrapText);
    v.wrapText = true;
    REQUIRE(v.save(dir.file("view.conf")));
    CHECK(ViewOptions::load(dir.file("view.conf")).wrapText);
}

// ---- the real editors ------------------------------------------------------------------------

TEST_CASE("a 2,000-character paragraph in the raw editor wraps; typing, Backspace across a break, Enter, Ctrl+S store exactly the text") {
    Harness h;
    const std::string text = paragraph(2000);
    auto o = openLongOutput(h, text);
    CHECK(!h.app->outputEditor().dirty());  // laying out is no edit
    h.click("text:raw");
    REQUIRE(activeState());
    const std::string buf = activeBuffer();
    CHECK(withoutNewlines(buf) == text);
    const auto breaks = activeNewlines();
    REQUIRE(breaks.size() > 10);  // 2,000 characters do not fit on a line of ~800 px
    const float room = textWidthOf("text:raw");
    CHECK(widestLine(h) <= room);
    CHECK(!h.app->outputEditor().dirty());

    // The end of the text: no sideways scroll.
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    h.press(ImGuiKey_End);
    io.KeyCtrl = false;
    h.settle(2);
    CHECK(activeState()->ScrollX == 0.0f);

    // Type in the middle of the fifth visual line.
    std::string expected = text;
    int at = breaks[4] + 12;
    int logicalAt = at - 5;
    placeCursor(at);
    h.type("INSERTED ");
    expected.insert(size_t(logicalAt), "INSERTED ");
    CHECK(h.app->outputEditor().draft().output == expected);
    CHECK(withoutNewlines(activeBuffer()) == expected);
    CHECK(widestLine(h) <= room);
    h.type("more");
    expected.insert(size_t(logicalAt + 9), "more");
    CHECK(h.app->outputEditor().draft().output == expected);

    // Backspace at the start of a wrapped line: the blank before the break goes.
    auto now = activeNewlines();
    at = now[8] + 1;
    logicalAt = at - 9;
    placeCursor(at);
    REQUIRE(expected[size_t(logicalAt - 1)] == ' ');
    h.press(ImGuiKey_Backspace);
    expected.erase(size_t(logicalAt - 1), 1);
    CHECK(h.app->outputEditor().draft().output == expected);
    // The cursor stayed where it was in the text: the next character lands there.
    h.type("_");
    expected.insert(size_t(logicalAt - 1), "_");
    CHECK(h.app->outputEditor().draft().output == expected);

    // Enter at the end of a visual line (right before its soft break): a real line break.
    now = activeNewlines();
    at = now[3];
    logicalAt = at - 3;
    placeCursor(at);
    h.press(ImGuiKey_Enter);
    expected.insert(size_t(logicalAt), "\n");
    CHECK(h.app->outputEditor().draft().output == expected);
    h.type("Q");
    expected.insert(size_t(logicalAt + 1), "Q");
    CHECK(h.app->outputEditor().draft().output == expected);

    h.ctrl('S');
    h.settle();
    auto got = h.store.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->output == expected);
    CHECK(!h.app->outputEditor().dirty());
}

TEST_CASE("emoji, CJK and Hebrew survive an edit with wrap on") {
    Harness h;
    std::string text;
    while (text.size() < 1500) text += "🚀 👩‍💻 𝑥² 𠀋 日本語 שלום and some words ";
    auto o = openLongOutput(h, text);
    h.click("text:raw");
    const auto breaks = activeNewlines();
    REQUIRE(breaks.size() > 3);
    CHECK(carry::fromWidget(withoutNewlines(activeBuffer())) == text);
    // In the middle of the third visual line: the prefix up to there, in real characters.
    const int at = breaks[2] + 3;
    std::string before;
    for (int k = 0; k < at; ++k) {
        const ImWchar c = activeState()->TextW[k];
        if (c != '\n') carry::appendUtf8(before, c);
    }
    const std::string prefix = carry::fromWidget(before);
    REQUIRE(text.compare(0, prefix.size(), prefix) == 0);
    placeCursor(at);
    h.type("✓");
    typeCharacter(U'🚀');  // an astral character typed (it reaches the field through the carrier)
    h.frame();
    h.settle(2);
    std::string expected = text;
    expected.insert(prefix.size(), "✓🚀");
    CHECK(h.app->outputEditor().draft().output == expected);
    h.ctrl('S');
    h.settle();
    auto got = h.store.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->output == expected);
}

TEST_CASE("copy and cut of a selection across a wrap point give no soft break") {
    Harness h;
    carryClipboard();  // as the app does: copies go through the carrier
    const std::string text = paragraph(1200);
    auto o = openLongOutput(h, text);
    h.click("text:raw");
    const auto breaks = activeNewlines();
    REQUIRE(breaks.size() > 4);
    const int from = breaks[1] - 6, to = breaks[1] + 7;  // across the second break
    const std::string want = text.substr(size_t(from - 1), size_t(to - from - 1));
    select(from, to);
    ctrlKey(h, ImGuiKey_C);
    CHECK(carry::fromWidget(ImGui::GetClipboardText()) == want);

    select(from, to);
    ctrlKey(h, ImGuiKey_X);
    CHECK(carry::fromWidget(ImGui::GetClipboardText()) == want);
    std::string expected = text;
    expected.erase(size_t(from - 1), want.size());
    CHECK(h.app->outputEditor().draft().output == expected);
    // Select all and copy: the whole logical text.
    ctrlKey(h, ImGuiKey_A);
    ctrlKey(h, ImGuiKey_C);
    CHECK(carry::fromWidget(ImGui::GetClipboardText()) == expected);
    (void)o;
}

TEST_CASE("Ctrl+Z and Ctrl+Y in a wrapped editor restore whole texts, never a garbled one") {
    Harness h;
    const std::string text = paragraph(900);
    openLongOutput(h, text);
    h.click("text:raw");
    const auto breaks = activeNewlines();
    REQUIRE(breaks.size() > 3);
    placeCursor(breaks[1] + 4);
    h.type("typed words");  // re-wraps as it goes
    const std::string typed = h.app->outputEditor().draft().output;
    REQUIRE(typed != text);
    placeCursor(breaks[0] - 2);
    h.press(ImGuiKey_Delete);
    const std::string deleted = h.app->outputEditor().draft().output;
    REQUIRE(deleted.size() == typed.size() - 1);
    ctrlKey(h, ImGuiKey_Z);
    CHECK(h.app->outputEditor().draft().output == typed);
    ctrlKey(h, ImGuiKey_Z);
    CHECK(h.app->outputEditor().draft().output == text);
    CHECK(withoutNewlines(activeBuffer()) == text);
    ctrlKey(h, ImGuiKey_Y);
    CHECK(h.app->outputEditor().draft().output == typed);
    ctrlKey(h, ImGuiKey_Y);
    CHECK(h.app->outputEditor().draft().output == deleted);
}

TEST_CASE("the Wrap toggle: off shows the original lines exactly, on wraps again; saved in the view options") {
    Harness h;
    const std::string text = "first line\nsecond line\n" + paragraph(1500) + "\nlast";
    openLongOutput(h, text);
    CHECK(h.view.wrapText);
    h.click("text:raw");
    CHECK(activeNewlines().size() > 3);
    h.click("wrap:toggle");
    CHECK(!h.view.wrapText);
    h.settle();
    h.click("text:raw");
    CHECK(activeBuffer() == text);  // the field holds the text itself, as before this feature
    CHECK(activeNewlines().size() == 3);
    CHECK(!h.app->outputEditor().dirty());
    h.click("wrap:toggle");
    CHECK(h.view.wrapText);
    h.settle();
    h.click("text:raw");
    CHECK(activeNewlines().size() > 3);
    CHECK(withoutNewlines(activeBuffer()) == withoutNewlines(text));
    CHECK(h.app->outputEditor().draft().output == text);
    CHECK(!h.app->outputEditor().dirty());
}

TEST_CASE("a narrower window re-wraps the editor; the text and the dirty state do not change") {
    Harness h;
    const std::string text = paragraph(1600);
    openLongOutput(h, text);
    h.click("text:raw");
    const size_t wide = activeNewlines().size();
    ImGui::GetIO().DisplaySize = ImVec2(1000, 900);
    h.settle(4);
    REQUIRE(activeState());
    CHECK(activeNewlines().size() > wide);
    CHECK(widestLine(h) <= textWidthOf("text:raw"));
    CHECK(withoutNewlines(activeBuffer()) == text);
    CHECK(h.app->outputEditor().draft().output == text);
    CHECK(!h.app->outputEditor().dirty());
}

TEST_CASE("the edited version and the notes wrap too") {
    Harness h;
    Output o;
    o.output = paragraph(1000);
    o.notes = paragraph(700);
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.app->outputEditor().setTab(1);
    h.settle();
    h.click("edited:start");
    h.click("text:edited");
    CHECK(activeNewlines().size() > 3);
    placeCursor(activeNewlines()[2] + 1);
    h.type("fix ");
    const std::string edited = *h.app->outputEditor().draft().outputEdited;
    CHECK(edited.find('\n') == std::string::npos);
    CHECK(edited.find("fix ") != std::string::npos);
    CHECK(withoutNewlines(activeBuffer()) == edited);
    h.ctrl('S');
    h.settle();
    auto got = h.store.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->outputEdited == std::optional<std::string>(edited));
    CHECK(got->output == o.output);
    CHECK(got->notes == o.notes);
}

TEST_CASE("Escape in a wrapped editor leaves no soft break behind as a real one") {
    Harness h;
    const std::string text = paragraph(1200);
    openLongOutput(h, text);
    h.click("text:raw");
    const auto breaks = activeNewlines();
    REQUIRE(breaks.size() > 3);
    placeCursor(breaks[2] + 3);
    h.type("abc ");
    h.press(ImGuiKey_Escape);  // ImGui reverts a field to its text at activation
    h.settle(2);
    const std::string after = h.app->outputEditor().draft().output;
    CHECK(after.find('\n') == std::string::npos);
    CHECK(after == text);  // 1.86 reverts: the soft breaks of that text must stay soft
    h.click("text:raw");
    CHECK(withoutNewlines(activeBuffer()) == h.app->outputEditor().draft().output);
    CHECK(activeNewlines().size() > 3);
}

TEST_CASE("the Wrap toggle keeps a margin to the pane's right edge, like the text inside the fields (output and prompt editors)") {
    // Seen in the app: its "p" touched the editor pane's scrollbar.
    Harness h;
    openLongOutput(h, paragraph(3000));
    h.settle(2);
    const float pad = ImGui::GetStyle().FramePadding.x;
    auto toggle = testhook::rect("wrap:toggle");
    auto field = testhook::rect("field:##raw");
    REQUIRE(toggle);
    REQUIRE(field);
    // The fields are sized to the pane less one pixel (ImVec2(-1, h)): a padding in from the pane's edge.
    CHECK(toggle->Max.x <= field->Max.x + 1 - pad);
    CHECK(toggle->Min.y < field->Min.y);  // still on the tabs' line, above the text

    Prompt p;
    p.title = "wrap margin";
    p.body = paragraph(2000);
    p = h.store.createPrompt(p);
    h.app->open({Kind::Prompt, p.id});
    h.settle(4);
    toggle = testhook::rect("wrap:toggle");
    field = testhook::rect("field:##body");
    REQUIRE(toggle);
    REQUIRE(field);
    CHECK(toggle->Max.x <= field->Max.x + 1 - pad);
}

namespace {
// The field window of the active multi-line field (ImGui draws its text in a child window).
ImGuiWindow* activeFieldWindow() {
    const ImGuiID id = ImGui::GetActiveID();
    for (ImGuiWindow* w : GImGui->Windows)
        if (w->ChildId == id) return w;
    return nullptr;
}
// Where ImGui draws the caret of the active field, in screen pixels (its left edge).
float caretX(const Harness& h) {
    ImGuiInputTextState* st = activeState();
    REQUIRE(st);
    ImGuiWindow* w = activeFieldWindow();
    REQUIRE(w);
    int from = st->Stb.cursor;
    while (from > 0 && st->TextW[from - 1] != '\n') --from;
    ImFont* font = h.fonts.mono;
    float x = 0;
    for (int k = from; k < st->Stb.cursor; ++k) x += font->GetCharAdvance(st->TextW[k]);
    return w->Pos.x + ImGui::GetStyle().FramePadding.x + x - st->ScrollX;
}
} // namespace

// Is the caret of the active field drawn inside the field's clip rectangle, with no sideways scroll?
void checkCaretShown(const Harness& h) {
    ImGuiWindow* w = activeFieldWindow();
    REQUIRE(w);
    const float x = caretX(h);
    CHECK(activeState()->ScrollX == 0.0f);
    CHECK(x >= w->InnerClipRect.Min.x);
    CHECK(x + 1 <= w->InnerClipRect.Max.x);  // ImGui draws it one pixel wide from x
}

TEST_CASE("the caret stays in view at a soft break: a word cut mid-word as it is typed") {
    Harness h;
    // A word typed one character a frame at the start of a long text grows past a line: it is cut
    // between characters, and the caret follows each character (at the cut, the next line's start).
    openLongOutput(h, paragraph(3000));
    h.click("text:raw");
    placeCursor(0);
    for (int i = 0; i < 200; ++i) {
        h.type("k");
        checkCaretShown(h);
        const std::string typed = h.app->outputEditor().draft().output.substr(0, size_t(i + 1));
        REQUIRE(typed == std::string(size_t(i + 1), 'k'));
    }
    CHECK(activeNewlines().front() < 200);  // the word was cut
}

TEST_CASE("the caret stays in view at a soft break: after blanks hanging past the line end") {
    Harness h;
    // A line exactly full of ink, then blanks: those that hang past the line's end (they draw
    // nothing) must not carry the caret, at the end of that line, out of the field.
    openLongOutput(h, "measuring");
    const float room = textWidthOf("text:raw");
    const float adv = h.fonts.mono->GetCharAdvance('a');
    const size_t n = size_t(room / adv);
    openLongOutput(h, std::string(n, 'a') + "   next " + paragraph(3000));
    h.click("text:raw");
    REQUIRE(activeNewlines().size() > 3);
    placeCursor(0);
    h.press(ImGuiKey_End);  // the end of the first visual line: after its hanging blanks
    const int end = activeState()->Stb.cursor;
    CHECK(end > int(n));
    CHECK(activeState()->TextW[end] == '\n');
    checkCaretShown(h);
}

TEST_CASE("a long multilingual text pasted into a new draft's wrapped editor") {
    // Seen in the app: Ctrl+V of this text into a fresh Ctrl+N draft aborted it in InputTextEx
    // (callback_data.BufTextLen == strlen(callback_data.Buf)).
    Harness h;
    carryClipboard();
    std::string text = "An old silent pond\na frog jumps *into* the pond —\nsplash! Silence again.\n\n";
    for (int i = 0; i < 40; ++i)
        text += "Long paragraph with emoji 🚀👩‍💻 and CJK 日本語の文章 中文测试 and Hebrew שלום עולם, naïve café 𝑥² " + std::to_string(i) + " ";
    ImGui::SetClipboardText(text.c_str());
    h.ctrl('N');
    h.settle();
    h.click("text:raw");
    ctrlKey(h, ImGuiKey_V);
    h.settle(2);
    CHECK(h.app->outputEditor().draft().output == text);
    CHECK(carry::fromWidget(withoutNewlines(activeBuffer())) == withoutNewlines(text));
}
