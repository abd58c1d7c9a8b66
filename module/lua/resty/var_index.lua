-- resty.var_index: ngx.var by index, through ngx_http_var_index_module.
--
--   init_by_lua_block { require("resty.var_index").patch() }
--
-- makes ngx.var read and write the variables nginx has indexed (every
-- entry of the core module's variables array: the names of var_index
-- directives, and whatever the configuration references) by index, and
-- everything else (unknown names, regex captures ngx.var[1], ...) the stock
-- way, with the results and errors of stock ngx.var.  Names looked up but
-- not indexed are counted by the module (see var_index_status).
--
--   local var_index = require "resty.var_index"
--   var_index.get(name), var_index.set(name, value)
--   local get_host = var_index.getter("host")     -- get_host()
--   local set_foo = var_index.setter("foo")       -- set_foo(value)
--
-- Every function here must stay compiled by LuaJIT: no tail calls of
-- ffi.string (NYI "return to lower frame"), ngx_uint_t as uintptr_t.

local ffi = require "ffi"
local base = require "resty.core.base"
require "resty.core.var"


local C = ffi.C
local ffi_new = ffi.new
local ffi_str = ffi.string
local type = type
local error = error
local pcall = pcall
local pairs = pairs
local tostring = tostring
local getmetatable = getmetatable
local str_lower = string.lower
local get_request = base.get_request
local get_string_buf = base.get_string_buf


local ERR_BUF_SIZE = 256    -- as resty.core.var: the same truncation
local MAX_CACHED = 1024     -- names remembered as spellings or misses
local MISS_BATCH = 64       -- misses of a name counted here before the zone
local MISS_FLUSH = 1        -- seconds: how often the rest goes to the zone
local KEEP_LAST = 512       -- values longer than this are not kept (below)

local SAME = 1              -- ngx_http_var_index_get(): the last value
local EENTRY = -1           -- ... cannot read (ngx_http_var_index_strerror)


if not pcall(ffi.typeof, "ngx_http_var_index_cdef_t") then
    ffi.cdef[[
    typedef int ngx_http_var_index_cdef_t;

    int ngx_http_var_index_count(ngx_http_request_t *r);
    int ngx_http_var_index_name(ngx_http_request_t *r, uintptr_t index,
        unsigned char **name, size_t *len);
    int ngx_http_var_index_get(ngx_http_request_t *r, uintptr_t index,
        ngx_str_t *value, const unsigned char *last, size_t last_len);
    int ngx_http_var_index_set(ngx_http_request_t *r, uintptr_t index,
        const unsigned char *value, size_t len);
    size_t ngx_http_var_index_strerror(ngx_http_request_t *r,
        uintptr_t index, int rc, unsigned char *errbuf, size_t size);
    void ngx_http_var_index_miss(ngx_http_request_t *r,
        const unsigned char *name, size_t len, uintptr_t count);
    ]]
end


local function symbol(name)
    local ok, f = pcall(function () return C[name] end)
    if not ok then
        error("resty.var_index: " .. name .. " not found: load "
              .. "ngx_http_var_index_module.so after ngx_http_lua_module.so",
              3)
    end
    return f
end


local C_count = symbol("ngx_http_var_index_count")
local C_name = symbol("ngx_http_var_index_name")
local C_get = symbol("ngx_http_var_index_get")
local C_set = symbol("ngx_http_var_index_set")
local C_strerror = symbol("ngx_http_var_index_strerror")
local C_miss = symbol("ngx_http_var_index_miss")

-- the stock path (declared by resty.core.var)
local C_lua_get = C.ngx_http_lua_ffi_var_get
local C_lua_set = C.ngx_http_lua_ffi_var_set

local stock_var = ngx.var
local stock_mt = getmetatable(stock_var)
local stock_get = stock_mt.__index
local stock_set = stock_mt.__newindex

