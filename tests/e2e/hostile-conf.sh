# ngxlint on hostile configurations, made here (under $TMP, each case in
# its own directory, its main file main.conf):
#
#   glob-5000     an include glob matching 5,000 files, one of them broken
#   nest-300      includes nested 300 deep (ngxlint stops at 200)
#   cycle, self-include, glob-cycle, spelled-cycle
#                 include cycles: two files, a file including itself, a
#                 glob that matches the file it is in, a file including
#                 itself under ten spellings ("conf.d/./a.conf")
#   huge-1g       a sparse 1 GB file: one comment that long (nginx and
#                 ngxlint: "too long parameter"), then directives; on disk
#                 a few KB (HOSTILE_BIG_MB sets the size)
#   many-lines    64 MB of real lines (comments and upstreams) and a
#                 broken block at the end; written, then deleted
#   lua-nest-open a content_by_lua_block with a million "{" never closed
#   lua-nest-balanced
#                 a million "{" closed again (a valid block for nginx;
#                 LuaJIT would refuse it): bounded time and memory only
#   utf8          invalid UTF-8 in names, arguments, Lua and comments, and
#                 a block left open
#   nul           NUL bytes in a directive, an include path, Lua, comments
#   not-regular   includes of a directory, a FIFO, /dev/zero, a symlink
#                 loop, a dangling symlink (and a chmod 000 file when not
#                 root: root reads those anyway); Lua files that are a
#                 FIFO, a directory, /dev/zero
#   main-*        the main file itself a FIFO, a directory, /dev/zero
#                 (ngxlint lua reads a directory as a tree of Lua files)
#
# The 1 GB file is read whole (1 GB of memory; the parse stops at the
# "too long parameter", as nginx's does) in 2 to 4 s, and its one line is
# quoted around the column only.  The Lua nested a million deep (balanced) would
# cost tree-sitter about 1 s and 450 MB: ngxlint stops at 1,000 levels.
# Each case through `ngxlint conf` (text and JSON), `ngxlint conf --fix
# --write` and `ngxlint lua`, under `timeout` and `ulimit -v`
# (HOSTILE_MEM_KB, default 2 GB).  Pass: no signal, no timeout; the exit
# the case calls for (1 or 2 where the input is broken); the message has
# FILE:LINE (the path alone for a main file that cannot be read); the JSON
# is one document; --write changes no byte and leaves no file behind
# (checksums of every file of the case before and after).
#
# Needs python3 (to generate), mkfifo, md5sum.
# shellcheck disable=SC3045  # ulimit -v: dash, bash and busybox have it
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

MEM_KB=${HOSTILE_MEM_KB:-2097152}
# an ASan build reserves terabytes of address space for its shadow memory:
# no address-space bound then (the sanitizer reports what it finds)
if ldd "${NGXLINT:-build/ngxlint}" 2>/dev/null | grep -q libasan; then
    MEM_KB=unlimited
fi
BIG_MB=${HOSTILE_BIG_MB:-1024}
LINES_MB=${HOSTILE_LINES_MB:-64}

for t in python3 mkfifo md5sum timeout truncate; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "$t is missing"
        exit 77
    fi
done

LC_ALL=C
export LC_ALL
C="$TMP/c"
mkdir -p "$C"


# --- helpers

# sums DIR: every file under DIR (not following FIFOs), its size, and its
# MD5 when it is small; big files by size, mtime and inode (a gigabyte is
# not read twice per run)
sums() {
    find "$1" -xdev | sort | while read -r f; do
        if [ -f "$f" ] && [ ! -L "$f" ]; then
            if [ "$(stat -c %s "$f")" -gt 67108864 ]; then
                stat -c '%n %s %Y %i' "$f"
            else
                md5sum "$f"
            fi
        else
            stat -c '%n %F' "$f"
        fi
    done
}

# ngx LIMIT ARGS...: ngxlint ARGS under the time LIMIT and the memory bound
ngx() {
    n_limit=$1
    shift
    T0=$(date +%s)
    run sh -c 'ulimit -v "$1" 2>/dev/null; shift; exec timeout "$@"' sh \
        "$MEM_KB" "$n_limit" "$NGXLINT" "$@"
    SECS=$(($(date +%s) - T0))
}

