# The runtime module (module/): ngx_http_var_index_module and
# resty.var_index on Debian's nginx with its Lua module, on 127.0.0.1.
#
#   1. build: module/build.sh into $BUILD (default build) when the .so is
#      missing or older than its sources; its signature is nginx's
#   2. startup: `var_index $bogus` fails with nginx's own message
#   3. conformance: in the same request, stock ngx.var (its metamethods,
#      kept aside before patch()), the patched ngx.var, var_index.get/.set
#      and the bound getter/setter give the same value, or raise the same
#      error (message and position), for about 60 names: core variables
#      (indexed and not, cacheable and not), named and true-prefix
#      $http_*, $arg_*, $cookie_*, $sent_http_*, set, map, regex captures
#      (numbered and named), NOHASH ones, other spellings, bad names;
#      again after ngx.req.set_header, clear_header, set_uri_args, set_uri
#      and ngx.sleep; writes (changeable, with and without set handler,
#      unchangeable, prefix, unknown, nil, numbers) compared by what they
#      leave behind; in an ngx.location.capture subrequest, an auth_request
#      subrequest, a timer and init_worker_by_lua (fake requests) and
#      init_by_lua (no request)
#   4. miss accounting: var_index_status's JSON counts the names looked up
#      that are not indexed, and only those
#   5. JIT: hot loops over every access path are compiled, with no abort
#      in their own traces (root and side; jit.attach); 400 requests whose
#      handler uses every API: no abort in the library's code (the
#      control, 400 requests tail-calling ffi.string, must abort)
#   6. valgrind memcheck, when installed: nginx in one process (master
#      process off, daemon off) under a bounded request loop; no error with
#      a module frame
#
# Exits 77 only when nginx, nginx-dev or the Lua module is missing (curl
# missing is a failure).  KEEP_TMP=1 keeps the instances' directories.
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh
# shellcheck source=tests/e2e/lib-nginx.sh
. tests/e2e/lib-nginx.sh

MODS=/usr/lib/nginx/modules
NGX_SRC=/usr/share/nginx/src
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$NGXL_ROOT/$BUILD" ;; esac
SO=$BUILD/ngx_http_var_index_module.so
LUA_DIR=$NGXL_ROOT/module/lua

if [ ! -x "$NGINX" ]; then
    echo "nginx is missing ($NGINX)"; exit 77
fi
if [ ! -r "$NGX_SRC/conf_flags" ]; then
    echo "nginx-dev is missing ($NGX_SRC)"; exit 77
fi
if [ ! -r "$MODS/ngx_http_lua_module.so" ] || [ ! -r "$MODS/ndk_http_module.so" ] \
    || [ ! -r /usr/share/lua/5.1/resty/core/var.lua ]; then
    echo "the Lua module is missing (libnginx-mod-http-lua, lua-resty-core)"
    exit 77
fi

VG_PID=""
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    np_stop "$TMP/ngx"
    if [ -n "$VG_PID" ]; then
        kill -KILL "$VG_PID" 2>/dev/null
    fi
    if [ -n "${KEEP_TMP:-}" ]; then
        echo "# kept $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! command -v curl >/dev/null 2>&1; then
    not_ok "curl is installed (tools/deps.sh)"
    done_testing
fi

# -- 1. build ---------------------------------------------------------------

stale=0
if [ ! -f "$SO" ]; then
    stale=1
elif [ -n "$(find "$NGXL_ROOT/module/config" \
    "$NGXL_ROOT/module/ngx_http_var_index_module.c" -newer "$SO" 2>/dev/null)" ]; then
    stale=1
fi
if [ "$stale" = 1 ]; then
    echo "# building $SO (module/build.sh)"
    run bash "$NGXL_ROOT/module/build.sh" "$BUILD"
    expect_rc 0 "module/build.sh builds the module against nginx-dev"
fi
if [ ! -f "$SO" ]; then
    not_ok "the module exists: $SO"
    done_testing
fi

sig() { strings "$1" | grep -E '^[0-9]+,[0-9]+,[0-9]+,' | head -1; }
if [ "$(sig "$SO")" = "$(sig "$NGINX")" ]; then
    ok "the module's signature is nginx's ($(sig "$SO"))"
else
    not_ok "the module's signature is nginx's" "module: $(sig "$SO")
nginx:  $(sig "$NGINX")"
fi

# -- the Lua side of the tests ------------------------------------------------

mkdir -p "$TMP/lua"

# vi_conf: the comparisons.  Every comparison calls the four readers (or
# writers) from closures written on one line, so that an error raised at
# the caller's level has the same position whichever path raised it.
cat >"$TMP/lua/vi_conf.lua" <<'EOF'
local vi = require "resty.var_index"
local stock = require "vi_stock"

local stock_get, stock_set = stock.get, stock.set
local var = ngx.var
local fmt = string.format
local concat = table.concat

local _M = {}

