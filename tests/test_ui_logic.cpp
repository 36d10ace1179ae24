// View logic of the app without a window: picker entries, word diff, QA progress, the paged row
// cache over a real vault, view options, small text helpers.
#include "ui/PagedList.hpp"
#include "Store.hpp"
#include "ui/SyncPanel.hpp"
#include "TestUtil.hpp"
#include "ui/UiLogic.hpp"
#include "UiQueries.hpp"
#include "ui/ViewOptions.hpp"

#include <doctest/doctest.h>

using namespace pv;
using namespace pv::ui;
using pv::test::TempDir;

TEST_CASE("picker entries: matches, then create-in-place unless the exact name exists") {
    std::vector<Choice> m = {{"1", "gpt-4o", ""}, {"2", "gpt-4o-mini", ""}};
    auto e = pickerEntries("gpt", m, "model");
    REQUIRE(e.size() == 3);
    CHECK(e[0].kind == PickerEntry::Kind::Existing);
    CHECK(e[0].id == "1");
    CHECK(e[2].kind == PickerEntry::Kind::Create);
    CHECK(e[2].label == "+ New model 'gpt'");
    CHECK(e[2].name == "gpt");
    // Exact name, any case, with spaces around: no create entry.
    e = pickerEntries("  GPT-4o ", m, "model");
    CHECK(e.size() == 2);
    CHECK(std::none_of(e.begin(), e.end(), [](auto& x) { return x.kind == PickerEntry::Kind::Create; }));
    // Empty query never offers create; allowCreate=false never does.
    CHECK(pickerEntries("   ", {}, "tag").empty());
    CHECK(pickerEntries("o3-pro", {}, "model", false).empty());
    auto c = pickerEntries("o3-pro", {}, "model");
    REQUIRE(c.size() == 1);
    CHECK(c[0].label == "+ New model 'o3-pro'");
    // The current choice can be left out.
    CHECK(pickerEntries("gpt", m, "model", true, "1").front().id == "2");
}

TEST_CASE("picker highlight wraps and clamps") {
    CHECK(moveHighlight(-1, 1, 3) == 0);
    CHECK(moveHighlight(-1, -1, 3) == 2);
    CHECK(moveHighlight(2, 1, 3) == 0);
    CHECK(moveHighlight(0, -1, 3) == 2);
    CHECK(moveHighlight(1, 1, 0) == -1);
}

TEST_CASE("word diff re-joins into both texts and marks changed words") {
    std::string a = "The quick brown fox jumps over the lazy dog.\nSecond line stays.";
    std::string b = "The quick red fox leaps over the lazy dog.\nSecond line stays. Added.";
    auto d = wordDiff(a, b);
    std::string ja, jb;
    for (auto& s : d) {
        if (s.op != DiffSpan::Op::Insert) ja += s.text;
        if (s.op != DiffSpan::Op::Delete) jb += s.text;
    }
    CHECK(ja == a);
    CHECK(jb == b);
    auto st = diffStats(d);
    CHECK(st.deleted == 3);   // "brown", "jumps", "stays." (its whitespace changed)
    CHECK(st.inserted == 4);  // "red", "leaps", "stays. ", "Added."
    bool sawRed = false;
    for (auto& s : d)
        if (s.op == DiffSpan::Op::Insert && s.text.find("red") != std::string::npos) sawRed = true;
    CHECK(sawRed);
    // Identical texts: one Same span; empty to text: all inserted.
    auto same = wordDiff("a b c", "a b c");
    REQUIRE(same.size() == 1);
    CHECK(same[0].op == DiffSpan::Op::Same);
    auto fromEmpty = wordDiff("", "new words");
    REQUIRE(fromEmpty.size() == 1);
    CHECK(fromEmpty[0].op == DiffSpan::Op::Insert);
    // Non-ASCII words survive intact.
    auto u = wordDiff("Grüße aus Köln", "Grüße aus Zürich");
    CHECK(u.back().text == "Zürich");
}

TEST_CASE("QA progress label and fraction") {
    CHECK(qaProgressLabel(3, 5) == "3/5");
    CHECK(qaProgressLabel(0, 0) == "—");
    CHECK(qaProgressLabel(7, 5) == "5/5");
    CHECK(qaProgressFraction(3, 5) == doctest::Approx(0.6));
    CHECK(qaProgressFraction(1, 0) == 0.0f);
}

TEST_CASE("text helpers") {
    CHECK(shortTime("2026-11-28T04:36:22.123Z") == "2026-11-28 04:36");
    // 1764304582123 ms = 2025-11-28 04:36:22 UTC
    CHECK(hlcTime("001764304582123.000004") == "2025-11-28 04:36");
    CHECK(hlcTime("not a clock") == "not a clock");
    CHECK(hlcTime(".5") == ".5");
    CHECK(ratingStars(3) == "★★★☆☆");
    CHECK(ratingStars(std::nullopt).empty());
    CHECK(parseDate("2026-01-31") == std::optional<std::string>("2026-01-31"));
    CHECK(!parseDate("2026-13-01"));
    CHECK(!parseDate("yesterday"));
    CHECK(maskConninfo("host=x password=secret user=me") == "host=x password=*** user=me");
    CHECK(maskConninfo("postgresql://me:pw@host/db") == "postgresql://me:***@host/db");
}

