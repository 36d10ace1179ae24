// The change log module (store/ChangeLog): entries read back as the capture triggers wrote them,
// their column lists parsed, clocks compared and merged, and entries marked, requeued and retired.
#include "ChangeLog.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace pv;
using namespace pv::test;

namespace {
Tag tagNamed(const std::string& name) {
    Tag t;
    t.name = name;
    return t;
}
} // namespace

TEST_CASE("clocks: milliseconds and counter read from '<ms>.<counter>@<device>'") {
    CHECK(clockMs("000001700000000.000042@dev") == 1700000000);
    CHECK(clockCounter("000001700000000.000042@dev") == 42);
    CHECK(clockCounter("000001700000000") == 0);
    // Text order is clock order: a later millisecond wins over a larger counter.
    CHECK(std::string("000001700000001.000000@a") > std::string("000001700000000.999999@b"));
}

TEST_CASE("change columns: an insert names them, an update carries values, anything else is unreadable") {
    auto names = parseChangeColumns(R"(["id","name",3,"color"])");
    CHECK(names.form == ChangeColumns::Form::Names);
    CHECK(names.names == std::vector<std::string>{"id", "name", "color"});  // a non-name is skipped

    auto values = parseChangeColumns(R"({"rating":4,"notes":null,"title":"x","flag":true})");
    REQUIRE(values.form == ChangeColumns::Form::Values);
    REQUIRE(values.names.size() == 4);
    for (size_t i = 0; i < values.names.size(); ++i) {
        const auto& n = values.names[i];
        const auto& v = values.values[i];
        if (n == "rating") CHECK(v == std::optional<std::string>("4"));
        else if (n == "notes") CHECK(!v);
        else if (n == "title") CHECK(v == std::optional<std::string>("x"));
        else if (n == "flag") CHECK(v == std::optional<std::string>("1"));
        else FAIL("unexpected column " << n);
    }

    auto broken = parseChangeColumns("{not json");
    CHECK(broken.form == ChangeColumns::Form::Unreadable);
    CHECK(!broken.error.empty());
    CHECK(parseChangeColumns("42").form == ChangeColumns::Form::Unreadable);
}

TEST_CASE("a frozen insert keeps every value, integers as numbers, and parses back to the same text") {
    const TableDef* t = findTable("outputs");
    REQUIRE(t);
    std::vector<std::optional<std::string>> row(t->columns.size());
    size_t ratingAt = 0, idAt = 0;
    for (size_t i = 0; i < t->columns.size(); ++i) {
        if (t->columns[i].name == "rating") ratingAt = i;
        if (t->columns[i].name == "id") idAt = i;
    }
    row[idAt] = "o-1";
    row[ratingAt] = "5";
    const std::string frozen = frozenInsertColumns(*t, row);
    CHECK(frozen.find("\"rating\":5") != std::string::npos);
    auto back = parseChangeColumns(frozen);
    REQUIRE(back.form == ChangeColumns::Form::Values);
    CHECK(back.names.size() == t->columns.size());
    for (size_t i = 0; i < back.names.size(); ++i) {
        const ColumnDef* c = t->column(back.names[i]);
        REQUIRE(c);
        CHECK(back.values[i] == row[static_cast<size_t>(c - t->columns.data())]);
    }
}

TEST_CASE("row keys split into the key columns' values") {
    const TableDef* link = findTable("output_tags");
    REQUIRE(link);
    REQUIRE(link->key.size() == 2);
    CHECK(splitRowKey(*link, "o-1|t-1") == std::vector<std::string>{"o-1", "t-1"});
    const TableDef* tags = findTable("tags");
    REQUIRE(tags);
    CHECK(splitRowKey(*tags, "a|b") == std::vector<std::string>{"a|b"});  // one key column takes it all
}

TEST_CASE("the log as sync reads and marks it") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto log = s.changeLog();
    const int64_t start = log.lastSeq();
    Tag a = s.createTag(tagNamed("alpha"));
    Tag b = s.createTag(tagNamed("beta"));
    b.color = "#ff0000";
    s.updateTag(b);

    auto pending = log.pending(start, 100);
    REQUIRE(pending.size() == 3);
    CHECK(pending[0].table == "tags");
    CHECK(pending[0].rowKey == a.id);
    CHECK(pending[0].op == "insert");
    CHECK(parseChangeColumns(pending[0].cols).form == ChangeColumns::Form::Names);
    CHECK(pending[2].op == "update");
    auto upd = parseChangeColumns(pending[2].cols);
    REQUIRE(upd.form == ChangeColumns::Form::Values);
    CHECK(std::find(upd.names.begin(), upd.names.end(), "color") != upd.names.end());
    // The device's clock stamps every entry, in log order.
    CHECK(pending[0].clock.substr(pending[0].clock.find('@') + 1) == s.deviceId());
    CHECK(pending[0].clock < pending[1].clock);
    CHECK(pending[1].clock < pending[2].clock);
    CHECK(pending[0].hlc() == pending[0].clock.substr(0, pending[0].clock.find('@')));
    CHECK(log.pending(start, 1).size() == 1);
    CHECK(log.pending(pending[1].seq, 100).size() == 1);
    CHECK(log.pendingFor("tags", b.id).size() == 2);
    CHECK(log.pendingRows()["tags"].size() == 2);
    CHECK(log.mark(pending[2].seq) == pending[2].clock + " tags:" + b.id);
    CHECK(log.mark(999999).empty());
    CHECK(log.lastSeq() == pending[2].seq);

    // A push refuses the first entry and accepts the rest.
    s.transaction([&] {
        log.markSetAside(pending[0].seq, "refused", std::string(R"({"id":"x"})"));
        log.markPushed(pending[0].seq, pending[2].seq);
    });
    CHECK(!log.anyPending());
    CHECK(log.anySetAside());
    CHECK(s.setAsideChanges() == 1);
    auto aside = log.setAside();
    REQUIRE(aside.size() == 1);
    CHECK(aside[0].error == "refused");
    CHECK(aside[0].cols == R"({"id":"x"})");
    CHECK(log.setAside(pending[1].seq).empty());

    // Requeued: a pending copy at the end with the same clock; the original is retired.
    const int64_t copy = log.requeue(aside[0].seq);
    CHECK(copy > pending[2].seq);
    auto again = log.pending(pending[2].seq, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].clock == aside[0].clock);
    CHECK(s.setAsideChanges() == 0);
    log.retire(copy, "gone");
    CHECK(!log.anyPending());
}

TEST_CASE("merging a clock moves the device's clock forward only; a new device takes the unpushed entries") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto log = s.changeLog();
    const std::string far = "004999999999999.000007@other";
    log.mergeClock(far);
    s.createTag(tagNamed("after"));
    auto e = log.pending(0, 100).back();
    CHECK(e.hlc() == "004999999999999.000008");  // counts on from the merged clock
    log.mergeClock("000000000000001.000000@other");  // an older clock changes nothing
    s.createTag(tagNamed("again"));
    CHECK(log.pending(0, 100).back().hlc() == "004999999999999.000009");
    CHECK(log.nowMs() > 1700000000000LL);

    const std::string old = s.deviceId();
    int64_t moved = 0;
    const std::string fresh = log.renewDevice(moved);
    CHECK(fresh != old);
    CHECK(s.deviceId() == fresh);
    CHECK(moved == static_cast<int64_t>(log.pending(0, 100).size()));
    for (const auto& p : log.pending(0, 100)) CHECK(p.clock.substr(p.clock.find('@') + 1) == fresh);
}