_M.NAMES = {
    -- indexed by var_index (or by the configuration itself)
    "host", "uri", "args", "request_uri", "remote_addr", "binary_remote_addr",
    "http_host", "http_user_agent", "http_cookie", "http_x_test", "arg_a",
    "cookie_c", "sent_http_content_type", "sent_http_x_out", "foo", "mapped",
    "request_time", "msec", "request_id", "limit_rate", "status", "connection",
    "content_length", "word", "gzip_ratio", "proxy_add_x_forwarded_for",
    "proxy_internal_body_length", "uid_reset", "http_x_forwarded_for",
    "server_protocol",
    -- not indexed: the stock path
    "document_uri", "query_string", "is_args", "remote_port", "server_addr",
    "server_port", "scheme", "request_method",
    "content_type", "http_referer", "http_x_other", "arg_b", "arg_missing",
    "cookie_missing", "sent_http_missing", "mapped2", "request_length",
    "connection_requests", "nginx_version", "pid", "hostname", "bytes_sent",
    "body_bytes_sent", "request_completion", "time_iso8601", "no_such_var",
    -- other spellings, odd names, captures
    "HTTP_X_TEST", "Http_User_Agent", "HOST", "Foo", "", "http_", "arg_",
    1, 2, 3, 0, -1, 1.5, true, {},
}

_M.WRITES = {
    { "foo", "v1" }, { "foo", 12 }, { "foo", "" }, { "foo", true },
    { "foo", nil }, { "FOO", "upper" }, { "args", "x=1&a=2" }, { "args", "" },
    { "args", nil }, { "args", 7 }, { "limit_rate", "2048" },
    { "limit_rate", nil }, { "mapped", "m1" }, { "mapped", nil },
    { "mapped2", "m2" }, { "host", "h" }, { "uri", "/u" },
    { "request_time", "1" }, { "http_x_test", "1" }, { "arg_a", "1" },
    { "cookie_c", "1" }, { "no_such_var", "1" },
    { "proxy_internal_body_length", "1" }, { "gzip_ratio", "1" },
    { 1, "x" }, { true, "x" },
    -- the module's arenas: values up to 64 bytes go there, longer ones to
    -- the pool; $limit_rate's handler is called with the caller's bytes
    { "foo", string.rep("f", 63) }, { "foo", string.rep("f", 64) },
    { "foo", string.rep("f", 65) }, { "foo", string.rep("f", 300) },
    { "args", "a=" .. string.rep("x", 100) }, { "limit_rate", "1k" },
    { "limit_rate", "12x" }, { "limit_rate", "" }, { "limit_rate", 4096 },
}

local SNAP = {
    "foo", "args", "arg_a", "arg_b", "query_string", "is_args", "request_uri",
    "uri", "limit_rate", "mapped", "mapped2", "host",
}

local getters, setters = {}, {}

local function getter(name)
    local g = getters[name]
    if not g then
        g = vi.getter(name)
        getters[name] = g
    end
    return g
end

local function setter(name)
    local s = setters[name]
    if not s then
        s = vi.setter(name)
        setters[name] = s
    end
    return s
end

local function show(r)
    if not r[1] then
        return "error " .. fmt("%q", tostring(r[2]))
    end
    if r[2] == nil then
        return "nil"
    end
    return type(r[2]) .. " " .. fmt("%q", r[2])
end

