#!/bin/sh
# gen-lua-tree.sh OUTDIR [SCALE]
#
# Writes a large, realistic OpenResty Lua project into OUTDIR, for
# benchmarking `ngxlint lua` against LuaJIT's own parser (bench/lua.sh):
#
#   OUTDIR/nginx.conf                     lua_package_path "$prefix/lua/?.lua;;",
#                                         locations whose *_by_lua_block code
#                                         requires the plugins, and
#                                         content_by_lua_file handlers
#   OUTDIR/lua/gateway/plugins/pNNNN/     handler.lua, access.lua, schema.lua,
#                                         util.lua: a Kong-style plugin each
#   OUTDIR/lua/gateway/core/*.lua         shared modules (router, balancer,
#                                         cache, ...)
#   OUTDIR/lua/vendor/lib/*.lua           third-party-style libraries (long
#                                         comments, data tables, no ngx.var)
#   OUTDIR/lua/handlers/*.lua             content_by_lua_file targets
#   OUTDIR/.ngxlint-bench-tree            the marker, with what was written:
#                                         "files N", "bytes N", "accesses N"
#
# The code is what gateways are made of: requires and local aliases
# (local var = ngx.var), functions with loops, string and table work,
# cjson, cosockets pooled with setkeepalive, lua-resty-http calls, logging,
# and ngx.var accesses of every kind (reads, writes, bracket keys, dynamic
# names, captures) through ngx.var and through the alias.  "accesses" in
# the marker counts them all: `ngxlint lua --list-accesses` on OUTDIR/lua
# must report exactly that many (each file read once, every access seen).
# Every file is valid Lua (LuaJIT loads each one).
#
# SCALE (default 1, decimals allowed, e.g. 0.1) multiplies the number of
# files; SCALE 1 is about 4,400 files and 35 MB.  The output is
# deterministic: all variety comes from a Park-Miller generator seeded by
# file counters, never from a random source.
#
# POSIX sh and awk only.
set -eu

usage() {
    echo "usage: $0 OUTDIR [SCALE]" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
out=$1
scale=${2:-1}

case $scale in
    '' | *[!0-9.]* | *.*.* | . ) usage ;;
esac

# A tree this script wrote carries a marker; refuse to write into any other
# non-empty directory (we remove what we generate below).
marker=.ngxlint-bench-tree
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] && [ ! -f "$out/$marker" ]; then
    echo "$0: $out exists, is not empty and was not made by this script" >&2
    exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd -P)
rm -rf "$out/lua" "$out/nginx.conf" "$out/$marker"

prog=$(mktemp "${TMPDIR:-/tmp}/gen-lua-tree.XXXXXX")
trap 'rm -f "$prog"' EXIT INT TERM
cat > "$prog" <<'AWK'
# Conventions: p(s) prints one line to the current file `fh`, every
# backquote turned into a double quote (Lua strings read naturally here).
# MODE "dirs" only prints the directories to create; MODE "files" writes.

