// pv-bench-graph: the relation browser's hop time (neighbourhood query + layout + first frame of
// the new focus, headless ImGui, no GPU) from a prompt with 200 outputs, a tag with 20,000 outputs
// and an output, and the frame CPU time while panning a 200-node view, on a benchgen vault.
// Baselines measured in the same run: the graph's query alone for the same record, unfiltered with
// 50 records per group (what a hub shown in place reads), and an empty ImGui frame. Prints Markdown table rows (medians).
#include "CommandLine.hpp"
#include "Generator.hpp"
#include "Graph.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "ui/graph/GraphView.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <tuple>
#include <vector>

using Clock = std::chrono::steady_clock;
using pv::Kind;
using pv::RecordRef;

namespace {

const char* kAbout =
    "Uses FILE when it exists (a benchgen vault, e.g. from pv-gen), else generates N outputs into it with\n"
    "benchgen (default 100000). Adds the benchmark's shapes once (3 prompts with 200 outputs each, 2 tags\n"
    "on 20,000 outputs each), then times R hops per case (default 15) and 300 panning frames.";

double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}
double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size() - 1) + 0.5))];
}

struct Shapes {
    std::vector<std::string> prompts200, tags20k, outputs;
};

// The shapes the issue names, added once and remembered in a vault setting.
Shapes ensureShapes(pv::Store& store) {
    const char* key = "bench.graph.shapes";
    Shapes s;
    if (auto saved = store.setting(key)) {
        auto j = nlohmann::json::parse(*saved);
        s.prompts200 = j["prompts200"].get<std::vector<std::string>>();
        s.tags20k = j["tags20k"].get<std::vector<std::string>>();
        s.outputs = j["outputs"].get<std::vector<std::string>>();
        return s;
    }
    auto t0 = Clock::now();
    int64_t maxRow = pv::StoreInternals::db(store).queryInt("SELECT max(rowid) FROM outputs");
    if (maxRow < 40000) throw std::runtime_error("the vault needs at least 40,000 outputs for a tag on 20,000 of them");
    std::mt19937_64 rng(7);
    auto anyOf = [&](const char* table) {
        return pv::StoreInternals::db(store).queryText(std::string("SELECT id FROM ") + table + " WHERE deleted_at IS NULL ORDER BY rowid LIMIT 1 OFFSET " +
                                    std::to_string(rng() % 20));
    };
    store.transaction([&] {
        for (int p = 0; p < 3; ++p) {
            auto prompt = store.createPrompt({.title = "Bench prompt with 200 outputs #" + std::to_string(p + 1),
                                              .body = "Write a haiku about graph databases, variant " + std::to_string(p)});
            for (int i = 0; i < 200; ++i) {
                pv::Output o;
                o.promptId = prompt.id;
                o.modelId = anyOf("models");
                o.agentId = anyOf("agents");
                o.output = "Nodes hold their breath / edges whisper old secrets / a path, then the hop " + std::to_string(i);
                if (i % 3 == 0) o.outputEdited = o.output + " (edited)";
                o.rating = int64_t(1 + i % 5);
                store.createOutput(o);
            }
            s.prompts200.push_back(prompt.id);
        }
        for (int t = 0; t < 2; ++t) {
            auto tag = store.createTag({.name = "bench-20k-" + std::to_string(t + 1)});
            // 20,000 outputs spread evenly over the whole vault.
            int64_t stride = maxRow / 20000;
            auto& sel = pv::StoreInternals::db(store).cached("SELECT id FROM outputs WHERE rowid = ?");
            int linked = 0;
            for (int64_t r = 1 + t; linked < 20000 && r <= maxRow; r += stride) {
                pv::sql::StmtUse use(sel);
                sel.bind(1, r);
                if (!sel.step()) continue;
                std::string id = sel.getText(0);
                store.linkTag(Kind::Output, id, tag.id);
                ++linked;
            }
            s.tags20k.push_back(tag.id);
        }
        for (int i = 0; i < 40; ++i) {
            int64_t r = 1 + int64_t(rng() % uint64_t(maxRow));
            std::string id = pv::StoreInternals::db(store).queryText("SELECT id FROM outputs WHERE rowid >= " + std::to_string(r) +
                                                  " AND deleted_at IS NULL ORDER BY rowid LIMIT 1");
            if (!id.empty()) s.outputs.push_back(id);
        }
        nlohmann::json j{{"prompts200", s.prompts200}, {"tags20k", s.tags20k}, {"outputs", s.outputs}};
        store.setSetting(key, j.dump());
    });
    std::cerr << "pv-bench-graph: added the benchmark shapes in " << ms(t0, Clock::now()) / 1000 << " s\n";
    return s;
}

