// The app's own flags (AppOptions): values, defaults and the messages for bad input, so the
// parser can be replaced without changing what the flags mean.
#include "ui/AppOptions.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace pv::ui;

TEST_CASE("no flags: the defaults") {
    AppOptions o = parseOptions({});
    CHECK(o.show.empty());
    CHECK(o.select.empty());
    CHECK(o.screenshot.empty());
    CHECK(o.bench.empty());
    CHECK(o.tab == -1);
    CHECK(o.width == 0);
    CHECK(o.height == 0);
    CHECK(o.benchFrames == 300);
}

TEST_CASE("every flag takes its value") {
    AppOptions o = parseOptions({"--show", "graph", "--select", "abc", "--screenshot", "/tmp/x.png", "--tab", "diff", "--size",
                                 "1024x768", "--bench", "editor", "--bench-frames", "50"});
    CHECK(o.show == "graph");
    CHECK(o.select == "abc");
    CHECK(o.screenshot == "/tmp/x.png");
    CHECK(o.tab == 2);
    CHECK(o.width == 1024);
    CHECK(o.height == 768);
    CHECK(o.bench == "editor");
    CHECK(o.benchFrames == 50);
}

TEST_CASE("the tabs by name") {
    CHECK(parseOptions({"--tab", "raw"}).tab == 0);
    CHECK(parseOptions({"--tab", "edited"}).tab == 1);
    CHECK(parseOptions({"--tab", "preview"}).tab == 3);
    CHECK_THROWS_WITH_AS(parseOptions({"--tab", "source"}), "--tab wants raw, edited, diff or preview, not 'source'", std::runtime_error);
}

TEST_CASE("bad values and unknown flags are refused with a message") {
    CHECK_THROWS_WITH_AS(parseOptions({"--show"}), "--show needs a value", std::runtime_error);
    CHECK_THROWS_WITH_AS(parseOptions({"--size", "big"}), "--size wants WIDTHxHEIGHT, e.g. 1440x900, not 'big'", std::runtime_error);
    CHECK_THROWS_AS(parseOptions({"--size", "200x100"}), std::runtime_error);  // below 320x240
    CHECK_THROWS_AS(parseOptions({"--frobnicate"}), std::runtime_error);
    CHECK(parseOptions({"--bench-frames", "3"}).benchFrames == 10);  // at least 10 frames a phase
}
