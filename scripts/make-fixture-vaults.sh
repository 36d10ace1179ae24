#!/bin/bash
# Makes tests/fixtures/vaults/: one small vault per past vault schema version (1..9), each made by
# the build of a commit where that version was current, with representative data, plus what
# test_fixture_vaults checks them against. Run from the repository (any worktree):
#
#   bash scripts/make-fixture-vaults.sh [VERSION...]      (default: 1 2 3 4 5 6 7 8 9)
#
# Which commit makes which file (the last commit at which that schema version was current, found
# with `git log -G'kSchemaVersion = [0-9]' -- store/Schema.hpp`):
#
#   v1.vault.gz  fc771ee  Foundation (kSchemaVersion was already 2: no build ever stopped at 1, so a
#                         small program built from that commit runs its own migrate(db, 1); every
#                         row is then written through version 1's capture triggers by the sqlite3 shell)
#   v2.vault.gz  eb7320f  last commit at version 2 (before 9ad4eec "store v3")
#   v3.vault.gz  80bcecc  last commit at version 3 (before 3d2d31e "schema version 4"); sync, server schema 1
#   v4.vault.gz  a302772  last commit at version 4 (before ef62415 "schema v5"); server schema 1
#   v5.vault.gz  919e881  last commit at version 5 (before 95c94f5 "Schema 6"); server schema 1
#   v6.vault.gz  5404d20  last commit at version 6 (before 013dd9f "Vault schema 7"); server schema 1
#   v7.vault.gz  b942a53  merge of sync-edge: version 7 with server schema 2 (before the drafts merge)
#   v8.vault.gz  1e73ee6  last commit at version 8 (drafts; QA per prompt, keyring), server schema 2
#   v9.vault.gz  09503f3  last commit at version 9 (lookups for outputs, prompts or both), server schema 3
#
# Each old commit is checked out in a temp worktree /tmp/pv-old-N and only its command line is
# built (-j2): a CLI-only main (the app's main without the ImGui part) is added there, never
# committed. Rows are written by that build's CLI (`add output`) and by the sqlite3 shell, whose
# writes go through that build's own capture triggers (prompt iterations, QA, custom lookups and
# tombstones have no CLI command). For versions with sync (3..9) the vault is synced once to a
# throwaway PostgreSQL by that build, a tag link whose output and tag exist nowhere is refused and
# set aside by a second sync, and more edits are made after it, left pending. The server as that
# build left it is kept as vN.server.sql (pg_dump of schema promptvault), so the test can go on
# syncing against it.
#
# Files per version, in tests/fixtures/vaults/:
#   vN.vault.gz        the vault file (gzip: vaults from version 5 on have 64 KB pages, mostly empty)
#   vN.manifest.json   read from the old vault with Python's sqlite3 before any migration: every
#                      row of every synced table (all columns), every pv_changes entry (seq, table,
#                      row key, op, status), user_version and device id
#   vN.server.sql      (3..9) the old server's schema and rows
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
out=$repo/tests/fixtures/vaults
mkdir -p "$out"
pgbin=${PV_PG_BIN:-/usr/lib/postgresql/15/bin}
versions=${*:-1 2 3 4 5 6 7 8 9}

commit_of() {
  case $1 in
    1) echo fc771ee ;; 2) echo eb7320f ;; 3) echo 80bcecc ;; 4) echo a302772 ;;
    5) echo 919e881 ;; 6) echo 5404d20 ;; 7) echo b942a53 ;; 8) echo 1e73ee6 ;;
    9) echo 09503f3 ;;
    *) echo "no commit for version $1" >&2; exit 2 ;;
  esac
}