local value_ptr = ffi_new("unsigned char *[1]")
local size_ptr = ffi_new("size_t[1]")
local err_ptr = ffi_new("char *[1]")
local value_str = ffi_new("ngx_str_t[1]")
local errbuf = ffi_new("unsigned char[?]", ERR_BUF_SIZE)
local errlen = ffi_new("size_t[1]")


-- name -> index: every indexed variable, loaded on first use in a request
-- (the names are the request's configuration's), plus the other
-- spellings (ngx.var lowercases) met since
local index_of = {}
local loaded = false
local ncached = 0

-- name -> misses not sent to the zone yet, for the names known not to be
-- indexed (at most MAX_CACHED, with the spellings above): a miss costs a
-- table update here, and the zone's atomic update (a locked instruction,
-- shared by the workers) happens once every MISS_BATCH misses of a name, or
-- every MISS_FLUSH seconds from a timer
local unindexed = {}
local flusher = false

-- index -> the last value read of it in this worker (at most keep_last
-- bytes, see _M.keep_last()): when the module finds the value has the same
-- bytes, that string is returned, rather than make it again with
-- ffi.string (hash and intern it: more than half of a read).  A value that
-- changes only costs a memcmp that fails.
local last = {}
local keep_last = KEEP_LAST


local function load(r)
    local n = C_count(r)
    if n < 0 then
        return
    end

    for i = 0, n - 1 do
        if C_name(r, i, value_ptr, size_ptr) == 0 then
            local name = ffi_str(value_ptr[0], size_ptr[0])
            index_of[name] = i
        end
    end

    loaded = true
end


-- the index of a name index_of does not know, or nil
local function lookup(r, name)
    if type(name) ~= "string" then
        return nil
    end

    if not loaded then
        load(r)

        local i = index_of[name]
        if i then
            return i
        end
    end

    if unindexed[name] then
        return nil
    end

    local i = index_of[str_lower(name)]

    if ncached < MAX_CACHED then
        ncached = ncached + 1

        if i then
            index_of[name] = i
        else
            unindexed[name] = 0
        end
    end

    return i
end