# verdict DESC EXITS WHERE: $RC is one of EXITS ("1 2"), not a signal or a
# timeout, and stdout or stderr has WHERE (an extended regex: FILE:LINE)
verdict() {
    v_desc=$1
    v_exits=$2
    v_where=$3
    case $RC in
    124) not_ok "$v_desc: hangs (killed after its time limit)"; return ;;
    0|1|2) ;;
    *)   not_ok "$v_desc: exit $RC (a signal or an abort)" "$(printf '%s\n' "$ERR" | tail -5)"; return ;;
    esac
    case " $v_exits " in
    *" $RC "*) ;;
    *) not_ok "$v_desc: exit $RC, expected one of: $v_exits" \
           "$(printf '%s\n%s\n' "$OUT" "$ERR" | cut -c1-300 | head -20)"; return ;;
    esac
    if [ -n "$v_where" ] && ! printf '%s\n%s\n' "$OUT" "$ERR" | grep -Eq -- "$v_where"; then
        not_ok "$v_desc: exit $RC, but no /$v_where/ in the output" \
            "$(printf '%s\n%s\n' "$OUT" "$ERR" | cut -c1-300 | head -20)"
        return
    fi
    ok "$v_desc (exit $RC, ${SECS}s)"
}

# json_ok DESC: $OUT is one JSON document with findings
json_ok() {
    if printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d["findings"], list)
for f in d["findings"]:
    assert isinstance(f["message"], str) and isinstance(f["file"], str), f
' 2>"$TMP/json.err"; then
        ok "$1: the JSON is one document, every finding with its message and file"
    else
        not_ok "$1: the JSON is not the contract's" "$(tail -3 "$TMP/json.err")"
    fi
}

# hostile NAME MAIN CONF_EXITS WHERE LUA_EXITS LUA_WHERE [LIMIT]: the four
# runs of one case; MAIN is the path given to ngxlint (relative to the
# case's directory, where it runs)
hostile() {
    h_name=$1
    h_main=$2
    h_conf=$3
    h_where=$4
    h_lua=$5
    h_lwhere=$6
    h_limit=${7:-20}
    h_dir="$C/$h_name"

    cd "$h_dir" || exit 1

    ngx "$h_limit" conf "$h_main"
    verdict "$h_name: ngxlint conf" "$h_conf" "$h_where"

    ngx "$h_limit" conf --format json "$h_main"
    case $RC in
    0|1) json_ok "$h_name: ngxlint conf --format json" ;;
    *)   verdict "$h_name: ngxlint conf --format json" "$h_conf" "$h_where" ;;
    esac

    sums "$h_dir" >"$TMP/before"
    ngx "$h_limit" conf --fix --write "$h_main"
    verdict "$h_name: ngxlint conf --fix --write" 2 "$h_where"
    sums "$h_dir" >"$TMP/after"
    if cmp -s "$TMP/before" "$TMP/after"; then
        ok "$h_name: --write changed nothing and left nothing behind"
    else
        not_ok "$h_name: --write changed files" "$(diff "$TMP/before" "$TMP/after" | head -20)"
    fi

    ngx "$h_limit" lua "$h_main"
    verdict "$h_name: ngxlint lua" "$h_lua" "$h_lwhere"

    cd "$NGXL_ROOT" || exit 1
}

# mk NAME: a fresh directory for a case
mk() {
    mkdir -p "$C/$1"
    D="$C/$1"
}

UPS='upstream %s { server 127.0.0.1:%d; }\n'
SRV='    server { listen 8080; location / { proxy_pass http://%s; } }\n'


# --- include bombs

mk glob-5000
mkdir "$D/many"
python3 - "$D/many" <<'EOF'
import sys
d = sys.argv[1]
for i in range(5000):
    with open("%s/u%04d.conf" % (d, i), "w") as f:
        f.write("upstream u%d { server 127.0.0.1:%d; }\n" % (i, 20000 + i % 1000))