# Checks out and builds the old commit's CLI (fixes live in the temp worktree only).
build_old() {
  local n=$1 commit=$2 wt=/tmp/pv-old-$1
  [ -d "$wt" ] || git -C "$repo" worktree add --detach "$wt" "$commit" >/dev/null
  if ! grep -q pv-old-cli "$wt/app/CMakeLists.txt"; then
    cat > "$wt/app/pv_old_cli_main.cpp" <<'CPP'
#include "cli/Cli.hpp"
#include <exception>
#include <iostream>
int main(int argc, char** argv) {
    try {
        auto g = pv::cli::parseGlobal(argc, argv);
        if (g.help) { pv::cli::printUsage(std::cout); return 0; }
        return pv::cli::run(g);
    } catch (const std::exception& e) {
        std::cerr << "promptvault: " << e.what() << "\n";
        return 1;
    }
}
CPP
    printf 'add_executable(pv-old-cli pv_old_cli_main.cpp)\ntarget_link_libraries(pv-old-cli PRIVATE cli)\n' >> "$wt/app/CMakeLists.txt"
    if [ "$n" = 1 ]; then
      cat > "$wt/app/pv_old_v1_main.cpp" <<'CPP'
// Makes a vault at schema version 1 with this build's migrate(db, 1) (no build ever stopped at 1).
#include "Migrations.hpp"
#include "Sqlite.hpp"
int main(int argc, char** argv) {
    if (argc != 2) return 2;
    pv::sql::Db db(argv[1]);
    db.exec("PRAGMA journal_mode = WAL");
    pv::migrate(db, 1);
    return 0;
}
CPP
      printf 'add_executable(pv-old-v1 pv_old_v1_main.cpp)\ntarget_link_libraries(pv-old-v1 PRIVATE store)\n' >> "$wt/app/CMakeLists.txt"
    fi
  fi
  cmake -S "$wt" -B "$wt/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPV_BUILD_APP=OFF -DPV_BUILD_TESTS=OFF -DPV_BUILD_BENCH=OFF >/dev/null
  local targets=pv-old-cli
  [ "$n" = 1 ] && targets="pv-old-cli pv-old-v1"
  cmake --build "$wt/build" -j2 --target $targets >/dev/null
}

