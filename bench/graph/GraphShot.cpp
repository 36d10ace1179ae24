// pv-graph-shot: opens a real GLFW/OpenGL window (run it under `xvfb-run -a` on a headless box),
// renders the graph view for a few frames and saves the window as a PNG. With --demo it first
// writes a small, realistic demo vault (the README screenshot); otherwise it shows --select in --vault.
#include "CommandLine.hpp"
#include "Graph.hpp"
#include "Store.hpp"
#include "ui/graph/GraphView.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

using pv::Kind;
using pv::RecordRef;

namespace {

RecordRef parseRef(const std::string& s) {
    auto colon = s.find(':');
    auto kind = colon == std::string::npos ? std::nullopt : pv::kindFromName(s.substr(0, colon));
    if (!kind) throw std::runtime_error("'" + s + "' is not KIND:ID (e.g. prompt:0193...)");
    return {*kind, s.substr(colon + 1)};
}

struct Demo {
    RecordRef focus;
    std::vector<RecordRef> expand;
};

// A person's week with LLMs, small enough to read in one picture.
Demo writeDemo(pv::Store& s) {
    Demo d;
    s.transaction([&] {
        auto gpt = s.createModel({.name = "gpt-4o", .provider = "openai"});
        auto claude = s.createModel({.name = "claude-3.5-sonnet", .provider = "anthropic"});
        auto o3 = s.createModel({.name = "o3-mini", .provider = "openai"});
        pv::Agent tutor;
        tutor.name = "Distributed Systems Tutor";
        tutor.platform = "chatgpt";
        tutor.defaultModelId = gpt.id;
        tutor = s.createAgent(tutor);
        auto base = s.createPrompt({.title = "Explain CRDTs", .body = "Explain CRDTs."});
        pv::Prompt p;
        p.title = "Explain CRDTs in one paragraph";
        p.body = "Explain CRDTs in one paragraph for a backend engineer who knows Postgres.";
        p.derivedFromId = base.id;
        p = s.createPrompt(p);
        pv::Prompt it1;
        it1.title = "Explain CRDTs with a shopping-cart example";
        it1.body = "Same, with a shopping cart.";
        it1.derivedFromId = p.id;
        s.createPrompt(it1);
        pv::Prompt it2;
        it2.title = "CRDTs vs OT, one table";
        it2.body = "Compare CRDTs and OT in a table.";
        it2.derivedFromId = p.id;
        s.createPrompt(it2);
        auto distributed = s.createTag({.name = "distributed-systems"});
        auto explain = s.createTag({.name = "explainers"});
        auto keep = s.createTag({.name = "keep"});
        s.linkTag(Kind::Prompt, p.id, distributed.id);
        s.linkTag(Kind::Prompt, p.id, explain.id);
        const char* qa[] = {"Facts checked", "Tried on two models", "Edge cases covered", "Reviewed by a peer"};
        std::vector<pv::QaActivity> acts;
        for (int i = 0; i < 4; ++i) acts.push_back(s.createQaActivity({.name = qa[i], .sortOrder = i}));
        s.setQaCheck(p.id, acts[0].id, true, "");
        s.setQaCheck(p.id, acts[1].id, true, "gpt-4o and claude");
        struct O {
            const char* text;
            const pv::Model* m;
            int rating;
            bool edited;
        } outs[] = {
            {"A CRDT is a data type whose replicas can be updated independently and always merge to the same state.", &gpt, 5, true},
            {"Conflict-free replicated data types let every node accept writes offline; merges are commutative.", &claude, 4, false},
            {"Think of a CRDT as a set of operations that commute, so order of arrival does not matter.", &o3, 3, false},
            {"CRDTs: state-based (merge = join of a semilattice) or operation-based (commutative ops).", &claude, 5, true},
            {"In Postgres terms: like a row that every replica can update, merged without locks.", &gpt, 4, false},
            {"A grow-only counter is the simplest CRDT: each node increments its own slot.", &o3, 2, false},
        };
        std::vector<std::string> ids;
        int k = 0;
        for (const auto& o : outs) {
            pv::Output out;
            out.promptId = p.id;
            out.modelId = o.m->id;
            out.agentId = k % 2 ? std::optional<std::string>() : tutor.id;
            out.output = o.text;
            if (o.edited) out.outputEdited = std::string(o.text) + " (edited)";
            out.rating = o.rating;
            char at[40];
            std::snprintf(at, sizeof at, "2026-11-%02dT10:00:00.000Z", 10 + k++);
            out.capturedAt = at;
            out = s.createOutput(out);
            ids.push_back(out.id);
        }
        s.linkTag(Kind::Output, ids[0], keep.id);
        s.linkTag(Kind::Output, ids[0], distributed.id);
        s.linkTag(Kind::Output, ids[3], keep.id);
        // The tag is a hub elsewhere: 180 more outputs under other prompts.
        auto other = s.createPrompt({.title = "Design review notes", .body = "Summarise the review"});
        for (int i = 0; i < 180; ++i) {
            pv::Output out;
            out.promptId = other.id;
            out.modelId = gpt.id;
            out.output = "Review note " + std::to_string(i);
            out = s.createOutput(out);
            s.linkTag(Kind::Output, out.id, distributed.id);
        }
        d.focus = {Kind::Prompt, p.id};
        d.expand = {{Kind::Output, ids[0]}};
    });
    return d;
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::string out, vault, demo;
        std::optional<RecordRef> select;
        std::vector<RecordRef> expand;
        std::optional<RecordRef> pathTo;
        std::string list;
        int width = 1500, height = 900;
        std::string selectText, pathText, size;
        std::vector<std::string> expandText;
        const CLI::Validator isRef(
            [](std::string& v) -> std::string {
                try {
                    parseRef(v);
                    return {};
                } catch (const std::exception& e) {
                    return e.what();
                }
            },
            "KIND:ID");
        CLI::App cli("Draws the graph view around a record and saves it as a PNG.\n"
                     "KIND is prompt, output, model, agent, tag, qa_activity, lookup or lookup_value.",
                     "pv-graph-shot");
        cli.add_option("--out", out, "the PNG to write")->required();
        CLI::Option* demoOpt = cli.add_option("--demo", demo, "write a demo vault to this file (replaced) and draw it");
        CLI::Option* vaultOpt = cli.add_option("--vault", vault, "draw this vault (with --select)");
        CLI::Option* selectOpt = cli.add_option("--select", selectText, "the record in focus")->check(isRef);
        cli.add_option("--expand", expandText, "a record to expand (repeatable)")->check(isRef);
        cli.add_option("--path", pathText, "show the path from the focus to this record")->check(isRef);
        cli.add_option("--list", list, "open this relation's list");
        cli.add_option("--size", size, "image size WxH (at least 200x200)")->check(pv::cmdline::sizeWxH(200, 200));
        demoOpt->excludes(vaultOpt);
        vaultOpt->needs(selectOpt);
        if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
        if (demo.empty() && vault.empty()) {
            std::cerr << "pv-graph-shot: give --demo DB, or --vault DB with --select KIND:ID (see --help)\n";
            return 2;
        }
        if (!selectText.empty()) select = parseRef(selectText);
        if (!pathText.empty()) pathTo = parseRef(pathText);
        for (const auto& e : expandText) expand.push_back(parseRef(e));
        if (!size.empty()) pv::cmdline::parseSize(size, width, height);
        if (!demo.empty()) {
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(demo + suffix);
            vault = demo;
        }
        pv::Store store(vault);
        if (!demo.empty()) {
            Demo d = writeDemo(store);
            select = d.focus;
            expand.insert(expand.end(), d.expand.begin(), d.expand.end());
        }

        glfwSetErrorCallback([](int, const char* what) { std::cerr << "glfw: " << what << "\n"; });
        if (!glfwInit()) throw std::runtime_error("no display: run under `xvfb-run -a`");
        glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
        glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
        GLFWwindow* window = glfwCreateWindow(width, height, "Promptvault graph", nullptr, nullptr);
        if (!window) throw std::runtime_error("could not open an OpenGL 3 window");
        glfwMakeContextCurrent(window);
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        ImVector<ImWchar> ranges;
        ImFontGlyphRangesBuilder glyphs;
        glyphs.AddRanges(io.Fonts->GetGlyphRangesDefault());
        glyphs.AddText("\xE2\x98\x85\xE2\x80\xA6\xE2\x80\x94");  // star, ellipsis, dash
        glyphs.BuildRanges(&ranges);
        if (std::filesystem::exists(font)) io.Fonts->AddFontFromFileTTF(font, 15.f, nullptr, ranges.Data);
        ImGui::StyleColorsDark();
        ImGui_ImplGlfw_InitForOpenGL(window, true);
        ImGui_ImplOpenGL3_Init("#version 130");

        pv::ui::GraphView view(store);
        view.setAnimationSeconds(0);
        view.focus(*select);
        for (const auto& r : expand) view.expand(r);
        if (pathTo) view.showPath(*select, *pathTo);
        if (!list.empty()) view.openList(list);
        glfwSetCursorPos(window, width - 5, height - 5);  // not over a node: no hover highlight
        bool saved = false;
        for (int f = 0; !saved && f < 5000; ++f) {
            glfwPollEvents();
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            ImGui::SetNextWindowPos({0, 0});
            ImGui::SetNextWindowSize(io.DisplaySize);
            ImGui::Begin("Graph", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
            view.drawContents();
            ImGui::End();
            ImGui::Render();
            int w = 0, h = 0;
            glfwGetFramebufferSize(window, &w, &h);
            glViewport(0, 0, w, h);
            glClearColor(0.07f, 0.07f, 0.09f, 1);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            // A path is searched on a thread: keep drawing until it is shown.
            if (f >= 5 && !view.pathSearching()) {
                saved = true;
                std::vector<unsigned char> px(size_t(w) * size_t(h) * 4);
                glPixelStorei(GL_PACK_ALIGNMENT, 1);
                glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
                stbi_flip_vertically_on_write(1);
                if (!stbi_write_png(out.c_str(), w, h, 4, px.data(), w * 4)) throw std::runtime_error("could not write " + out);
            }
            glfwSwapBuffers(window);
        }
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        glfwDestroyWindow(window);
        glfwTerminate();
        std::cout << out << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pv-graph-shot: " << e.what() << "\n";
        return 1;
    }
}