with open("%s/u4321.conf" % d, "w") as f:
    f.write("upstream broken {\n    server 127.0.0.1:20001;\n")
EOF
{
    printf 'events {}\nhttp {\n    include many/*.conf;\n'
    # shellcheck disable=SC2059  # the format is ours
    printf "$SRV" u1
    printf '}\n'
} >"$D/main.conf"
hostile glob-5000 main.conf 1 'many/u4321\.conf:3:' 2 'many/u4321\.conf:3:'

mk nest-300
i=0
while [ $i -lt 300 ]; do
    printf '# level %d\ninclude n%d.conf;\n' $i $((i + 1)) >"$D/n$i.conf"
    i=$((i + 1))
done
# shellcheck disable=SC2059
printf "$UPS" deep 20000 >"$D/n300.conf"
printf 'events {}\nhttp {\n    include n0.conf;\n}\n' >"$D/main.conf"
hostile nest-300 main.conf 1 'n[0-9]+\.conf:2:([0-9]+:)? (error: )?includes nested more than' \
    2 'n[0-9]+\.conf:2:([0-9]+:)? (error: )?includes nested more than'

CYCLE='([0-9]+:)? (error: )?include cycle'
mk cycle
printf 'events {}\nhttp {\n    include a.conf;\n}\n' >"$D/main.conf"
printf '# a\ninclude b.conf;\n' >"$D/a.conf"
printf '# b\n\ninclude a.conf;\n' >"$D/b.conf"
hostile cycle main.conf 1 "b\\.conf:3:$CYCLE" 2 "b\\.conf:3:$CYCLE"

mk self-include
printf 'events {}\nhttp {\n    include main.conf;\n}\n' >"$D/main.conf"
hostile self-include main.conf 1 "main\\.conf:3:$CYCLE" 2 "main\\.conf:3:$CYCLE"

mk glob-cycle
mkdir "$D/conf.d"
printf 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n' >"$D/main.conf"
# shellcheck disable=SC2059
printf "$UPS" one 20001 >"$D/conf.d/one.conf"
printf '# two\ninclude conf.d/*.conf;\n' >"$D/conf.d/two.conf"
hostile glob-cycle main.conf 1 "two\\.conf:2:$CYCLE" 2 "two\\.conf:2:$CYCLE"

# the same file under ten spellings ("conf.d/./a.conf", ...): a cycle is
# the same file (device and inode), whatever the path; taken by path, each
# spelling was a new file, and the includes branched to 100,000 copies
mk spelled-cycle
mkdir "$D/conf.d"
printf 'events {}\nhttp {\n    include conf.d/a.conf;\n}\n' >"$D/main.conf"
s=conf.d/a.conf
for _ in 1 2 3 4 5 6 7 8 9 10; do
    printf 'include %s;\n' "$s"
    s=$(printf '%s' "$s" | sed 's|^conf\.d/|conf.d/./|')
done >"$D/conf.d/a.conf"
hostile spelled-cycle main.conf 1 "a\\.conf:1:$CYCLE" 2 "a\\.conf:1:$CYCLE"
cd "$D" || exit 1
ngx 20 conf main.conf
cd "$NGXL_ROOT" || exit 1
n=$(printf '%s\n' "$ERR$OUT" | grep -c 'error: include cycle')
if [ "$n" -eq 10 ]; then
    ok "spelled-cycle: one cycle per spelling, seen at the first repeat (10)"
else
    not_ok "spelled-cycle: $n include cycles reported (want 10)"
fi


# --- size

# one comment of BIG_MB (sparse: zeros, a few KB on disk), then directives
mk huge-1g
printf '# a comment as long as the file' >"$D/main.conf"
truncate -s "$((BIG_MB * 1048576))" "$D/main.conf"
# shellcheck disable=SC2059
{ printf '\nevents {}\nhttp {\n    '; printf "$UPS" u 20000; printf "$SRV" u; printf '}\n'; } >>"$D/main.conf"
hostile huge-1g main.conf 1 'main\.conf:1:' 2 'main\.conf:1:' 120
rm -f "$D/main.conf"