class Headless {
public:
    Headless() {
        m_ctx = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = {1600, 1000};
        io.DeltaTime = 1.f / 60.f;
        io.IniFilename = nullptr;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    }
    ~Headless() { ImGui::DestroyContext(m_ctx); }
    void frame(pv::ui::GraphView* view) {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("graph", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
        if (view) view->drawContents();
        ImGui::End();
        ImGui::Render();
    }

private:
    ImGuiContext* m_ctx;
};

struct Row {
    std::string what;
    double hop, hopMax, query, baseline;
    size_t nodes;
};

} // namespace

int main(int argc, char** argv) {
    try {
        std::string vault;
        int64_t outputs = 100000;
        int runs = 15;
        CLI::App cli(kAbout, "pv-bench-graph");
        cli.add_option("--vault", vault, "the vault (generated when it does not exist)")->required();
        cli.add_option("--outputs", outputs, "outputs to generate")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
        cli.add_option("--runs", runs, "timed hops per case")->check(pv::cmdline::wholeNumber(1, 1000000));
        if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
        bool fresh = !std::filesystem::exists(vault);
        pv::Store store(vault);
        if (fresh) {
            pv::gen::GenOptions opt;
            opt.outputs = outputs;
            std::cerr << "pv-bench-graph: generating " << outputs << " outputs into " << vault << "\n";
            pv::gen::generateVault(store, opt);
        }
        Shapes shapes = ensureShapes(store);
        int64_t liveOutputs = pv::StoreInternals::db(store).queryInt("SELECT max(rowid) FROM outputs");

        Headless ui;
        pv::ui::GraphView view(store);
        view.setAnimationSeconds(0.35f);

        // Baseline: an empty frame of the same window.
        std::vector<double> empty;
        for (int i = 0; i < 120; ++i) {
            auto a = Clock::now();
            ui.frame(nullptr);
            empty.push_back(ms(a, Clock::now()));
        }

        std::vector<Row> rows;
        auto hopCase = [&](const std::string& what, Kind kind, const std::vector<std::string>& ids) {
            std::vector<double> hop, query, base;
            size_t nodes = 0;
            for (int r = 0; r < runs; ++r) {
                RecordRef target{kind, ids[size_t(r) % ids.size()]};
                // Start from somewhere else: another sample output.
                view.focus({Kind::Output, shapes.outputs[size_t(r * 7 + 3) % shapes.outputs.size()]});
                ui.frame(&view);
                auto a = Clock::now();
                view.focus(target);
                ui.frame(&view);
                hop.push_back(ms(a, Clock::now()));
                nodes = view.nodes().size();
                auto b = Clock::now();
                auto n = pv::graph::neighbourhood(store, target, view.filter());
                query.push_back(ms(b, Clock::now()));
                auto c = Clock::now();
                auto g = pv::graph::neighbourhood(store, target, {}, pv::graph::kHubPreview);
                base.push_back(ms(c, Clock::now()));
                (void)n;
                (void)g;
            }
            rows.push_back({what, median(hop), pct(hop, 1.0), median(query), median(base), nodes});
        };
        hopCase(" prompt with 200 outputs", Kind::Prompt, shapes.prompts200);
        hopCase(" tag on 20,000 outputs", Kind::Tag, shapes.tags20k);
        hopCase("n output", Kind::Output, shapes.outputs);
        // The generator's own biggest hubs (Zipf-skewed): a tag and a model "used everywhere".
        auto biggest = [&](const char* rel) -> std::pair<std::string, int64_t> {
            if (!pv::StoreInternals::db(store).queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'pv_counts'")) return {"", 0};
            auto st = pv::StoreInternals::db(store).prepare(std::string("SELECT id, n FROM pv_counts WHERE rel = '") + rel + "' ORDER BY n DESC LIMIT 1");
            if (!st.step()) return {"", 0};
            return {st.getText(0), st.getInt(1)};
        };
        for (auto [rel, kind, name] : {std::tuple{"tag.outputs", Kind::Tag, "tag"}, std::tuple{"model.outputs", Kind::Model, "model"}}) {
            auto [id, n] = biggest(rel);
            if (!id.empty()) hopCase(std::string(" ") + name + " on " + std::to_string(n) + " outputs (the biggest)", kind, {id});
        }

        // Path mode: how two random outputs are connected (bounded bidirectional BFS, ids only).
        std::vector<double> pathMs;
        size_t pathSteps = 0;
        int found = 0;
        for (int r = 0; r < 5; ++r) {
            RecordRef a{Kind::Output, shapes.outputs[size_t(2 * r) % shapes.outputs.size()]};
            RecordRef b{Kind::Output, shapes.outputs[size_t(2 * r + 1) % shapes.outputs.size()]};
            auto t0 = Clock::now();
            auto p = pv::graph::shortestPath(store, a, b, {});
            pathMs.push_back(ms(t0, Clock::now()));
            if (p.found) {
                ++found;
                pathSteps = std::max(pathSteps, p.steps.size() - 1);
            }
        }

        // A 200-node view: the tag's 50 most recent outputs in place, then rings around them.
        view.setAnimationSeconds(0);
        view.focus({Kind::Tag, shapes.tags20k[0]});
        view.showHubInPlace("outputs");
        ui.frame(&view);
        for (const auto& n : view.nodes()) {
            if (view.nodes().size() >= 200) break;
            if (n.ring == 1 && !n.hub) {
                view.expand(n.ref);
                ui.frame(&view);
            }
        }
        size_t panNodes = view.nodes().size();
        // Press on empty canvas (between nodes) and drag in a circle: the view pans every frame.
        ImGuiIO& io = ImGui::GetIO();
        ImVec2 start{1560, 960};
        auto nodesNow = view.nodes();
        for (float y = 980; y > 200; y -= 7) {
            bool hit = false;
            for (const auto& n : nodesNow)
                if (std::abs(n.screenPos.x - start.x) < 140 && std::abs(n.screenPos.y - y) < 45) hit = true;
            if (!hit) {
                start.y = y;
                break;
            }
        }
        io.MousePos = start;
        ui.frame(&view);
        io.MouseDown[0] = true;
        ui.frame(&view);
        std::vector<double> pan;
        for (int i = 0; i < 300; ++i) {
            float t = float(i) / 30.f;
            io.MousePos = {start.x - 260 + 260 * std::cos(t), start.y - 200 * std::sin(t)};
            auto a = Clock::now();
            ui.frame(&view);
            pan.push_back(ms(a, Clock::now()));
        }
        io.MouseDown[0] = false;
        ui.frame(&view);

        char line[512];
        std::printf("| vault | case | hop median (ms) | hop max (ms) | of which query (ms) | baseline graph::neighbourhood, 50 per group (ms) | hop / baseline | nodes drawn |\n");
        std::printf("|---|---|---|---|---|---|---|---|\n");
        for (const auto& r : rows) {
            std::snprintf(line, sizeof line, "| %lld outputs | hop from a%s | %.2f | %.2f | %.2f | %.2f | %.1fx | %zu |",
                          static_cast<long long>(liveOutputs), r.what.c_str(), r.hop, r.hopMax, r.query, r.baseline,
                          r.baseline > 0 ? r.hop / r.baseline : 0.0, r.nodes);
            std::puts(line);
        }
        std::snprintf(line, sizeof line, "| %lld outputs | path search between two random outputs, off the UI thread (%d of 5 found, up to %zu steps) | %.2f | %.2f | - | - | - | - |",
                      static_cast<long long>(liveOutputs), found, pathSteps, median(pathMs), pct(pathMs, 1.0));
        std::puts(line);
        std::snprintf(line, sizeof line, "| %lld outputs | panning a %zu-node view: frame median / p95 | %.3f | %.3f (p95) | - | empty frame %.3f | %.1fx | %zu |",
                      static_cast<long long>(liveOutputs), panNodes, median(pan), pct(pan, 0.95), median(empty),
                      median(empty) > 0 ? median(pan) / median(empty) : 0.0, panNodes);
        std::puts(line);
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pv-bench-graph: " << e.what() << "\n";
        return 1;
    }
}