# A throwaway PostgreSQL for the versions that sync (as the postgres user when run as root).
pg_dir=""
pg_port=""
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_start() {
  pg_dir=$(mktemp -d /tmp/pv-fixture-pg.XXXXXX)
  chmod 755 "$pg_dir"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$pg_dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_dir -c fsync=off" start >/dev/null
  psql_admin postgres -c "CREATE ROLE pv LOGIN PASSWORD 'pv-fixture-pw'" >/dev/null
}
pg_stop() {
  [ -n "$pg_dir" ] || return 0
  as_pg "$pgbin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null || true
  rm -rf "$pg_dir"
  pg_dir=""
}
trap pg_stop EXIT
psql_admin() { local db=$1; shift; "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "host=$pg_dir port=$pg_port dbname=$db user=postgres" "$@"; }

# Texts that must survive byte for byte: CJK, Arabic and Hebrew (right to left), emoji with joiners
# and flags, a CJK Extension B character, combining accents, quotes, tabs and line breaks.
LONG_TEXT=$(cat <<'TXT'
A CRDT (conflict-free replicated data type) lets replicas accept writes independently and merge them later without coordination.
日本語: 分散システムでは、各レプリカが独立して書き込みを受け付け、後で調停なしに統合できます。中文：无冲突复制数据类型。한국어도 있습니다.
العربية: البيانات المكررة الخالية من التعارض تسمح لكل نسخة بقبول الكتابة بشكل مستقل.
עברית: כל עותק מקבל כתיבות באופן עצמאי ומתמזג מאוחר יותר.
Emoji: 🚀 👩‍💻 🇯🇵 👍🏽 — astral CJK: 𠀋𡈽 — combining: é é — quotes: 'single' "double" `back` — tab:	end
TXT
)
LONG_TEXT="$LONG_TEXT
$(for i in $(seq 1 12); do printf 'Paragraph %d: last-writer-wins per column, tombstones for deletes, hybrid logical clocks — 段落 %d — فقرة %d 🧪\n' "$i" "$i" "$i"; done)"
sq() { printf "%s" "$1" | sed "s/'/''/g"; }  # quoted for an SQL string literal

make_vault() {
  local n=$1 commit wt cli v work
  commit=$(commit_of "$n")
  echo "v$n: building $commit" >&2
  build_old "$n" "$commit"
  wt=/tmp/pv-old-$n
  cli=$wt/build/app/pv-old-cli
  work=$(mktemp -d /tmp/pv-fixture.XXXXXX)
  v=$work/v$n.vault
  if [ "$n" = 1 ]; then
    "$wt/build/app/pv-old-v1" "$v"
  else
    # The vault is made by this build's command line with its first output (prompt, model, agent
    # and tags are made by name).
    "$cli" --vault "$v" add output --prompt "Summarise the meeting — 会議の要約" --prompt-title "Meeting summary 📝" --model o1-preview \
      --provider openai --agent "CLI agent" --tag "cli ✨" --tag "meetings" --rating 3 --text "$LONG_TEXT" --edited "Edited: שלום 🌍" \
      --notes "from the CLI" --source chatgpt --conversation-id conv-cli --conversation-url "https://chat.openai.com/c/conv-cli" >/dev/null
  fi

  local long; long=$(sq "$LONG_TEXT")
  # Rows every version has (written through this build's capture triggers).
  sqlite3 "$v" <<SQL
INSERT INTO models(id, name, provider, notes) VALUES ('fx-model-1', 'gpt-4o', 'openai', 'the default model');
INSERT INTO models(id, name, provider) VALUES ('fx-model-2', 'claude-3-opus', 'anthropic');
INSERT INTO agents(id, name, platform, url, default_model_id, description, instructions)
  VALUES ('fx-agent-1', 'Tutor 先生', 'chatgpt', 'https://chat.openai.com/g/g-tutor', 'fx-model-1', 'Explains things', 'Answer briefly. 简短回答。');
INSERT INTO prompts(id, title, body, notes) VALUES ('fx-prompt-1', 'Explain CRDTs', 'Explain CRDTs in one paragraph. 用一段话解释。', 'first try');
INSERT INTO prompts(id, derived_from_id, title, body) VALUES ('fx-prompt-2', 'fx-prompt-1', 'Explain CRDTs (v2)', 'Explain CRDTs in one paragraph, with an example. اشرح مع مثال.');
INSERT INTO tags(id, name, color) VALUES ('fx-tag-1', 'distributed', '#3366ff'), ('fx-tag-2', '日本語', ''), ('fx-tag-old', 'obsolete', '');
INSERT INTO outputs(id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title, message_id,
                    conversation_url, notes, output, output_edited)
  VALUES ('fx-output-1', 'fx-prompt-1', 'fx-model-1', 'fx-agent-1', 4, '2026-11-20T10:00:00.000Z', 'chatgpt', 'conv-1', 'CRDTs 🚀',
          'msg-1', 'https://chat.openai.com/c/conv-1', 'kept for the talk', '$long', 'My corrected version: CRDTs merge without coordination. ✅');
INSERT INTO outputs(id, prompt_id, model_id, rating, output) VALUES ('fx-output-2', 'fx-prompt-2', 'fx-model-2', 5, 'שלום! مرحبا! 你好! 👋 A shorter answer.');
INSERT INTO output_tags(output_id, tag_id) VALUES ('fx-output-1', 'fx-tag-1'), ('fx-output-1', 'fx-tag-2'), ('fx-output-2', 'fx-tag-old');
INSERT INTO prompt_tags(prompt_id, tag_id) VALUES ('fx-prompt-1', 'fx-tag-1');
INSERT INTO qa_activities(id, name, description, sort_order) VALUES ('fx-qa-1', 'Fact-check', 'Check every claim', 1), ('fx-qa-2', 'Tone', '', 2);
INSERT INTO prompt_qa_checks(prompt_id, qa_activity_id, done, done_at, note) VALUES ('fx-prompt-1', 'fx-qa-1', 1, '2026-11-21T09:00:00.000Z', 'ok ✔');
SQL
  if [ "$n" -ge 2 ]; then
    sqlite3 "$v" <<'SQL'
INSERT INTO lookups(id, name, applies_to, multi, sort_order) VALUES ('fx-lookup-1', 'Project', 'outputs', 0, 1), ('fx-lookup-2', 'Audience', 'prompts', 1, 2);
INSERT INTO lookup_values(id, lookup_id, value, sort_order) VALUES ('fx-lv-1', 'fx-lookup-1', 'Talk 2026', 1), ('fx-lv-2', 'fx-lookup-1', 'مشروع', 2),
  ('fx-lv-3', 'fx-lookup-2', 'students 学生', 1);
INSERT INTO output_lookup_values(output_id, lookup_value_id) VALUES ('fx-output-1', 'fx-lv-1');
INSERT INTO prompt_lookup_values(prompt_id, lookup_value_id) VALUES ('fx-prompt-1', 'fx-lv-3');
SQL
  fi

  local server=""
  if [ "$n" -ge 3 ]; then
    [ -n "$pg_dir" ] || pg_start
    local db="pvfx$n"
    psql_admin postgres -c "CREATE DATABASE $db OWNER pv" >/dev/null
    local ci="host=127.0.0.1 port=$pg_port dbname=$db user=pv password=pv-fixture-pw"
    "$cli" --vault "$v" sync --pg "$ci" >/dev/null
    # Refused by the server (no such output or tag anywhere): set aside by the second sync.
    sqlite3 "$v" "PRAGMA foreign_keys = OFF; INSERT INTO output_tags(output_id, tag_id) VALUES ('fx-output-nowhere', 'fx-tag-nowhere');"
    "$cli" --vault "$v" sync --pg "$ci" >/dev/null 2>&1 || true
    if [ "$(sqlite3 "$v" "SELECT count(*) FROM pv_changes WHERE status = 'set_aside'")" != 1 ]; then
      echo "v$n: the refused link was not set aside" >&2; exit 1
    fi
    server=$db
  fi

  # Edits left pending: an update of a long text, a rating, a tombstone, a new iteration and output,
  # a QA check done, a lookup link.
  sqlite3 "$v" <<SQL
UPDATE outputs SET output_edited = 'Second correction — 第二版 — النسخة الثانية 🔁', rating = 5 WHERE id = 'fx-output-1';
DELETE FROM tags WHERE id = 'fx-tag-old';
INSERT INTO prompts(id, derived_from_id, title, body) VALUES ('fx-prompt-3', 'fx-prompt-2', 'Explain CRDTs (v3)', 'Now for children. 子供向け。');
INSERT INTO outputs(id, prompt_id, model_id, agent_id, rating, output, output_edited) VALUES ('fx-output-3', 'fx-prompt-3', 'fx-model-2', 'fx-agent-1', 2,
  '$long', NULL);
INSERT INTO prompt_qa_checks(prompt_id, qa_activity_id, done, note) VALUES ('fx-prompt-3', 'fx-qa-2', 0, 'todo: 𠀋');
UPDATE models SET notes = 'renamed note ✏️' WHERE id = 'fx-model-2';
SQL
  if [ "$n" -ge 2 ]; then
    sqlite3 "$v" "INSERT INTO output_lookup_values(output_id, lookup_value_id) VALUES ('fx-output-3', 'fx-lv-2');"
  fi

  if [ "$(sqlite3 "$v" 'PRAGMA user_version')" != "$n" ]; then echo "v$n: vault is at version $(sqlite3 "$v" 'PRAGMA user_version')" >&2; exit 1; fi
  python3 - "$v" "$out/v$n.manifest.json" "$commit" <<'PY'
import json, sqlite3, sys
path, dest, commit = sys.argv[1:4]
db = sqlite3.connect(path)
synced = ["models", "agents", "prompts", "tags", "outputs", "output_tags", "prompt_tags", "qa_activities", "prompt_qa_checks",
          "lookups", "lookup_values", "output_lookup_values", "prompt_lookup_values"]
present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
tables = {}
for t in synced:
    if t not in present:
        continue
    cur = db.execute(f"SELECT * FROM {t} ORDER BY rowid")
    names = [d[0] for d in cur.description]
    tables[t] = [dict(zip(names, row)) for row in cur]
changes = [dict(seq=r[0], tbl=r[1], row_key=r[2], op=r[3], status=r[4])
           for r in db.execute("SELECT seq, tbl, row_key, op, status FROM pv_changes ORDER BY seq")]
manifest = {
    "made_by_commit": commit,
    "user_version": db.execute("PRAGMA user_version").fetchone()[0],
    "device_id": db.execute("SELECT device_id FROM pv_sync_state").fetchone()[0],
    "tables": tables,
    "changes": changes,
}
with open(dest, "w", encoding="utf-8") as f:
    json.dump(manifest, f, ensure_ascii=False, indent=1, sort_keys=True)
    f.write("\n")
PY
  sqlite3 "$v" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  rm -f "$v-wal" "$v-shm"
  gzip -9 -n -c "$v" > "$out/v$n.vault.gz"
  if [ -n "$server" ]; then
    "$pgbin/pg_dump" --no-privileges -n promptvault "host=$pg_dir port=$pg_port dbname=$server user=postgres" |
      grep -v '^SET transaction_timeout' > "$out/v$n.server.sql"
  fi
  rm -rf "$work"
  echo "v$n: $(stat -c %s "$out/v$n.vault.gz") bytes gzipped, made by $commit" >&2
}

for n in $versions; do make_vault "$n"; done