# LINES_MB of real lines: comments and upstreams, a block left open at the end
mk many-lines
python3 - "$D/main.conf" "$LINES_MB" <<'EOF'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
chunk = []
for i in range(1000):
    chunk.append("# comment line %d, to make the file long: %s\n" % (i, "x" * 40))
    chunk.append("upstream u%d { server 127.0.0.1:%d; }\n" % (i, 20000 + i))
chunk = "".join(chunk).encode()
with open(path, "wb") as f:
    f.write(b"events {}\nhttp {\n")
    n = 0
    while n < mb << 20:
        f.write(chunk)
        n += len(chunk)
    f.write(b"    server { listen 8080; location / {\n")
EOF
last=$(wc -l <"$D/main.conf" | tr -d ' ')
hostile many-lines main.conf 1 "main\\.conf:$((last + 1)):" 2 "main\\.conf:$((last + 1)):" 120
rm -f "$D/main.conf"


# --- Lua nested a million deep

mk lua-nest-open
python3 - "$D/main.conf" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("events {}\nhttp {\n    server {\n        location / {\n"
            "            content_by_lua_block {\n                local t = ")
    f.write("{" * 1000000 + "\n")
EOF
hostile lua-nest-open main.conf 1 'main\.conf:6:' 2 'main\.conf:6:' 60

mk lua-nest-balanced
python3 - "$D/main.conf" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("events {}\nhttp {\n    server {\n        location / {\n"
            "            content_by_lua_block {\n                local t = ")
    f.write("{" * 1000000 + "}" * 1000000)
    f.write("\n                ngx.say(ngx.var.http_x_deep)\n"
            "            }\n        }\n    }\n}\n")
EOF
# valid for nginx, but LuaJIT refuses it (200 syntax levels at most):
# lua-syntax at the 1001st "{" (line 6, column 27 + 1000), the Lua before
# it still read, nothing after it given to tree-sitter (~440 MB if it were)
cd "$D" || exit 1
ngx 60 conf main.conf
verdict "lua-nest-balanced: ngxlint conf (config rules only)" "0 1" ""
ngx 60 lua main.conf
verdict "lua-nest-balanced: ngxlint lua" "1" \
    'main\.conf:6:1027: error: brackets and blocks nested more than 1000 deep.*\[lua-syntax\]'
if [ "$MEM_KB" != unlimited ]; then
    MEM_KB=262144 ngx 60 lua main.conf
    verdict "lua-nest-balanced: ngxlint lua in 256 MB of address space" "1" 'main\.conf:6:1027:'
fi
cd "$NGXL_ROOT" || exit 1


# --- bytes: invalid UTF-8, NUL

mk utf8
printf 'events {}\nhttp {\n    # \377\376 a comment\n    upstream \377\376bad { server 127.0.0.1:20000; }\n    server {\n        server_name \303\050 \355\240\200.example;\n        location / {\n            proxy_pass http://\377\376bad;\n        }\n        location /lua {\n            content_by_lua_block {\n                local v = ngx.var["\377\376"] .. ngx.var.http_x_\351\n                ngx.say("\300\257", v)\n            }\n        }\n        location \377 {\n' >"$D/main.conf"
hostile utf8 main.conf 1 'main\.conf:17:' 2 'main\.conf:17:'
# the same, closed: findings whose messages quote the bytes, in JSON
mk utf8-closed
sed '$d' "$C/utf8/main.conf" >"$D/main.conf"
printf '    }\n}\n' >>"$D/main.conf"
cd "$D" || exit 1
ngx 20 conf --format json main.conf
verdict "utf8-closed: ngxlint conf --format json" 1 'upstream-keepalive'
json_ok "utf8-closed: ngxlint conf --format json"
ngx 20 conf --format sarif main.conf
if printf '%s' "$OUT" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null; then
    ok "utf8-closed: --format sarif is JSON"
else
    not_ok "utf8-closed: --format sarif is not JSON" "$(printf '%s' "$OUT" | head -c 300)"