local function snapshot()
    local t = {}
    for _, n in ipairs(SNAP) do
        local ok, v = pcall(stock_get, var, n)
        t[#t + 1] = n .. "=" .. show({ ok, v })
    end
    return concat(t, " ")
end

local function reset()
    pcall(stock_set, var, "foo", "pre")
    pcall(stock_set, var, "args", "pre=1")
    pcall(stock_set, var, "limit_rate", "0")
    pcall(stock_set, var, "mapped", "m-pre")
end

local report = {}
report.__index = report

function _M.report()
    return setmetatable({ lines = {}, compared = 0, diffs = 0 }, report)
end

-- r: the results, stock's first
function report:add(phase, name, r, labels)
    self.compared = self.compared + 1
    local same = true
    for k = 2, #r do
        same = same and r[k] == r[1]
    end
    if same then
        self.lines[#self.lines + 1] = fmt("same %s %s: %s", phase,
                                          tostring(name), r[1])
        return
    end
    self.diffs = self.diffs + 1
    local t = {}
    for k = 1, #r do
        t[k] = labels[k] .. "=" .. r[k]
    end
    self.lines[#self.lines + 1] = fmt("DIFF %s %s: %s", phase, tostring(name),
                                      concat(t, " "))
end

-- two rounds: the module's paths first (a stale value shows: stock
-- re-evaluates after them), labelled with a "'", then stock first (a value
-- fresher than stock's shows)
local READ_LABELS = { "stock", "patched", "api", "getter",
                      "stock'", "patched'", "api'", "getter'" }

function report:reads(phase, names)
    for _, name in ipairs(names or _M.NAMES) do
        local g = getter(name)
        local f = { function () local v = stock_get(var, name) return v end, function () local v = var[name] return v end, function () local v = vi.get(name) return v end, function () local v = g() return v end }
        local r = {}
        for _, k in ipairs({ 2, 3, 4, 1 }) do
            r[k + 4] = show({ pcall(f[k]) })
        end
        for k = 1, 4 do
            r[k] = show({ pcall(f[k]) })
        end
        self:add(phase, name, r, READ_LABELS)
    end
end

local WRITE_LABELS = { "stock", "patched", "api", "setter" }

function report:writes(phase, cases)
    for _, case in ipairs(cases or _M.WRITES) do
        local name, value = case[1], case[2]
        local s = setter(name)
        local fs = { function () stock_set(var, name, value) end, function () var[name] = value end, function () vi.set(name, value) end, function () s(value) end }
        local r = {}
        for k = 1, 4 do
            reset()
            local res = { pcall(fs[k]) }
            r[k] = show(res) .. " -> " .. snapshot()
        end
        self:add(phase, tostring(name) .. "=" .. tostring(value), r,
                 WRITE_LABELS)
    end
end

-- many writes in a row, of every length up to 200 (several of the module's
-- arenas, and values past them): what was written before is intact
function report:sequence(phase)
    local r = {}
    for k = 1, 4 do
        local set = ({ function (n, v) stock_set(var, n, v) end,
                       function (n, v) var[n] = v end, vi.set,
                       function (n, v) setter(n)(v) end })[k]
        reset()
        set("args", "a=" .. string.rep("q", 40))
        set("mapped", "kept")
        for i = 1, 200 do
            set("foo", string.rep(string.char(97 + i % 26), i))
            if i % 50 == 0 then
                set("args", "i=" .. i)
            end
        end
        set("limit_rate", "4k")
        r[k] = snapshot()
    end
    self:add(phase, "sequence", r, WRITE_LABELS)
end

function report:text()
    self.lines[#self.lines + 1] = fmt("COMPARED %d DIFFS %d", self.compared,
                                      self.diffs)
    return concat(self.lines, "\n") .. "\n"
end

-- the hot loops of the JIT check: each returns something so that nothing
-- is dead code
local N = 20000
_M.LOOPS = {
    { "patched get, flushed", function () local s = 0 for _ = 1, N do s = s + #var.host end return s end },
    { "patched get, prefix", function () local s = 0 for _ = 1, N do s = s + #var.http_x_test end return s end },
    { "patched get, nocacheable", function () local s = 0 for _ = 1, N do s = s + #var.args end return s end },
    { "patched get, not indexed", function () local s = 0 for _ = 1, N do s = s + #var.server_protocol end return s end },
    { "patched get, capture", function () local s = 0 for _ = 1, N do s = s + #(var[1] or "") end return s end },
    { "patched set", function () for i = 1, N do var.foo = "v" .. (i % 7) end return var.foo end },
    { "patched set, handler", function () for _ = 1, N do var.args = "a=1" end return var.args end },
    { "api get", function () local get, s = vi.get, 0 for _ = 1, N do s = s + #get("host") + #get("http_x_test") end return s end },
    { "api set", function () local set = vi.set for _ = 1, N do set("foo", "w") end return var.foo end },
    { "getter", function () local g1, g2, s = vi.getter("request_uri"), vi.getter("cookie_c"), 0 for _ = 1, N do s = s + #g1() + #g2() end return s end },
    { "setter", function () local st = vi.setter("foo") for _ = 1, N do st("x") end return var.foo end },
    { "kong-like", function ()
        local s = 0
        for _ = 1, N do
            local a, b, c, d, e = var.host, var.request_uri, var.remote_addr, var.http_user_agent, var.args
            local f, g, h, i, j = var.http_x_test, var.cookie_c, var.uri, var.arg_a, var.request_time
            var.foo = a
            var.mapped = b
            s = s + #a + #b + #c + #d + #e + #f + #g + #h + #i + #j
        end
        return s
    end },
}

-- what requests do: a handler runs once per request, so LuaJIT starts
-- traces at the entry of the library's functions, made hot by many
-- requests (no loop).  /jitreq/stats?reset=1 starts watching every trace
-- afresh; /jitreq/lib and /jitreq/ctl are the handlers, and /jitreq/stats
-- tells what aborted.  The control is the trap of the notes,
-- a tail call of ffi.string, which must abort
local ffi_string = require("ffi").string
local buf = require("ffi").new("char[4]", "abc")
local g_cookie, s_foo = vi.getter("cookie_c"), vi.setter("foo")

function _M.control()
    return ffi_string(buf, 3)
end

function _M.handler()
    local a, b, c = var.host, var.args, var.http_x_test
    var.foo = a
    local d = vi.get("request_uri")
    vi.set("foo", d)
    local e = g_cookie()
    s_foo(b)
    return #a + #b + #(c or "") + #d + #(e or "")
end

local watch = { aborts = {}, traces = 0, all = 0 }

function _M.jit_watch()
    local jutil = require "jit.util"
    local vmdef = require "jit.vmdef"
    local start, inlib = {}, {}
    local function where(func, pc)
        local info = jutil.funcinfo(func, pc)
        return fmt("%s:%s", tostring(info.source), tostring(info.currentline))
    end
    -- a trace counts when it records any of the library's bytecode,
    -- wherever it starts: which function gets hot first (the handler,
    -- with the library inlined, or the library itself) depends on
    -- LuaJIT's hot counters, shared by unrelated code
    jit.attach(function (tr, func)
        if not inlib[tr] then
            local src = jutil.funcinfo(func).source
            if src and src:find("var_index.lua", 1, true) then
                inlib[tr] = true
            end
        end
    end, "record")
    jit.attach(function (what, tr, func, pc, otr, oex)
        if what == "start" then
            start[tr], inlib[tr] = where(func, pc), nil
        elseif what == "abort" then
            local ok, msg = pcall(fmt, vmdef.traceerr[otr] or tostring(otr), oex)
            if #watch.aborts < 50 then
                watch.aborts[#watch.aborts + 1] = fmt("ABORT from %s at %s: %s",
                    tostring(start[tr]), where(func, pc), ok and msg or tostring(otr))
            end
        elseif what == "stop" then
            watch.all = watch.all + 1
            if inlib[tr] then
                watch.traces = watch.traces + 1
            end
        end
    end, "trace")
end

function _M.jit_stats(reset)
    local out = fmt("TRACES %d\nALL %d\n%s\n", watch.traces, watch.all,
                    concat(watch.aborts, "\n"))
    if reset then
        -- one handler per event: the loop check above replaced this one
        watch.aborts, watch.traces, watch.all = {}, 0, 0
        jit.flush()
        _M.jit_watch()
    end
    return out
end

function _M.jit_check()
    local jutil = require "jit.util"
    local vmdef = require "jit.vmdef"
    local out = {}

    -- the loop's own traces: the root trace started at the loop, and the
    -- side traces grown from them.  A trace that starts elsewhere
    -- (the entry of a library function the interpreted loop made hot,
    -- before the loop itself: which comes first depends on LuaJIT's
    -- hot-count slots, shared by program counters that hash alike) and
    -- aborts on meeting the loop ("inner loop in root trace", "loop unroll
    -- limit reached") is trace selection, not code LuaJIT cannot compile:
    -- listed, not counted.  Requests, which have no loop, are checked below
    for _, loop in ipairs(_M.LOOPS) do
        local aborts, traces, looped, why, others, mine = 0, 0, false, {}, {}, {}
        local function cb(what, tr, func, pc, otr, oex)
            if what == "start" then
                if otr then
                    mine[tr] = mine[otr] or false
                else
                    -- at the loop, not at the function's entry (its setup)
                    local ins = jutil.funcbc(func, pc)
                    local op = ins and vmdef.bcnames:sub(ins % 256 * 6 + 1, ins % 256 * 6 + 6) or ""
                    mine[tr] = func == loop[2] and (op:find("FOR", 1, true) or op:find("LOOP", 1, true) or op:find("ITER", 1, true)) ~= nil
                end
            elseif what == "abort" then
                local info = jutil.funcinfo(func, pc)
                local ok, msg = pcall(fmt, vmdef.traceerr[otr] or tostring(otr), oex)
                local t = mine[tr] and why or others
                t[#t + 1] = fmt("%s:%s %s", tostring(info.source),
                                tostring(info.currentline),
                                ok and msg or tostring(otr))
                if mine[tr] then
                    aborts = aborts + 1
                end
            elseif what == "stop" then
                traces = traces + 1
                if mine[tr] and jutil.traceinfo(tr).linktype == "loop" then
                    looped = true
                end
            end
        end
        -- a fresh start: no trace, no hot count left by the loops before
        jit.flush()
        jit.attach(cb, "trace")
        local ok, err = pcall(loop[2])
        jit.attach(cb)
        out[#out + 1] = fmt("JIT %s: aborts %d traces %d loop %s%s%s%s", loop[1],
                            aborts, traces, looped and "compiled" or "NOT compiled",
                            ok and "" or " error " .. tostring(err),
                            #why > 0 and " (" .. concat(why, "; ", 1, math.min(#why, 5)) .. ")" or "",
                            #others > 0 and " (elsewhere: " .. concat(others, "; ", 1, math.min(#others, 3)) .. ")" or "")
    end

    return concat(out, "\n") .. "\n"
end

return _M
EOF

# conf_main PREFIX PORT [INDEX]: the configuration's main context and http
# block; INDEX (default on) adds the var_index directives
conf_main() {
    cat <<EOF
load_module $MODS/ndk_http_module.so;
load_module $MODS/ngx_http_lua_module.so;
load_module $SO;
$(np_main "$1" 1)

http {
$(np_http_common "$1")
    access_log off;
    lua_package_path "$LUA_DIR/?.lua;$TMP/lua/?.lua;;";
    lua_shared_dict vi 1m;

    map \$http_x_map \$mapped { default m0; a ma; }
    map \$http_x_map \$mapped2 { default n0; a na; }

    var_index \$host \$uri \$args \$request_uri \$remote_addr \$binary_remote_addr;
    var_index \$http_host \$http_user_agent \$http_cookie \$http_x_test;
    var_index \$arg_a \$cookie_c \$sent_http_content_type \$sent_http_x_out;
    var_index \$mapped \$request_time \$msec \$request_id \$limit_rate \$status;
    var_index \$connection \$content_length \$gzip_ratio \$server_protocol;
    var_index \$proxy_add_x_forwarded_for \$http_x_forwarded_for \$HTTP_X_TEST;

    init_by_lua_block {
        local mt = getmetatable(ngx.var)
        package.loaded.vi_stock = { get = mt.__index, set = mt.__newindex }
        require("resty.var_index").patch()
        -- loaded here, by the master: the workers (nobody, when the tests
        -- run as root) may not read \$TMP
        local t = require "vi_conf"
        local rep = t.report()
        rep:reads("init_by_lua", { "host", "http_x_test", "no_such_var", 1 })
        rep:writes("init_by_lua", { { "foo", "x" }, { "host", "x" } })
        ngx.shared.vi:set("init_by_lua", rep:text())
    }

    init_worker_by_lua_block {
        local t = require "vi_conf"
        local rep = t.report()
        rep:reads("init_worker", { "host", "http_x_test", "no_such_var", 1 })
        rep:writes("init_worker", { { "foo", "x" }, { "host", "x" } })
        ngx.shared.vi:set("init_worker", rep:text())
    }

    server {
        listen 127.0.0.1:$2;
        server_name conformance.test;

        location = /status {
            var_index_status;
        }

        location = /misses {
            content_by_lua_block {
                local vi = require "resty.var_index"
                local g = vi.getter("zz_probe")
                for _ = 1, 100 do local _ = ngx.var.zz_probe end
                for _ = 1, 50 do local _ = vi.get("ZZ_Probe") end
                for _ = 1, 25 do local _ = g() end
                for _ = 1, 5 do pcall(vi.set, "zz_probe_set", "x") end
                local long = string.rep("l", 60)
                for _ = 1, 3 do local _ = ngx.var[long] end
                -- in the zone before the 300 names that fill it
                vi.flush_misses()
                for k = 1, 300 do local _ = ngx.var["zz_n" .. k] end
                vi.flush_misses()
                ngx.say("done")
            }
        }

        location = /flush {
            content_by_lua_block {
                require("resty.var_index").flush_misses()
                ngx.say("flushed")
            }
        }

        location /t {
            set \$foo initial;
            content_by_lua_block {
                local t = require "vi_conf"
                local rep = t.report()
                ngx.header["X-Out"] = "o1"
                rep:reads("initial")
                ngx.req.set_header("X-Test", "changed")
                ngx.req.set_header("User-Agent", "ua2")
                ngx.req.set_header("Host", "other.test")
                ngx.req.set_header("Cookie", "c=new; d=1")
                rep:reads("set_header")
                ngx.req.clear_header("X-Test")
                ngx.req.clear_header("Cookie")
                rep:reads("clear_header")
                ngx.req.set_uri_args("a=5&b=6")
                rep:reads("set_uri_args")
                -- values of the same length, other bytes: the last value
                -- Lua kept must not be returned
                ngx.req.set_uri_args("a=8&b=9")
                ngx.req.set_header("X-Test", "chang3d")
                rep:reads("same_length")
                ngx.req.set_uri_args({ a = "7" })
                rep:reads("set_uri_args_table")
                ngx.req.set_uri("/new/path")
                rep:reads("set_uri")
                ngx.sleep(0.01)
                rep:reads("after_sleep")
                rep:writes("writes")
                rep:sequence("writes")
                ngx.print(rep:text())

                local res = ngx.location.capture("/sub?a=sub1&b=2",
                    { ctx = {} })
                ngx.print(res.body)

                ngx.shared.vi:delete("timer")
                ngx.timer.at(0, function ()
                    local trep = t.report()
                    trep:reads("timer", { "host", "http_x_test", "no_such_var", 1 })
                    trep:writes("timer", { { "foo", "x" }, { "host", "x" } })
                    ngx.shared.vi:set("timer", trep:text())
                end)
                local timer
                for _ = 1, 200 do
                    timer = ngx.shared.vi:get("timer")
                    if timer then
                        break
                    end
                    ngx.sleep(0.01)
                end
                ngx.print(timer or "NO TIMER REPORT\n")
                ngx.print(ngx.shared.vi:get("init_worker")
                          or "NO INIT_WORKER REPORT\n")
                ngx.print(ngx.shared.vi:get("init_by_lua")
                          or "NO INIT_BY_LUA REPORT\n")
            }
        }

        location /sub {
            set \$foo sub;
            content_by_lua_block {
                local t = require "vi_conf"
                local rep = t.report()
                rep:reads("capture")
                ngx.req.set_uri_args("a=9")
                rep:reads("capture_set_uri_args")
                rep:writes("capture_writes")
                rep:sequence("capture_writes")
                ngx.print(rep:text())
            }
        }

        location ~ ^/cap/(?<word>[a-z]+)/([a-z]+)\$ {
            set \$foo cap;
            content_by_lua_block {
                local t = require "vi_conf"
                local rep = t.report()
                rep:reads("regex")
                ngx.print(rep:text())
            }
        }

        location /auth-main {
            set \$foo authmain;
            auth_request /auth;
            content_by_lua_block {
                ngx.print(ngx.shared.vi:get("auth") or "NO AUTH REPORT\n")
            }
        }

        location = /auth {
            internal;
            content_by_lua_block {
                local t = require "vi_conf"
                local rep = t.report()
                rep:reads("auth_request")
                rep:writes("auth_request_writes")
                rep:sequence("auth_request_writes")
                ngx.shared.vi:set("auth", rep:text())
                ngx.say("ok")
            }
        }

        location /jitreq/lib {
            set \$foo jit;
            content_by_lua_block {
                ngx.say(require("vi_conf").handler())
            }
        }

        location /jitreq/ctl {
            content_by_lua_block {
                ngx.say(#require("vi_conf").control())
            }
        }

        location /jitreq/stats {
            content_by_lua_block {
                ngx.print(require("vi_conf").jit_stats(ngx.var.arg_reset))
            }
        }

        location ~ ^/jit/(x)\$ {
            set \$foo jit;
            content_by_lua_block {
                ngx.print(require("vi_conf").jit_check())
            }
        }
    }
}
EOF
}

# curl to the instance, with the request headers the comparisons use
get() {  # PORT PATH
    curl -s -m 60 -H 'X-Test: hello' -H 'User-Agent: ua1' -H 'X-Other: o' \
        -H 'Cookie: c=cv; e=2' -H 'X-Forwarded-For: 10.0.0.1' \
        -H 'Referer: http://ref.test/' "http://127.0.0.1:$1$2"
}

# check_report NAME TEXT: every "COMPARED n DIFFS m" line has m = 0
check_report() {
    cr_sum=$(printf '%s\n' "$2" | awk '
        /^COMPARED / { c += $2; d += $4; n++ }
        END { printf "%d %d %d", n, c, d }')
    cr_n=${cr_sum%% *}
    cr_rest=${cr_sum#* }
    cr_c=${cr_rest%% *}
    cr_d=${cr_rest#* }
    if [ "$cr_n" -gt 0 ] && [ "$cr_d" -eq 0 ] && ! printf '%s\n' "$2" | grep -q '^NO '; then
        ok "$1: $cr_c comparisons in $cr_n reports, 0 differences"
    else
        not_ok "$1: $cr_c comparisons in $cr_n reports, $cr_d differences" \
            "$(printf '%s\n' "$2" | grep -E '^(DIFF|NO )' | head -20)"
    fi
}

# -- 2. startup -------------------------------------------------------------

mkdir -p "$TMP/bad/tmp"
# shellcheck disable=SC2016  # nginx's $, not the shell's
conf_main "$TMP/bad" 1 | sed 's/var_index \$host/var_index $bogus_variable $host/' \
    >"$TMP/bad/nginx.conf"
run np_nginx "$TMP/bad" -t
if [ "$RC" -ne 0 ] && printf '%s\n' "$ERR" | grep -q 'unknown "bogus_variable" variable'; then
    ok "var_index \$bogus_variable: startup fails with nginx's own message"
else
    not_ok "var_index \$bogus_variable fails startup" "exit $RC: $ERR"
fi

# -- 3. conformance -----------------------------------------------------------

if ! np_start "$TMP/ngx" conf_main; then
    not_ok "nginx starts with the module" "$(cat "$TMP/ngx/start.err" 2>/dev/null)"
    done_testing
fi
PORT=$NP_PORT
ok "nginx with ndk, lua and var_index modules listens on 127.0.0.1:$PORT"

OUT=$(get "$PORT" "/t?a=1&b=two&a=3")
check_report "main request (initial, set_header, clear_header, set_uri_args, set_uri, sleep, writes), capture subrequest, timer, init_worker" "$OUT"
for ph in initial set_header clear_header set_uri_args same_length set_uri after_sleep writes capture capture_writes timer init_worker init_by_lua; do
    if ! printf '%s\n' "$OUT" | grep -q "^same $ph "; then
        not_ok "phase $ph ran" "$(printf '%s\n' "$OUT" | head -5)"
    fi
done
# what the comparisons saw is worth a look: a few sanity values
expect_out '^same initial http_x_test: string "hello"' "initial \$http_x_test is the request header"
expect_out '^same set_header http_x_test: string "changed"' "\$http_x_test follows ngx.req.set_header (prefix path, re-evaluated)"
expect_out '^same clear_header http_x_test: nil' "\$http_x_test is nil after clear_header"
expect_out '^same set_uri_args args: string "a=5&b=6"' "\$args follows set_uri_args (not cacheable)"
expect_out '^same same_length args: string "a=8&b=9"' "\$args changed to a value of the same length: the new one (not the last kept)"
expect_out '^same same_length http_x_test: string "chang3d"' "\$http_x_test changed to a value of the same length: the new one"
expect_no_out '^same initial host: error' "no error reading \$host"
expect_out '^same set_uri uri: string "/new/path"' "\$uri follows ngx.req.set_uri (a field of the request, read as nginx's handler reads it)"
expect_out '^same initial server_protocol: string "HTTP/1.1"' "\$server_protocol (a field of the request)"
expect_out '^same writes host=h: error "[^"]*: variable \\"host\\" not changeable' "setting \$host: stock's error, at the caller's position"
expect_out '^same writes arg_a=1: error ".*: variable \\"arg_a\\" not found for writing' "setting a prefix variable: stock's error"
expect_out '^same timer host: error ".*API disabled in the current context' "timer (a fake request): \"API disabled in the current context\""
expect_out '^same init_by_lua host: error ".*/resty/core/var.lua:[0-9]+: no request found' "init_by_lua (no request): stock's own \"no request found\""
expect_out '^same init_worker host: error ".*API disabled in the current context' "init_worker: \"API disabled in the current context\""
expect_out '^same capture arg_a: string "sub1"' "capture subrequest sees its own \$arg_a"

OUT=$(get "$PORT" "/cap/abc/def?a=1")
check_report "regex location (captures 1, 2, named \$word)" "$OUT"
expect_out '^same regex 1: string "abc"' "ngx.var[1] through the patched ngx.var"
expect_out '^same regex word: string "abc"' "named capture \$word"

# HTTP/0.9 (curl's telnet: the request line alone): the request has no
# protocol, so $server_protocol's field is not set: not found, as stock
OUT=$(printf 'GET /cap/abc/def?a=1\r\n' | curl -s -m 20 "telnet://127.0.0.1:$PORT" 2>/dev/null)
check_report "HTTP/0.9 request" "$OUT"
expect_out '^same regex server_protocol: nil' "HTTP/0.9: \$server_protocol is nil (its field is not set)"

OUT=$(get "$PORT" "/auth-main?a=auth")
check_report "auth_request subrequest" "$OUT"
expect_out '^same auth_request foo: string "authmain"' "auth_request subrequest shares the parent's variables"

# -- 4. miss accounting -------------------------------------------------------

# misses reach the zone in batches, or once a second: flush them now
get "$PORT" /flush >/dev/null
OUT=$(get "$PORT" /status)
if printf '%s\n' "$OUT" | jq -e . >/dev/null 2>&1; then
    ok "var_index_status serves valid JSON"
else
    not_ok "var_index_status serves valid JSON" "$OUT"
fi
if printf '%s\n' "$OUT" | jq -e '.indexed | index("http_x_test") and index("host") and index("foo")' >/dev/null 2>&1; then
    ok "status lists the indexed variables (var_index's and the configuration's)"
else
    not_ok "status lists the indexed variables" "$OUT"
fi
if printf '%s\n' "$OUT" | jq -e '.misses.http_x_other > 0 and .misses.no_such_var > 0 and .misses.request_method > 0 and .misses.other > 0' >/dev/null 2>&1; then
    ok "status counts misses (http_x_other, no_such_var, ...; \"\" in other)"
else
    not_ok "status counts misses" "$OUT"
fi
if printf '%s\n' "$OUT" | jq -e '.misses | (has("host") or has("http_x_test") or has("arg_a") or has("request_time") or has("foo") or has("http_user_agent"))' >/dev/null 2>&1; then
    not_ok "indexed names are not counted as misses" "$OUT"
else
    ok "indexed names (and their other spellings) are not counted as misses"
fi

get "$PORT" /misses >/dev/null
OUT=$(get "$PORT" /status)
if printf '%s\n' "$OUT" | jq -e '.misses.zz_probe == 175' >/dev/null 2>&1; then
    ok "a name's misses are counted exactly, whatever the spelling or the API (175)"
else
    not_ok "a name's misses are counted exactly (175)" "$(printf '%s\n' "$OUT" | jq -c '.misses.zz_probe')"
fi
if printf '%s\n' "$OUT" | jq -e '.misses.zz_probe_set == 5' >/dev/null 2>&1; then
    ok "writes of names not indexed are counted as misses"
else
    not_ok "writes of names not indexed are counted as misses" "$OUT"
fi
if printf '%s\n' "$OUT" | jq -e '.misses["'"$(printf '%048d' 0 | tr 0 l)"'"] == 3' >/dev/null 2>&1; then
    ok "a long name is counted under its first 48 bytes"
else
    not_ok "a long name is counted under its first 48 bytes" "$OUT"
fi
if printf '%s\n' "$OUT" | jq -e '(.misses | del(.other) | length) == 256 and .misses.other > 0' >/dev/null 2>&1; then
    ok "at most 256 names, the rest in \"other\""
else
    not_ok "at most 256 names, the rest in \"other\"" "$(printf '%s\n' "$OUT" | jq -c '.misses | length')"
fi

# -- 5. JIT ---------------------------------------------------------------------

OUT=$(get "$PORT" "/jit/x?a=1")
nloops=$(printf '%s\n' "$OUT" | grep -c '^JIT ')
bad=$(printf '%s\n' "$OUT" | grep '^JIT ' |
      grep -Ev ': aborts 0 traces [1-9][0-9]* loop compiled( \(elsewhere: [^)]*\))?$')
if [ "$nloops" -ge 10 ] && [ -z "$bad" ]; then
    ok "JIT: $nloops hot loops compiled, no abort in their traces"
else
    not_ok "JIT: hot loops without trace aborts ($nloops loops)" "$OUT"
fi

# requests: 400 to a handler that reads and writes through every API, then
# 400 to the control; curl's URL globbing keeps one connection
get "$PORT" "/jitreq/stats?reset=1" >/dev/null
curl -s -o /dev/null "http://127.0.0.1:$PORT/jitreq/lib?a=1&n=[1-400]"
OUT=$(get "$PORT" "/jitreq/stats?reset=1")
lib=$(printf '%s\n' "$OUT" | grep '^ABORT' | grep 'var_index\.lua')
ntr=$(printf '%s\n' "$OUT" | sed -n 's/^TRACES //p')
if [ -z "$lib" ] && [ "${ntr:-0}" -ge 1 ]; then
    ok "JIT: 400 requests through every API: $ntr traces run the library, no abort in it"
else
    not_ok "JIT: requests through the library (traces ${ntr:-?})" "$OUT"
fi
curl -s -o /dev/null "http://127.0.0.1:$PORT/jitreq/ctl?n=[1-400]"
OUT=$(get "$PORT" "/jitreq/stats?reset=1")
if printf '%s\n' "$OUT" | grep -q '^ABORT .*vi_conf\.lua'; then
    ok "JIT: the request check sees the trap of the notes (its control, a tail call of ffi.string, aborts)"
else
    not_ok "JIT: the control (a tail call of ffi.string) shows no abort over 400 requests: the check cannot fail" "$OUT"
fi

np_stop "$TMP/ngx"

# -- 6. valgrind -------------------------------------------------------------------

if ! command -v valgrind >/dev/null 2>&1; then
    ok "# SKIP valgrind is not installed"
    done_testing
fi

VG=$TMP/vg
mkdir -p "$VG/tmp"
VG_PORT=$(np_pick_port)
conf_main "$VG" "$VG_PORT" | sed -e 's/^daemon on;/daemon off;/' \
    -e 's/^master_process on;/master_process off;/' >"$VG/nginx.conf"
valgrind --tool=memcheck --num-callers=40 --log-file="$VG/valgrind.log" \
    "$NGINX" -p "$VG/" -c "$VG/nginx.conf" -e "$VG/error.log" \
    >"$VG/stdout" 2>&1 &
VG_PID=$!

up=0
i=0
while [ "$i" -lt 600 ]; do     # up to 60 s: valgrind starts slowly
    if curl -s -m 5 -o /dev/null "http://127.0.0.1:$VG_PORT/status"; then
        up=1
        break
    fi
    kill -0 "$VG_PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done

if [ "$up" = 0 ]; then
    not_ok "nginx starts under valgrind" "$(tail -20 "$VG/valgrind.log" "$VG/error.log" 2>/dev/null)"
    done_testing
fi

vg_fail=""
n=0
while [ "$n" -lt "${VG_ROUNDS:-3}" ]; do
    n=$((n + 1))
    for p in "/t?a=1&b=two" "/cap/abc/def" "/auth-main?a=2" /status; do
        OUT=$(get "$VG_PORT" "$p")
        case $p in
        /status) ;;
        *) printf '%s\n' "$OUT" | grep -q '^COMPARED ' || vg_fail="$vg_fail $p" ;;
        esac
    done
done
kill -QUIT "$VG_PID" 2>/dev/null
i=0
while [ "$i" -lt 600 ] && kill -0 "$VG_PID" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$VG_PID" 2>/dev/null; then
    kill -KILL "$VG_PID" 2>/dev/null
fi
wait "$VG_PID" 2>/dev/null
VG_PID=""

if [ -n "$vg_fail" ]; then
    not_ok "requests under valgrind answered" "$vg_fail"
fi

# error blocks ("==pid== Invalid read ..." up to the blank "==pid== " line)
# that have a frame in the module
mod_errors=$(awk '
    /^==[0-9]+== [A-Z]/ && !/^==[0-9]+== (Memcheck|Copyright|Using|Command|Parent|HEAP|LEAK|ERROR|For |Use |Rerun|   )/ {
        inblk = 1; blk = $0; next
    }
    inblk && /^==[0-9]+== *$/ {
        if (blk ~ /ngx_http_var_index|var_index_module/) { n++; print blk "\n" }
        inblk = 0; next
    }
    inblk { blk = blk "\n" $0 }
' "$VG/valgrind.log")
summary=$(grep 'ERROR SUMMARY' "$VG/valgrind.log" | tail -1)
if [ -z "$summary" ]; then
    not_ok "valgrind ran to the end" "$(tail -20 "$VG/valgrind.log")"
elif [ -z "$mod_errors" ]; then
    ok "valgrind memcheck: no error from module code (${summary#*== })"
else
    not_ok "valgrind memcheck: errors from module code" "$mod_errors"
fi

done_testing
