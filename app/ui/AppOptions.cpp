#include "AppOptions.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace pv::ui {

AppOptions parseOptions(const std::vector<std::string>& args) {
    AppOptions o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) throw std::runtime_error(a + " needs a value");
            return args[++i];
        };
        if (a == "--show") o.show = next();
        else if (a == "--select") o.select = next();
        else if (a == "--screenshot") o.screenshot = next();
        else if (a == "--tab") {
            const std::string v = next();
            const char* tabs[] = {"raw", "edited", "diff", "preview"};
            for (int t = 0; t < 4; ++t)
                if (v == tabs[t]) o.tab = t;
            if (o.tab < 0) throw std::runtime_error("--tab wants raw, edited, diff or preview, not '" + v + "'");
        }
        else if (a == "--size") {
            std::string v = next();
            if (std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240)
                throw std::runtime_error("--size wants WIDTHxHEIGHT, e.g. 1440x900, not '" + v + "'");
        } else if (a == "--bench") o.bench = next();
        else if (a == "--bench-frames") o.benchFrames = std::max(10, std::atoi(next().c_str()));
        else throw std::runtime_error("unknown option '" + a + "' (app options: --show SCREEN, --select ID, --tab raw|edited|diff|preview, --screenshot PNG, --size WxH)");
    }
    return o;
}

} // namespace pv::ui