fi
ngx 20 lua --format json main.conf
json_ok "utf8-closed: ngxlint lua --format json"
cd "$NGXL_ROOT" || exit 1

mk nul
printf 'events {}\nhttp {\n    # a comment \000 with a NUL\n    upstream a\000b { server 127.0.0.1:20000; }\n    server {\n        location / {\n            content_by_lua_block {\n                ngx.say("\000", ngx.var.http_x_\000nul)\n            }\n        }\n        location /x { proxy_pass http://a\000b; }\n    }\n    include "inc\000.conf";\n}\n' >"$D/main.conf"
: >"$D/inc"
hostile nul main.conf 1 'main\.conf:13:([0-9]+:)? (error: )?include path has a NUL byte' \
    2 'main\.conf:13:([0-9]+:)? (error: )?include path has a NUL byte'


# --- what cannot be read

mk not-regular
mkdir "$D/dir.conf"
mkfifo "$D/fifo.conf"
ln -s loop2.conf "$D/loop1.conf"
ln -s loop1.conf "$D/loop2.conf"
ln -s no-such.conf "$D/dangling.conf"
mkfifo "$D/fifo.lua"
mkdir "$D/dir.lua"
printf 'events {}\nhttp {\n    include dir.conf;\n    include fifo.conf;\n    include /dev/zero;\n    include loop1.conf;\n    include dangling.conf;\n    server {\n        location /a { content_by_lua_file fifo.lua; }\n        location /b { content_by_lua_file dir.lua; }\n        location /c { content_by_lua_file /dev/zero; }\n    }\n}\n' >"$D/main.conf"
cd "$D" || exit 1
ngx 20 conf main.conf
for n in 3 4 5 6 7; do
    verdict "not-regular: ngxlint conf: the include at line $n" 1 "main\\.conf:$n:[0-9]+: error: "
done
sums "$D" >"$TMP/before"
ngx 20 conf --fix --write main.conf
verdict "not-regular: ngxlint conf --fix --write" 2 'main\.conf:3:'
sums "$D" >"$TMP/after"
if cmp -s "$TMP/before" "$TMP/after"; then
    ok "not-regular: --write changed nothing and left nothing behind"
else
    not_ok "not-regular: --write changed files" "$(diff "$TMP/before" "$TMP/after" | head -20)"
fi
ngx 20 lua main.conf
for n in 3 4 5 6 7; do
    verdict "not-regular: ngxlint lua: the include at line $n" 2 "main\\.conf:$n:[0-9]+: "
done
for f in fifo.lua dir.lua /dev/zero; do
    verdict "not-regular: ngxlint lua: content_by_lua_file $f" 2 "$f: not a regular file|$f: Is a directory"
done
cd "$NGXL_ROOT" || exit 1
if [ "$(id -u)" -ne 0 ]; then
    mk chmod-000
    printf '# secret\n' >"$D/secret.conf"
    chmod 000 "$D/secret.conf"
    printf 'events {}\nhttp {\n    include secret.conf;\n}\n' >"$D/main.conf"
    hostile chmod-000 main.conf 1 'main\.conf:3:' 2 'main\.conf:3:'
else
    echo "# root reads a chmod 000 file: a directory, a FIFO and devices stand in"
fi
# the Lua files alone: named, exit 2
cd "$C/not-regular" || exit 1
for f in fifo.lua /dev/zero; do
    ngx 20 lua "$f"
    verdict "ngxlint lua $f" 2 "$f"
done
cd "$NGXL_ROOT" || exit 1

# the main file itself
mk main-fifo
mkfifo "$D/main.conf"
hostile main-fifo main.conf 2 'main\.conf' 2 'main\.conf'
mk main-dir
mkdir "$D/main.conf"
# (ngxlint lua reads a directory as a tree of Lua files: none here, exit 0)
hostile main-dir main.conf 2 'main\.conf' 0 ''
mk main-zero
hostile main-zero /dev/zero 2 '/dev/zero' 2 '/dev/zero'

done_testing