function p(s) {
    gsub(/`/, "\"", s)
    print s > fh
    bytes += length(s) + 1
}
function open(name) {
    if (fh != "") close(fh)
    fh = out "/" name
    files++
}
function pad(n, w) { return sprintf("%0" w "d", n) }

# Park-Miller: exact in doubles (16807 * 2^31 < 2^53)
function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
function pick(list,    n, a) { n = split(list, a, " "); return a[rnd(n) + 1] }

function var_name() { return pick(VARS) }
function str_word() { return pick(WORDS) }

BEGIN {
    NPLUG = int(1000 * scale + 0.5); if (NPLUG < 1) NPLUG = 1    # 4 files each
    NCORE = int(200 * scale + 0.5);  if (NCORE < 1) NCORE = 1
    NVEND = int(120 * scale + 0.5);  if (NVEND < 1) NVEND = 1
    NHAND = int(100 * scale + 0.5);  if (NHAND < 1) NHAND = 1
    NLOC  = int(300 * scale + 0.5);  if (NLOC < 1) NLOC = 1      # locations

    VARS = "host uri request_uri remote_addr http_x_tenant_id http_authorization " \
           "cookie_session arg_page request_method scheme server_name upstream_addr " \
           "http_user_agent http_x_forwarded_for args content_type request_time " \
           "status ssl_server_name binary_remote_addr http_x_request_id " \
           "upstream_status server_port http_cookie query_string http_referer"
    WVARS = "upstream_tag limit_rate tenant_route backend_pool auth_user cache_key"
    WORDS = "tenant route service consumer credential upstream target certificate " \
            "plugin cache token session quota limit window bucket region zone"

    if (mode == "dirs") {
        for (i = 0; i < NPLUG; i++) print out "/lua/gateway/plugins/p" pad(i, 4)
        print out "/lua/gateway/core"
        print out "/lua/vendor/lib"
        print out "/lua/handlers"
        exit
    }

    for (i = 0; i < NPLUG; i++) plugin(i)
    for (i = 0; i < NCORE; i++) core(i)
    for (i = 0; i < NVEND; i++) vendor(i)
    for (i = 0; i < NHAND; i++) handler(i)
    conf()
    close(fh)

    # the marker (not counted in files and bytes)
    m = out "/.ngxlint-bench-tree"
    print "scale " scale > m
    print "files " files - 1 > m       # nginx.conf is not Lua
    print "bytes " luabytes > m
    print "accesses " accesses > m
    close(m)
}

function header(name, what) {
    p("-- " name ": " what)
    p("--")
    p("-- Copyright (c) 2019-2024 The Gateway Authors.  Licensed under the")
    p("-- Apache License, Version 2.0 (the `License`); you may not use this file")
    p("-- except in compliance with the License.  Unless required by applicable")
    p("-- law or agreed to in writing, software distributed under the License is")
    p("-- distributed on an `AS IS` BASIS, WITHOUT WARRANTIES OR CONDITIONS OF")
    p("-- ANY KIND, either express or implied.")
    p("--")
    p("-- generated by bench/gen-lua-tree.sh -- do not edit")
    p("")
}

function prologue(mod) {
    p("local cjson = require `cjson.safe`")
    p("local http = require `resty.http`")
    p("local core_util = require `gateway.core.c" pad(rnd(NCORE), 4) "`")
    p("local ngx = ngx")
    p("local var = ngx.var")
    p("local fmt = string.format")
    p("local byte, sub, find = string.byte, string.sub, string.find")
    p("local insert, concat = table.insert, table.concat")
    p("local ipairs, pairs, tostring, tonumber = ipairs, pairs, tostring, tonumber")
    p("local log, ERR, WARN, DEBUG = ngx.log, ngx.ERR, ngx.WARN, ngx.DEBUG")
    p("")
    p("local _M = {")
    p("    PRIORITY = " 1000 + rnd(2000) ",")
    p("    VERSION = `" 1 + rnd(3) "." rnd(10) "." rnd(20) "`,")
    p("    name = `" mod "`,")
    p("}")
    p("")
}

# one statement group of a function body, at indent IND; counts the ngx.var
# accesses it writes
function stmt(ind,    k, v, w, n) {
    k = rnd(22)
    if (k == 0) {
        v = var_name()
        p(ind "local " v " = var." v); accesses++
        p(ind "if not " v " or " v " == `` then")
        p(ind "    return nil, `missing " v "`")
        p(ind "end")
    } else if (k == 1) {
        v = var_name(); w = pick(WVARS)
        p(ind "if ngx.var." v " == `" str_word() "` then"); accesses++
        p(ind "    ngx.var." w " = `" str_word() "-" rnd(100) "`"); accesses++
        p(ind "end")
    } else if (k == 2) {
        v = var_name()
        p(ind "local hits = 0")
        p(ind "for i = 1, #conf.routes do")
        p(ind "    local route = conf.routes[i]")
        p(ind "    if route.match == var." v " then"); accesses++
        p(ind "        hits = hits + 1")
        p(ind "        insert(matched, route)")
        p(ind "    end")
        p(ind "end")
    } else if (k == 3) {
        p(ind "local decoded, derr = cjson.decode(body or `{}`)")
        p(ind "if not decoded then")
        p(ind "    log(ERR, `could not decode the " str_word() " body: `, derr)")
        p(ind "    return nil, derr")
        p(ind "end")
    } else if (k == 4) {
        p(ind "local key = fmt(`%s:%s:%d`, conf." str_word() "_id or `*`, tostring(ctx." str_word() "), " rnd(1000) ")")
        p(ind "local cached = core_util.cache_get(key)")
    } else if (k == 5) {
        p(ind "local defaults = {")
        p(ind "    timeout = " 1000 * (1 + rnd(60)) ",")
        p(ind "    retries = " rnd(5) ",")
        p(ind "    " str_word() " = `" str_word() "`,")
        p(ind "    methods = { `GET`, `POST`, `PUT`, `DELETE` },")
        p(ind "}")
    } else if (k == 6) {
        p(ind "log(DEBUG, `[" str_word() "] handled `, " rnd(100) ", ` ` , tostring(ctx.count))")
    } else if (k == 7) {
        p(ind "local sock = ngx.socket.tcp()")
        p(ind "sock:settimeout(" 100 * (1 + rnd(50)) ")")
        p(ind "local ok, cerr = sock:connect(`127.0.0.1`, " 6000 + rnd(3000) ")")
        p(ind "if not ok then")
        p(ind "    return nil, `connect: ` .. tostring(cerr)")
        p(ind "end")
        p(ind "local sent, serr = sock:send(`PING\\r\\n`)")
        p(ind "if not sent then")
        p(ind "    sock:close()")
        p(ind "    return nil, serr")
        p(ind "end")
        p(ind "local line = sock:receive()")
        p(ind "sock:setkeepalive(10000, 100)")
    } else if (k == 8) {
        p(ind "local header_name = `http_` .. gsub_dash(conf.header or `x_" str_word() "`)")
        p(ind "local hv = var[header_name]"); accesses++
    } else if (k == 9) {
        p(ind "local captured = ngx.var[" 1 + rnd(3) "]"); accesses++
    } else if (k == 10) {
        p(ind "local n = 0")
        p(ind "while n < conf.max_" str_word() " do")
        p(ind "    n = n + 1")
        p(ind "    if find(var." var_name() ", conf.pattern, 1, true) then break end"); accesses++
        p(ind "end")
    } else if (k == 11) {
        p(ind "-- " str_word() "s are matched by prefix first, then by regex; the")
        p(ind "-- first match wins, so the order of conf." str_word() "s matters")
    } else if (k == 12) {
        p(ind "local httpc = http.new()")
        p(ind "httpc:set_timeout(" 500 * (1 + rnd(10)) ")")
        p(ind "local res, herr = httpc:request_uri(conf.endpoint .. var.request_uri, {"); accesses++
        p(ind "    method = `POST`,")
        p(ind "    body = cjson.encode({ " str_word() " = ctx.id }),")
        p(ind "    headers = { [`Content-Type`] = `application/json` },")
        p(ind "    keepalive_timeout = 60000,")
        p(ind "})")
        p(ind "if not res then")
        p(ind "    return nil, herr")
        p(ind "end")
    } else if (k == 13) {
        v = var_name()
        p(ind "local parts = {}")
        p(ind "for part in (ngx.var[`" v "`] or ``):gmatch(`[^,]+`) do"); accesses++
        p(ind "    insert(parts, part)")
        p(ind "end")
    } else if (k == 14) {
        p(ind "local query = [[")
        p(ind "    SELECT id, name, " str_word() "_id, created_at")
        p(ind "      FROM " str_word() "s")
        p(ind "     WHERE tenant = $1 AND deleted_at IS NULL")
        p(ind "  ORDER BY created_at DESC LIMIT " 10 * (1 + rnd(10)))
        p(ind "]]")
    } else if (k == 15) {
        p(ind "for k, v in pairs(conf." str_word() "s or {}) do")
        p(ind "    if type(v) == `table` then")
        p(ind "        for _, item in ipairs(v) do")
        p(ind "            ctx.total = (ctx.total or 0) + (item.weight or 1)")
        p(ind "        end")
        p(ind "    end")
        p(ind "end")
    } else if (k == 16) {
        v = var_name()
        p(ind "local value = var." v " .. `|` .. (ngx.var.http_x_request_id or `-`)"); accesses += 2
    } else if (k == 17) {
        p(ind "if ctx.retries > " rnd(5) " then")
        p(ind "    return ngx.exit(ngx.HTTP_SERVICE_UNAVAILABLE)")
        p(ind "end")
    } else if (k == 18) {
        p(ind "local c1, c2 = byte(conf.prefix or `/`, 1, 2)")
        p(ind "local tail = sub(conf.path or `/`, " 1 + rnd(5) ")")
    } else if (k == 19) {
        v = pick(WVARS)
        p(ind "ngx.var." v ", ctx.last = `" str_word() "`, " rnd(100)); accesses++
    } else if (k == 20) {
        p(ind "--[[ the legacy " str_word() " lookup, kept for reference:")
        p(ind "local old = legacy.lookup(conf, ctx)")
        p(ind "if old then return old end")
        p(ind "]]")
    } else {
        p(ind "local out = {}")
        p(ind "for i = 1, " 2 + rnd(8) " do")
        p(ind "    out[#out + 1] = fmt(`%02d:%s`, i, conf.name or `?`)")
        p(ind "end")
        p(ind "ctx.summary = concat(out, `,`)")
    }
}

function func(name, nstmt,    j) {
    p("-- " name ": " str_word() " handling for the " str_word() " of a request")
    p("function _M." name "(conf, ctx, body)")
    p("    conf = conf or {}")
    p("    ctx = ctx or {}")
    p("    local matched = {}")
    for (j = 0; j < nstmt; j++) stmt("    ")
    p("    return ctx, matched")
    p("end")
    p("")
}

function module_file(path, mod, what, nfunc, base,    j) {
    b0 = bytes
    open(path)
    header(path, what)
    prologue(mod)
    p("local function gsub_dash(s)")
    p("    return (s:gsub(`-`, `_`))")
    p("end")
    p("")
    for (j = 0; j < nfunc; j++) func(base "_" j, 4 + rnd(10))
    p("return _M")
    luabytes += bytes - b0
}

function plugin(i,    dir) {
    seed = 1000 + i
    dir = "lua/gateway/plugins/p" pad(i, 4)
    module_file(dir "/handler.lua", "gateway.plugins.p" pad(i, 4) ".handler",
                "the plugin's phase handlers", 6 + rnd(6), "access")
    module_file(dir "/access.lua", "gateway.plugins.p" pad(i, 4) ".access",
                "the plugin's checks", 4 + rnd(6), "check")
    module_file(dir "/util.lua", "gateway.plugins.p" pad(i, 4) ".util",
                "helpers", 2 + rnd(4), "util")
    schema(dir "/schema.lua", i)
}

function schema(path, i,    j, n) {
    b0 = bytes
    open(path)
    header(path, "the plugin's configuration schema")
    p("local typedefs = require `gateway.core.c" pad(rnd(NCORE), 4) "`")
    p("")
    p("return {")
    p("    name = `p" pad(i, 4) "`,")
    p("    fields = {")
    n = 10 + rnd(30)
    for (j = 0; j < n; j++) {
        p("        { " str_word() "_" j " = { type = `" pick("string number boolean array map") "`, required = " pick("true false") ", default = " pick("`x` 0 1 false nil") " } },")
    }
    p("    },")
    p("}")
    luabytes += bytes - b0
}

function core(i) {
    seed = 500000 + i
    module_file("lua/gateway/core/c" pad(i, 4) ".lua", "gateway.core.c" pad(i, 4),
                "shared " str_word() " logic", 8 + rnd(12), "core")
}

function vendor(i,    j, n) {
    seed = 800000 + i
    b0 = bytes
    open("lua/vendor/lib/v" pad(i, 4) ".lua")
    header("lua/vendor/lib/v" pad(i, 4) ".lua", "a third-party library")
    p("--[==[")
    n = 20 + rnd(40)
    for (j = 0; j < n; j++) {
        p("  " str_word() " " str_word() " " str_word() ": the " str_word() " is computed once per " str_word() " and cached; see RFC " 1000 + rnd(9000) ".")
    }
    p("]==]")
    p("")
    p("local M = {}")
    p("")
    p("M.table = {")
    n = 200 + rnd(400)
    for (j = 0; j < n; j++) {
        p("    [`" str_word() "/" j "`] = { " rnd(65536) ", " rnd(65536) ", `" str_word() "` },")
    }
    p("}")
    p("")
    p("function M.lookup(key)")
    p("    local v = M.table[key]")
    p("    if v == nil then return nil, `not found` end")
    p("    return v[1] * 65536 + v[2], v[3]")
    p("end")
    p("")
    p("return M")
    luabytes += bytes - b0
}

function handler(i,    j, n) {
    seed = 900000 + i
    b0 = bytes
    open("lua/handlers/h" pad(i, 4) ".lua")
    header("lua/handlers/h" pad(i, 4) ".lua", "a content_by_lua_file handler")
    p("local plugin = require `gateway.plugins.p" pad(rnd(NPLUG), 4) ".handler`")
    p("local cjson = require `cjson.safe`")
    p("local var = ngx.var")
    p("local conf = { routes = {}, max_quota = 3 }")
    p("local ctx = { retries = 0 }")
    p("local matched = {}")
    p("local body = nil")
    p("local function gsub_dash(s) return (s:gsub(`-`, `_`)) end")
    p("local core_util = { cache_get = function() return nil end }")
    p("local http = require `resty.http`")
    p("local fmt, find, insert, concat = string.format, string.find, table.insert, table.concat")
    p("local byte, sub = string.byte, string.sub")
    p("local log, ERR, DEBUG = ngx.log, ngx.ERR, ngx.DEBUG")
    p("")
    p("local function run()")
    n = 6 + rnd(10)
    for (j = 0; j < n; j++) stmt("    ")
    p("end")
    p("")
    p("local ok, err = pcall(run)")
    p("ngx.say(cjson.encode({ ok = ok, err = err, uri = var.uri }))"); accesses++
    luabytes += bytes - b0
}

function conf(    i, pl) {
    open("nginx.conf")
    p("# nginx.conf: a generated OpenResty project (bench/gen-lua-tree.sh, scale " scale ")")
    p("events {}")
    p("")
    p("http {")
    p("    lua_package_path `$prefix/lua/?.lua;$prefix/lua/?/init.lua;;`;")
    p("    access_log off;")
    p("")
    p("    init_by_lua_block {")
    p("        require `vendor.lib.v0000`")
    p("    }")
    p("")
    p("    server {")
    p("        listen 127.0.0.1:28100;")
    p("")
    for (i = 0; i < NLOC; i++) {
        pl = "gateway.plugins.p" pad(i % NPLUG, 4)
        p("        location /api/" i "/ {")
        p("            access_by_lua_block {")
        p("                local h = require `" pl ".handler`")
        p("                local a = require `" pl ".access`")
        p("                h.access_0(nil, ngx.ctx)")
        p("                a.check_0(nil, ngx.ctx)")
        p("            }")
        p("            content_by_lua_file lua/handlers/h" pad(i % NHAND, 4) ".lua;")
        p("            log_by_lua_block {")
        p("                require(`" pl ".util`).util_0(nil, ngx.ctx)")
        p("            }")
        p("        }")
    }
    p("    }")
    p("}")
}
AWK

awk -v mode=dirs -v out="$out" -v scale="$scale" -f "$prog" | xargs mkdir -p
awk -v mode=files -v out="$out" -v scale="$scale" -f "$prog"