local function flush(premature)
    local r = get_request()
    if not r then
        return
    end

    for name, n in pairs(unindexed) do
        if n > 0 then
            C_miss(r, name, #name, n)
            unindexed[name] = 0
        end
    end
end


local function miss(r, name)
    local n = unindexed[name]
    if n == nil then
        -- not remembered (MAX_CACHED reached): straight to the zone
        C_miss(r, name, #name, 1)
        return
    end

    n = n + 1
    if n >= MISS_BATCH then
        C_miss(r, name, #name, n)
        n = 0
    end
    unindexed[name] = n

    if not flusher then
        flusher = pcall(ngx.timer.every, MISS_FLUSH, flush)
    end
end


-- the value of index i: v, and whether to keep it (made now, short
-- enough) rather than S, the string kept; LEVEL is the caller's for
-- error() (the functions between must not tail-call)

local function read(r, i, s, level)
    local rc = C_get(r, i, value_str, s, #s)

    if rc == SAME then
        return s, false
    end

    if rc == 0 then
        local len = value_str[0].len
        local v = ffi_str(value_str[0].data, len)
        return v, len <= keep_last
    end

    if rc == EENTRY then
        error(ffi_str(errbuf, C_strerror(r, i, rc, errbuf, ERR_BUF_SIZE)),
              level)
    end

    return nil, false
end


-- a value as stock ngx.var writes it: nil (unset, length 0) or a string

local function as_string(value)
    if value == nil then
        return nil, 0
    end

    if type(value) ~= "string" then
        value = tostring(value)
    end

    return value, #value
end


-- writes VALUE to index i; LEVEL as for read()

local function write(r, i, value, level)
    local len
    value, len = as_string(value)

    local rc = C_set(r, i, value, len)

    if rc ~= 0 then
        error(ffi_str(errbuf, C_strerror(r, i, rc, errbuf, ERR_BUF_SIZE)),
              level)
    end
end


-- the error level 3 below is the caller of the public function that
-- called these two (which must not tail-call them)

local function get_at(name)
    local r = get_request()
    if not r then
        local v = stock_get(stock_var, name)    -- stock's "no request found"
        return v
    end

    local i = index_of[name]
    if i == nil then
        i = lookup(r, name)

        if i == nil and type(name) == "string" then
            miss(r, name)
        end
    end

    if i then
        local v, keep = read(r, i, last[i] or "", 4)
        if keep then
            last[i] = v
        end
        return v
    end

    local rc
    if type(name) == "number" then
        rc = C_lua_get(r, nil, 0, nil, name, value_ptr, size_ptr, err_ptr)

    elseif type(name) == "string" then
        local len = #name
        rc = C_lua_get(r, name, len, get_string_buf(len), 0, value_ptr,
                       size_ptr, err_ptr)

    else
        error("bad variable name", 3)
    end

    if rc == 0 then
        local v = ffi_str(value_ptr[0], size_ptr[0])
        return v
    end

    if rc == -1 then
        error(ffi_str(err_ptr[0]), 3)
    end

    return nil
end


local function set_at(name, value)
    local r = get_request()
    if not r then
        stock_set(stock_var, name, value)       -- stock's "no request found"
        return
    end

    local i = index_of[name]
    if i == nil then
        if type(name) ~= "string" then
            error("bad variable name", 3)
        end

        i = lookup(r, name)

        if i == nil then
            miss(r, name)
        end
    end

    if i then
        write(r, i, value, 4)
        return
    end

    local len
    value, len = as_string(value)

    errlen[0] = ERR_BUF_SIZE

    local n = #name
    local rc = C_lua_set(r, name, n, get_string_buf(n), value, len, errbuf,
                         errlen)

    if rc == -1 then
        error(ffi_str(errbuf, errlen[0]), 3)
    end
end


local function var_get(self, name)
    local v = get_at(name)
    return v
end


local function var_set(self, name, value)
    set_at(name, value)
end


local _M = { version = "0.1" }


function _M.get(name)
    local v = get_at(name)
    return v
end


function _M.set(name, value)
    set_at(name, value)
end


-- getter(name) returns a function of no argument that reads the variable;
-- the index is resolved on the first call in a request

function _M.getter(name)
    local i     -- nil: not resolved yet; false: not indexed
    local mine = ""

    return function ()
        if i then
            local r = get_request()
            if r then
                local v, keep = read(r, i, mine, 3)
                if keep then
                    mine = v
                end
                return v
            end

        elseif i == nil then
            local r = get_request()
            if r then
                i = index_of[name] or lookup(r, name) or false
            end
        end

        local v = get_at(name)
        return v
    end
end


function _M.setter(name)
    local i

    return function (value)
        if i then
            local r = get_request()
            if r then
                write(r, i, value, 3)
                return
            end

        elseif i == nil then
            local r = get_request()
            if r then
                i = index_of[name] or lookup(r, name) or false
            end
        end

        set_at(name, value)
    end
end


-- keep_last(bytes): values up to this length (default 512) are kept, one
-- per variable, to be returned when the next read finds the same bytes;
-- 0 keeps none (every read makes its string, as when the value changed).
-- Returns the previous setting.

function _M.keep_last(bytes)
    local old = keep_last

    if type(bytes) ~= "number" or bytes < 0 then
        error("keep_last: a number of bytes >= 0 expected", 2)
    end

    keep_last = bytes
    last = {}

    return old
end


-- sends the misses counted in this worker to the zone now (var_index_status
-- shows them); otherwise that happens within MISS_FLUSH seconds

function _M.flush_misses()
    flush()
end


-- ngx.var through the index (once, in init_by_lua*; affects every request)

function _M.patch()
    stock_mt.__index = var_get
    stock_mt.__newindex = var_set
end


function _M.unpatch()
    stock_mt.__index = stock_get
    stock_mt.__newindex = stock_set
end


return _M