TEST_CASE("view options survive a save and load; bad values keep defaults") {
    TempDir dir;
    ViewOptions v;
    v.windowWidth = 1700;
    v.listFraction = 0.3f;
    v.lastScreen = "prompts";
    v.tableSettings = "[Table][0x1]\nColumn 0 Width=80\n";
    REQUIRE(v.save(dir.file("cfg/promptvault/view.conf")));
    auto l = ViewOptions::load(dir.file("cfg/promptvault/view.conf"));
    CHECK(l.windowWidth == 1700);
    CHECK(l.listFraction == doctest::Approx(0.3f));
    CHECK(l.lastScreen == "prompts");
    CHECK(l.tableSettings == v.tableSettings);
    pv::test::writeFile(dir.file("bad.conf"), "window_width=abc\nlist_fraction=9\nnav_width=200\n");
    auto b = ViewOptions::load(dir.file("bad.conf"));
    CHECK(b.windowWidth == ViewOptions().windowWidth);
    CHECK(b.listFraction == doctest::Approx(ViewOptions().listFraction));
    CHECK(b.navWidth == doctest::Approx(200.0f));
    CHECK(ViewOptions::load(dir.file("missing.conf")).windowHeight == ViewOptions().windowHeight);
}

namespace {
// Serves requests synchronously from the store, as the worker would.
int serve(PagedList<OutputRow>& list, Store& s, const OutputFilter& f, OutputSort sort) {
    int n = 0;
    while (auto r = list.nextRequest(8)) {
        PageCursor after = r->seek ? uiq::outputCursorAt(s, f, sort, r->firstIndex()) : r->after;
        auto page = s.listOutputs(f, sort, after, r->pageSizeOf);
        list.deliver(r->generation, r->page, std::move(page.rows), page.next);
        ++n;
    }
    return n;
}
} // namespace

TEST_CASE("paged list: keyset pages near the visible range, seeks far away, drops old pages, keeps stale rows on a new query") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto m = s.createModel({.name = "m"});
    std::vector<std::string> idsNewestFirst;
    for (int i = 0; i < 530; ++i) {
        Output o;
        o.modelId = m.id;
        o.output = (i % 2 ? "odd answer " : "even answer ") + std::to_string(i);
        char ts[40];
        snprintf(ts, sizeof ts, "2026-01-01T00:%02d:%02d.000Z", i / 60, i % 60);
        o.capturedAt = ts;
        idsNewestFirst.insert(idsNewestFirst.begin(), s.createOutput(o).id);
    }
    OutputFilter f;
    PagedList<OutputRow> list(50, 4);
    CHECK(list.row(0) == nullptr);
    list.setVisible(0, 20);
    for (int i = 0; i <= 20; ++i) list.row(i);
    CHECK(serve(list, s, f, OutputSort::CapturedDesc) == 1);
    REQUIRE(list.row(0));
    CHECK(list.row(0)->id == idsNewestFirst[0]);
    CHECK(list.row(20)->id == idsNewestFirst[20]);
    CHECK(!list.knownCount());
    CHECK(list.displayCount() == 100);  // loaded + one page while the end is unknown

    // Jump to the middle: no cursor known, the page is found by position.
    list.setVisible(300, 320);
    for (int i = 300; i <= 320; ++i) list.row(i);
    serve(list, s, f, OutputSort::CapturedDesc);
    REQUIRE(list.row(300));
    CHECK(list.row(300)->id == idsNewestFirst[300]);
    CHECK(list.row(320)->id == idsNewestFirst[320]);
    CHECK(list.cachedPages() <= 2);  // page 0 was dropped: far from the view

    // The last page gives the exact count.
    list.setVisible(520, 529);
    for (int i = 520; i <= 529; ++i) list.row(i);
    serve(list, s, f, OutputSort::CapturedDesc);
    CHECK(list.knownCount() == std::optional<int64_t>(530));
    CHECK(list.row(529)->id == idsNewestFirst[529]);
    CHECK(list.row(530) == nullptr);

    // A new query: old rows stay visible until its pages arrive, stale answers are ignored.
    auto oldGen = list.generation();
    f.text = "odd";
    list.reset();
    CHECK(list.row(525) != nullptr);  // stale
    list.deliver(oldGen, 3, {}, {});  // an answer to the old query
    list.setVisible(0, 10);
    for (int i = 0; i <= 10; ++i) list.row(i);
    serve(list, s, f, OutputSort::CapturedDesc);
    list.setCount(list.generation(), s.countOutputs(f));
    CHECK(list.knownCount() == std::optional<int64_t>(265));
    REQUIRE(list.row(0));
    CHECK(list.row(0)->preview.rfind("odd answer", 0) == 0);
    CHECK(list.row(0)->id == idsNewestFirst[0]);  // 529 is odd: the newest one
}
