# ngxlint lua against its fixtures (fixtures/lua, see its README.md):
#
#   - the accesses --list-accesses reports are exactly the annotated ones
#     (file, line, kind, name, phase, and how many on each line), for every
#     fixture, read alone, as a directory, or as a project (a configuration
#     with its *_by_lua_file files and lua_package_path modules); a file
#     named twice (through the configuration and as a path) is read once;
#   - columns of Lua inside the configuration (blocks, the string form with
#     escapes, an included file) are the configuration's;
#   - the lua-* findings are exactly the annotated ones, with their variable,
#     score, severity and phase; --hot-threshold; the notes;
#   - --emit-index (order, var_index vs Kong's dialect, chosen automatically
#     when the configuration uses lua_kong_load_var_index), --fix and
#     --write (golden files, merging into var_index, idempotent, nothing
#     added when nothing is missing);
#   - broken Lua: lua-syntax with a position, the accesses still visible
#     still reported, binary garbage, a missing file (exit 2, named);
#   - the fixture configurations pass Debian's nginx -t (with the Lua
#     module), the ones using var_index or Kong's directives excepted.
. tests/e2e/lib.sh

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing (make deps installs it)"; exit 77
fi
if ! command -v realpath >/dev/null 2>&1; then
    echo "realpath is missing (coreutils)"; exit 77
fi

LC_ALL=C
export LC_ALL
FIX=fixtures/lua

# skip_check DESCRIPTION: a check that cannot run yet, said so (TAP SKIP)
skip_check() {
    T_COUNT=$((T_COUNT + 1))
    echo "ok $T_COUNT - # SKIP $1"
}

# rel: paths relative to the repository, for the messages
rel() {
    sed "s|$(realpath "$NGXL_ROOT")/||g"
}

# ---- annotations -----------------------------------------------------------

# the annotation parser (fixtures/lua/README.md).  MODE A prints the
# accesses, "FILE<TAB>LINE<TAB>KIND<TAB>NAME<TAB>PHASE" (NAME "-" when there
# is none); MODE F the findings, "F<TAB>FILE<TAB>LINE<TAB>RULE<TAB>ATTRS" and
# "S<TAB>FILE<TAB>FIRST<TAB>LAST<TAB>RULE" for spans.  A malformed annotation
# is an error (exit 1), so that a typo cannot hide a case.
ANN_AWK='
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function bad(line, msg) {
    printf "%s:%d: bad annotation: %s\n", FILENAME, line, msg > "/dev/stderr"
    err = 1
}
{
    if (match($0, /expect-phase:[ \t]*[a-z_]+/)) {
        s = substr($0, RSTART, RLENGTH)
        sub(/^expect-phase:[ \t]*/, "", s)
        defphase = s
        next
    }
    if (!match($0, /(--|#)[ \t]*(expect:|finding:|finding-span:|span-end)/)) {
        next
    }
    ann = substr($0, RSTART)
    sub(/^(--|#)[ \t]*/, "", ann)
    nseg = split(ann, seg, /;/)
    for (i = 1; i <= nseg; i++) {
        s = trim(seg[i])
        if (s ~ /^expect:/) {
            sub(/^expect:[ \t]*/, "", s)
            nit = split(s, item, /,/)
            for (j = 1; j <= nit; j++) {
                nw = split(trim(item[j]), w, /[ \t]+/)
                kind = w[1]; name = "-"; phase = ""
                for (x = 2; x <= nw; x++) {
                    if (w[x] ~ /^@/) { phase = substr(w[x], 2) } else if (name == "-") { name = w[x] } else { bad(FNR, "\"" item[j] "\"") }
                }
                if (kind !~ /^(read|write|dynamic|capture)$/) {
                    bad(FNR, "kind \"" kind "\"")
                } else if ((kind == "read" || kind == "write") != (name != "-")) {
                    bad(FNR, "\"" trim(item[j]) "\": read and write take a name, dynamic and capture none")
                }
                na++; al[na] = FNR; ak[na] = kind; an[na] = name; ap[na] = phase
            }
        } else if (s ~ /^finding:/) {
            sub(/^finding:[ \t]*/, "", s)
            nw = split(s, w, /[ \t]+/)
            if (w[1] !~ /^lua-[a-z-]+$/) { bad(FNR, "rule \"" w[1] "\"") }
            nf++; fl[nf] = FNR; fr[nf] = w[1]; fa[nf] = ""
            for (x = 2; x <= nw; x++) {
                if (w[x] !~ /^(var|score|severity|phase)=/) { bad(FNR, "\"" w[x] "\"") }
                fa[nf] = fa[nf] (fa[nf] == "" ? "" : " ") w[x]
            }
        } else if (s ~ /^finding-span:/) {
            sub(/^finding-span:[ \t]*/, "", s)
            split(s, w, /[ \t]+/)
            ns++; ss[ns] = FNR; sr[ns] = w[1]; se[ns] = 0
            open[++nopen] = ns
        } else if (s ~ /^span-end/) {
            if (nopen == 0) { bad(FNR, "span-end without finding-span") } else { se[open[nopen]] = FNR; nopen-- }
        }
    }
}
END {
    if (nopen) { bad(ss[open[nopen]], "finding-span without span-end") }
    for (i = 1; i <= na; i++) {
        p = ap[i] != "" ? ap[i] : defphase
        if (p == "") { bad(al[i], "no phase (add @PHASE or an expect-phase line)") }
        if (mode == "A") { printf "%s\t%d\t%s\t%s\t%s\n", file, al[i], ak[i], an[i], p }
    }
    if (mode == "F") {
        for (i = 1; i <= nf; i++) { printf "F\t%s\t%d\t%s\t%s\n", file, fl[i], fr[i], fa[i] }
        for (i = 1; i <= ns; i++) { printf "S\t%s\t%d\t%d\t%s\n", file, ss[i], se[i], sr[i] }
    }
    exit err
}'

# annotations MODE FILE...: what the files say, sorted
annotations() {
    a_mode=$1
    shift
    for a_f in "$@"; do
        awk -v mode="$a_mode" -v file="$(realpath "$a_f")" "$ANN_AWK" "$a_f" ||
            echo "BAD-ANNOTATION $a_f"
    done | sort
}

# project_files DIR: the annotated files of a project directory
project_files() {
    find "$1" -type f \( -name '*.lua' -o -name '*.conf' \) ! -name '*.fixed.conf' | sort
}

# canon: the first column of tab-separated lines, a path, made canonical
canon() {
    cat > "$TMP/canon.in"
    cut -f1 "$TMP/canon.in" | sort -u > "$TMP/canon.paths"
    while IFS= read -r c_p; do
        printf '%s\t%s\n' "$c_p" "$(realpath -m -- "$c_p")"
    done < "$TMP/canon.paths" > "$TMP/canon.map"
    awk -F'\t' -v OFS='\t' 'NR == FNR { m[$1] = $2; next } { $1 = m[$1]; print }' \
        "$TMP/canon.map" "$TMP/canon.in"
}

# ---- the checks ------------------------------------------------------------

# check_accesses LABEL FILES -- NGXLINT-ARGS...: the accesses reported by
# `ngxlint lua --list-accesses --format json ARGS` are exactly those
# annotated in FILES (a space-separated list)
check_accesses() {
    ca_label=$1 ca_files=$2
    shift 3
    # shellcheck disable=SC2086
    annotations A $ca_files > "$TMP/want"
    "$NGXLINT" lua --list-accesses --format json "$@" >"$TMP/json" 2>"$TMP/err"
    ca_rc=$?
    if [ "$ca_rc" -ne 0 ] || ! jq -e '.accesses | type == "array"' "$TMP/json" >/dev/null 2>&1; then
        not_ok "$ca_label: --list-accesses: exit $ca_rc" "$(head -c 2000 "$TMP/json"; cat "$TMP/err")"
        return
    fi
    jq -r '.accesses[] | [.file, .line, .kind, (.name // "-"), .phase] | @tsv' "$TMP/json" |
        canon | sort > "$TMP/got"
    if grep -q BAD-ANNOTATION "$TMP/want"; then
        not_ok "$ca_label: the fixture's annotations are malformed" "$(grep BAD-ANNOTATION "$TMP/want")"
    elif cmp -s "$TMP/want" "$TMP/got"; then
        ok "$ca_label: $(wc -l < "$TMP/want" | tr -d ' ') accesses, as annotated"
    else
        not_ok "$ca_label: the accesses differ from the annotations" "$(
            { comm -23 "$TMP/want" "$TMP/got" | sed 's/^/missing:    /'
              comm -13 "$TMP/want" "$TMP/got" | sed 's/^/unexpected: /'
            } | tr '\t' ' ' | rel)"
    fi
}

# check_findings LABEL FILES -- NGXLINT-ARGS...: the lua-* findings of
# `ngxlint lua --format json ARGS` are exactly those annotated in FILES,
# with the annotated fields
check_findings() {
    cf_label=$1 cf_files=$2
    shift 3
    # shellcheck disable=SC2086
    annotations F $cf_files > "$TMP/fwant"
    "$NGXLINT" lua --format json "$@" >"$TMP/json" 2>"$TMP/err"
    cf_rc=$?
    if [ "$cf_rc" -gt 1 ] || ! jq -e '.findings | type == "array"' "$TMP/json" >/dev/null 2>&1; then
        not_ok "$cf_label: findings: exit $cf_rc" "$(head -c 2000 "$TMP/json"; cat "$TMP/err")"
        return
    fi
    jq -r '.findings[] | select(.rule | startswith("lua-"))
           | [.file, .line, .rule, (.variable // "-"), (.score // "-" | tostring),
              .severity, (.phase // "-")] | @tsv' "$TMP/json" | canon | sort > "$TMP/fgot"
    awk -F'\t' '
        FILENAME == ARGV[1] {
            if ($1 == "F") { k = $2 SUBSEP $3 SUBSEP $4; want[k]++; attrs[k] = $5 }
            else if ($1 == "S") { ns++; sf[ns] = $2; sa[ns] = $3; sb[ns] = $4; sr[ns] = $5 }
            else { print "bad annotation: " $0 }
            next
        }
        {
            k = $1 SUBSEP $2 SUBSEP $3
            if (want[k] > 0) {
                want[k]--
                n = split(attrs[k], a, / /)
                for (i = 1; i <= n; i++) {
                    split(a[i], kv, /=/)
                    got = kv[1] == "var" ? $4 : kv[1] == "score" ? $5 : kv[1] == "severity" ? $6 : $7
                    if (got != kv[2]) {
                        printf "wrong:      %s:%s: %s: %s is %s, expected %s\n", $1, $2, $3, kv[1], got, kv[2]
                    }
                }
                next
            }
            for (i = 1; i <= ns; i++) {
                if (sf[i] == $1 && sr[i] == $3 && $2 + 0 >= sa[i] + 0 && $2 + 0 <= sb[i] + 0) {
                    used[i] = 1
                    next
                }
            }
            printf "unexpected: %s:%s: %s (%s)\n", $1, $2, $3, $4
        }
        END {
            for (k in want) {
                if (want[k] > 0) { split(k, p, SUBSEP); printf "missing:    %s:%s: %s\n", p[1], p[2], p[3] }
            }
            for (i = 1; i <= ns; i++) {
                if (!used[i]) { printf "missing:    %s:%s-%s: %s (somewhere in these lines)\n", sf[i], sa[i], sb[i], sr[i] }
            }
        }' "$TMP/fwant" "$TMP/fgot" | sort > "$TMP/fdiff"
    if [ -s "$TMP/fdiff" ]; then
        not_ok "$cf_label: the lua-* findings differ from the annotations" "$(rel < "$TMP/fdiff")"
    else
        ok "$cf_label: $(wc -l < "$TMP/fgot" | tr -d ' ') lua-* findings, as annotated"
    fi
}

# col_of FILE MARKER: "LINE COLUMN" of the first occurrence of MARKER
col_of() {
    awk -v m="$2" 'i = index($0, m) { print FNR, i; exit }' "$1"
}

# check_column LABEL JSON-FILE NAME FILE MARKER: the access to NAME is
# reported at MARKER's line and column in FILE
check_column() {
    cc_want=$(col_of "$4" "$5")
    cc_got=$(jq -r --arg n "$3" '.accesses[] | select(.name == $n) | "\(.line) \(.column)"' "$2" | head -n 1)
    if [ -n "$cc_want" ] && [ "$cc_want" = "$cc_got" ]; then
        ok "$1: \$$3 at $(basename "$4"):${cc_want% *}:${cc_want#* }"
    else
        not_ok "$1: \$$3 at line:column ${cc_got:-none}, expected ${cc_want:-?} (\"$5\" in $4)"
    fi
}


# ---- 1. the accesses: every fixture ---------------------------------------

for f in "$FIX"/access/*.lua "$FIX"/broken/*.lua; do
    check_accesses "$f" "$f" -- "$f"
done

# the directory: every file once, the same accesses
check_accesses "$FIX/access (a directory)" "$(ls "$FIX"/access/*.lua)" -- "$FIX/access"

for f in "$FIX"/index/*.conf "$FIX"/broken/block.conf; do
    case "$f" in *.fixed.conf) continue ;; esac
    check_accesses "$f" "$f" -- "$f"
done

for d in "$FIX/project" "$FIX"/findings/*; do
    check_accesses "$d/nginx.conf" "$(project_files "$d")" -- "$d/nginx.conf"
done

check_accesses "$FIX/prefixed (-p)" "$(project_files "$FIX/prefixed")" -- \
    -p "$FIX/prefixed" "$FIX/prefixed/conf/nginx.conf"

# lua_package_path with an absolute directory outside the configuration's
# (/etc/nginx/nginx.conf with its Lua in /opt/app/lua): the modules
# per-request code requires are still read, in their phases
mkdir -p "$TMP/abs"
cat > "$TMP/abs/nginx.conf" <<EOF
events {}
http {
    lua_package_path "$(realpath "$FIX/project/lib")/?.lua;;";
    server {
        listen 127.0.0.1:28094;
        location / {
            access_by_lua_block {
                require("app.auth").check()
            }
        }
    }
}
EOF
"$NGXLINT" lua --list-accesses --format json "$TMP/abs/nginx.conf" >"$TMP/abs.json" 2>"$TMP/err"
if jq -e '[.accesses[] | select(.name == "http_authorization" and .phase == "access")] | length == 1' "$TMP/abs.json" >/dev/null 2>&1; then
    ok "lua_package_path outside the prefix: a required module is read (access phase)"
else
    not_ok "lua_package_path outside the prefix: the required module app.auth is not read" "$(cat "$TMP/abs.json" "$TMP/err")"
fi

# "../?.lua" leads out of the prefix, however it is spelled: only the
# modules required are read, the directory is not walked (taken as
# "PREFIX/..", inside by its spelling, it was: a fuzzed config's
# "../?ua-resty-core/lib/?.lua" had the whole file system walked)
mkdir -p "$TMP/up/conf"
cat > "$TMP/up/conf/nginx.conf" <<'EOF'
events {}
http {
    lua_package_path "../?.lua;../?ua-resty/lib/?.lua;;";
    server {
        listen 127.0.0.1:28095;
        location / {
            access_by_lua_block {
                require("needed").check()
            }
        }
    }
}
EOF
printf 'return { check = function () return ngx.var.http_needed end }\n' > "$TMP/up/needed.lua"
printf 'return ngx.var.http_unrelated\n' > "$TMP/up/unrelated.lua"
"$NGXLINT" lua --list-accesses --format json "$TMP/up/conf/nginx.conf" >"$TMP/up.json" 2>"$TMP/err"
if jq -e '[.accesses[].name] | index("http_needed") != null and index("http_unrelated") == null' "$TMP/up.json" >/dev/null 2>&1; then
    ok "lua_package_path \"../?.lua\": the required module is read, its directory is not walked"
else
    not_ok "lua_package_path \"../?.lua\": walked or not read" "$(cat "$TMP/up.json" "$TMP/err")"
fi

# each file is read once, however it is named: the configuration's own
# *_by_lua_file and modules given again as paths, in other spellings
check_accesses "$FIX/project, its files given again as paths" "$(project_files "$FIX/project")" -- \
    "$FIX/project/nginx.conf" "$FIX/project/lua" "$FIX/project/lib/app/auth.lua"
check_accesses "$FIX/project, its files given again (./ and absolute)" "$(project_files "$FIX/project")" -- \
    "$FIX/project/nginx.conf" "./$FIX/project/lua" "$(realpath "$FIX/project/lib")"
check_accesses "$FIX/project, with an absolute -p" "$(project_files "$FIX/project")" -- \
    -p "$(realpath "$FIX/project")" "$FIX/project/nginx.conf" "$FIX/project/lua/handler.lua"


# ---- 2. columns of Lua in the configuration ---------------------------------

"$NGXLINT" lua --list-accesses --format json "$FIX/project/nginx.conf" >"$TMP/cols.json" 2>/dev/null
P="$FIX/project/nginx.conf"
check_column "block" "$TMP/cols.json" rewrite_block "$P" "ngx.var.rewrite_block"
check_column "block, through an alias" "$TMP/cols.json" content_block "$P" "var.content_block"
check_column "string form in single quotes, escaped quotes after it" "$TMP/cols.json" string_single "$P" "ngx.var.string_single"
check_column "string form in double quotes, escaped quotes before it" "$TMP/cols.json" string_double "$P" "ngx.var.string_double"
check_column "multi-line string form with escaped quotes" "$TMP/cols.json" string_multiline "$P" "ngx.var.string_multiline"
check_column "string form after an escaped newline" "$TMP/cols.json" string_after_newline_escape "$P" "ngx.var.string_after_newline_escape"
check_column "included file" "$TMP/cols.json" included_block "$FIX/project/conf.d/included.conf" "ngx.var.included_block"
check_column "*_by_lua_file" "$TMP/cols.json" handler_top "$FIX/project/lua/handler.lua" "var.handler_top"


# ---- 3. the findings ----------------------------------------------------------

for d in "$FIX"/findings/*; do
    check_findings "$d/nginx.conf" "$(project_files "$d")" -- "$d/nginx.conf"
done
# (Lua read alone runs in no known phase: nothing per request to report)
for f in "$FIX"/index/*.conf "$FIX"/broken/block.conf "$FIX"/broken/*.lua "$FIX"/access/*.lua; do
    case "$f" in *.fixed.conf) continue ;; esac
    check_findings "$f" "$f" -- "$f"
done

# severity by score: --hot-threshold, and the default --help states
W="$FIX/findings/weights/nginx.conf"
sev_of() {    # JSON VARIABLE: its finding's severity
    jq -r --arg v "$2" '.findings[] | select(.variable == $v) | .severity' "$1"
}
"$NGXLINT" lua --format json --hot-threshold 5 "$W" >"$TMP/t5.json" 2>/dev/null
got="$(sev_of "$TMP/t5.json" w_for) $(sev_of "$TMP/t5.json" w_sum) $(sev_of "$TMP/t5.json" w_two) $(sev_of "$TMP/t5.json" w_once)"
if [ "$got" = "note warning note note" ]; then
    ok "--hot-threshold 5: score 4 and 2 are notes, 6 a warning"
else
    not_ok "--hot-threshold 5: w_for, w_sum, w_two, w_once are \"$got\", expected \"note warning note note\""
fi
"$NGXLINT" lua --format json --hot-threshold 1 "$W" >"$TMP/t1.json" 2>/dev/null
if [ "$(jq '[.findings[] | select(.rule == "lua-unindexed-var" and .severity != "warning")] | length' "$TMP/t1.json")" = 0 ]; then
    ok "--hot-threshold 1: every lua-unindexed-var is a warning"
else
    not_ok "--hot-threshold 1: some lua-unindexed-var are not warnings" "$(jq -c '.findings[] | [.variable, .score, .severity]' "$TMP/t1.json")"
fi
run "$NGXLINT" lua --hot-threshold 0 "$W"
expect_rc 2 "--hot-threshold 0 is refused"

default=$("$NGXLINT" --help 2>&1 | sed -n 's/.*--hot-threshold N.*(\([0-9][0-9]*\)).*/\1/p' | head -n 1)
"$NGXLINT" lua --format json "$W" >"$TMP/tdef.json" 2>/dev/null
bad=$(jq -r --argjson d "${default:-0}" '.findings[] | select(.rule == "lua-unindexed-var")
        | select((.score >= $d) != (.severity == "warning")) | "\(.variable): score \(.score), \(.severity)"' "$TMP/tdef.json")
if [ -n "$default" ] && [ -z "$bad" ]; then
    ok "the default threshold is the one --help states ($default)"
else
    not_ok "the default threshold is not the one --help states (${default:-none found})" "$bad"
fi
if [ "$default" = 2 ]; then
    ok "the default threshold is 2"
else
    not_ok "--help states a default threshold of ${default:-nothing}, not 2"
fi

# notes: the other places of a variable, in order
want=$(grep -n 'local s[12] = var.w_sum' "$FIX/findings/weights/loops.lua" | cut -d: -f1 | tr '\n' ' ')
got=$(jq -r '.findings[] | select(.variable == "w_sum") | .notes[] | .line' "$TMP/tdef.json" | tr '\n' ' ')
if [ "$want" = "$got" ]; then
    ok "lua-unindexed-var: the other accesses are notes (lines $want)"
else
    not_ok "lua-unindexed-var: notes on lines ${got:-none}, expected $want"
fi

# the JSON fields of lua-unindexed-var
if jq -e '[.findings[] | select(.rule == "lua-unindexed-var")
          | (.variable | type) == "string" and (.score | type) == "number" and (.phase | type) == "string"]
          | length > 0 and all' "$TMP/tdef.json" >/dev/null; then
    ok "lua-unindexed-var: JSON carries variable, score and phase"
else
    not_ok "lua-unindexed-var: JSON lacks variable, score or phase" "$(jq -c '.findings[0]' "$TMP/tdef.json")"
fi

# the project: init and init_worker code, and modules only init requires,
# are never reported; neither is an orphan module (phase unknown)
"$NGXLINT" lua --format json "$FIX/project/nginx.conf" >"$TMP/proj.json" 2>/dev/null
leak=$(jq -r '.findings[] | select(.rule == "lua-unindexed-var")
        | select(.variable | test("^(init_block|init_worker_block|boot_top|boot_function|auth_top|util_top|orphan_function)$"))
        | .variable' "$TMP/proj.json" | tr '\n' ' ')
if [ -z "$leak" ]; then
    ok "project: nothing reported for code that does not run per request"
else
    not_ok "project: reported, but not per request: $leak"
fi
hot=$(jq -r '.findings[] | select(.rule == "lua-unindexed-var") | .variable' "$TMP/proj.json" | sort | tr '\n' ' ')
for v in access_block balancer_block content_block http_authorization http_x_tenant_id plugins_function \
         render_function request_time set_block ssl_block string_multiline upstream_addr; do
    case " $hot " in
    *" $v "*) ok "project: \$$v is reported (per request)" ;;
    *)        not_ok "project: \$$v is not reported, but it is read per request" ;;
    esac
done


# ---- 4. --emit-index ----------------------------------------------------------

# expect_emit DESCRIPTION EXPECTED ARGS...: stdout is exactly EXPECTED
expect_emit() {
    ee_label=$1 ee_want=$2
    shift 2
    run "$NGXLINT" lua --emit-index "$@"
    if [ "$RC" -eq 0 ] && [ "$OUT" = "$ee_want" ]; then
        ok "--emit-index: $ee_label"
    else
        not_ok "--emit-index: $ee_label: exit $RC" "got:
$OUT
expected:
$ee_want
stderr: $ERR"
    fi
}

expect_emit "hottest first; \$my_flag (no module defines it) left out" \
    'var_index $cookie_session $uri $remote_addr $http_x_tenant_id;' "$FIX/index/plain.conf"
expect_emit "--dialect kong" \
    'lua_kong_load_var_index $cookie_session;
lua_kong_load_var_index $uri;
lua_kong_load_var_index $remote_addr;
lua_kong_load_var_index $http_x_tenant_id;' --dialect kong "$FIX/index/plain.conf"
expect_emit "--dialect var_index" \
    'var_index $cookie_session $uri $remote_addr $http_x_tenant_id;' --dialect var_index "$FIX/index/plain.conf"
expect_emit "the names var_index already has are left out" \
    'var_index $cookie_session $uri $remote_addr $http_x_tenant_id;' "$FIX/index/merge.conf"
expect_emit "Kong's dialect when the configuration uses it" \
    'lua_kong_load_var_index $scheme;
lua_kong_load_var_index $request_method;' "$FIX/index/kong.conf"
expect_emit "--dialect var_index overrides Kong's" \
    'var_index $scheme $request_method;' --dialect var_index "$FIX/index/kong.conf"
expect_emit "nothing when every variable is indexed" '' "$FIX/index/complete.conf"
expect_emit "nothing for Kong's default list" '' "$FIX/findings/kong/nginx.conf"
run "$NGXLINT" lua --emit-index --dialect nginx "$FIX/index/plain.conf"
expect_rc 2 "--dialect nginx is refused"


# ---- 5. --fix and --write -------------------------------------------------------

# nginx -t of the fixtures and of what --write leaves (below and in 7.)

MODDIR=${NGX_MODULES_DIR:-/usr/lib/nginx/modules}
if [ -z "${NGINX:-}" ]; then
    NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
fi

# nginx_t DIR CONF: nginx -t of a copy of DIR, CONF inside it, with the Lua
# module, a private pid file and a throw-away certificate
nginx_t() {
    nt=$TMP/nginx-t
    rm -rf "$nt"; mkdir -p "$nt"
    cp -R "$1/." "$nt/"
    mkdir -p "$nt/logs"
    if [ ! -f "$TMP/cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
            -days 1 -subj /CN=localhost >/dev/null 2>&1
    fi
    cp "$TMP/key.pem" "$TMP/cert.pem" "$nt/"
    c=$nt/$2
    { echo "load_module $MODDIR/ndk_http_module.so;"
      echo "load_module $MODDIR/ngx_http_lua_module.so;"
      if grep -q '^[[:space:]]*var_index[[:space:]]' "$c"; then
          echo "load_module $VAR_INDEX_SO;"
      fi
      echo "pid $nt/nginx.pid;"
      echo "error_log $nt/logs/error.log;"
      cat "$c"
    } > "$c.t"
    mv "$c.t" "$c"
    "$NGINX" -t -p "$nt/" -c "$c" -e "$nt/logs/error.log" 2>&1
}

# the var_index fixtures load ngxlint's own module: built here if need be
VAR_INDEX_SO=${NGXL_ROOT:-$(pwd)}/build/ngx_http_var_index_module.so
if [ ! -f "$VAR_INDEX_SO" ] && command -v bash >/dev/null 2>&1; then
    bash module/build.sh build >/dev/null 2>&1 || true
fi

for name in plain merge kong complete; do
    src="$FIX/index/$name.conf"
    golden="$FIX/index/$name.fixed.conf"
    w="$TMP/write-$name"
    rm -rf "$w"; mkdir -p "$w"
    cp "$src" "$w/nginx.conf"

    run "$NGXLINT" lua --fix "$w/nginx.conf"
    if [ -f "$golden" ]; then
        expect_rc 1 "$name.conf: --fix shows a diff"
        added=$(diff "$src" "$golden" | sed -n 's/^> *//p' | head -n 1)
        expect_out "^\+ *$(printf '%s' "$added" | sed 's/[$.[*^]/\\&/g')\$" "$name.conf: --fix adds \"$added\""
        if cmp -s "$src" "$w/nginx.conf"; then
            ok "$name.conf: --fix leaves the file alone"
        else
            not_ok "$name.conf: --fix changed the file"
        fi
    else
        expect_rc 0 "$name.conf: --fix has nothing to do"
        if [ -z "$OUT" ]; then ok "$name.conf: --fix prints nothing"; else not_ok "$name.conf: --fix prints a diff" "$OUT"; fi
    fi

    run "$NGXLINT" lua -q --write "$w/nginx.conf"
    if [ "$RC" -le 1 ]; then ok "$name.conf: --write (exit $RC)"; else not_ok "$name.conf: --write: exit $RC" "$ERR"; fi
    want="${golden}"
    [ -f "$golden" ] || want="$src"
    if cmp -s "$want" "$w/nginx.conf"; then
        ok "$name.conf: --write gives $(basename "$want")"
    else
        not_ok "$name.conf: --write differs from $(basename "$want")" "$(diff -u "$want" "$w/nginx.conf")"
    fi

    cp "$w/nginx.conf" "$TMP/first"
    run "$NGXLINT" lua -q --write "$w/nginx.conf"
    if cmp -s "$TMP/first" "$w/nginx.conf"; then
        ok "$name.conf: a second --write changes nothing"
    else
        not_ok "$name.conf: a second --write changed the file" "$(diff -u "$TMP/first" "$w/nginx.conf")"
    fi

    run "$NGXLINT" lua --format json "$w/nginx.conf"
    left=$(printf '%s' "$OUT" | jq -r '.findings[] | select(.rule == "lua-unindexed-var" and .fixable) | .variable' | tr '\n' ' ')
    if [ -z "$left" ]; then
        ok "$name.conf: nothing fixable left after --write"
    else
        not_ok "$name.conf: still fixable after --write: $left"
    fi
    if [ "$name" = plain ] || [ "$name" = merge ]; then
        if printf '%s' "$OUT" | jq -e '[.findings[] | select(.variable == "my_flag")] | length == 1' >/dev/null; then
            ok "$name.conf: \$my_flag (no module defines it) is still reported after --write"
        else
            not_ok "$name.conf: \$my_flag is no longer reported after --write" "$OUT"
        fi
    fi

    # the patched file in Debian's nginx, with ngxlint's var_index module;
    # Kong's directive comes from a module Debian does not have
    if [ "$name" = kong ]; then
        skip_check "$name.conf: nginx -t of the --write result (lua-kong-nginx-module is not in Debian)"
    elif [ ! -x "$NGINX" ] || [ ! -f "$VAR_INDEX_SO" ] || ! command -v openssl >/dev/null 2>&1; then
        skip_check "$name.conf: nginx -t of the --write result (nginx or the var_index module is missing)"
    else
        out=$(nginx_t "$w" nginx.conf)
        if printf '%s\n' "$out" | grep -q 'test is successful'; then
            ok "$name.conf: nginx -t accepts the --write result (with the var_index module)"
        else
            not_ok "$name.conf: nginx -t refuses the --write result" "$out"
        fi
    fi
done

run "$NGXLINT" lua --fix "$FIX/access/forms.lua"
expect_rc 2 "--fix without a configuration is refused"


# ---- 6. broken Lua, missing files -------------------------------------------

# binary garbage, with Lua before and after it
g="$TMP/garbage.lua"
printf 'local a = ngx.var.garbage_before\n\177ELF\002\001\001\000\000\000\377\376\375{{{]]]\000\033[0m"\047\n\001\002\003\nlocal b = ngx.var.garbage_after\n' > "$g"
run "$NGXLINT" lua --format json "$g"
expect_rc 1 "binary garbage: a finding, no crash"
n=$(printf '%s' "$OUT" | jq '[.findings[] | select(.rule == "lua-syntax" and .line >= 1 and .line <= 5)] | length' 2>/dev/null)
if [ "${n:-0}" -ge 1 ]; then
    ok "binary garbage: lua-syntax with a line in the file"
else
    not_ok "binary garbage: no lua-syntax finding with a position" "$OUT"
fi
run "$NGXLINT" lua --list-accesses --format json "$g"
if printf '%s' "$OUT" | jq -e '[.accesses[] | select(.name == "garbage_before" and .line == 1)] | length == 1' >/dev/null 2>&1 &&
   printf '%s' "$OUT" | jq -e '[.accesses[] | select(.name != "garbage_before" and .name != "garbage_after")] | length == 0' >/dev/null 2>&1
then
    ok "binary garbage: the access before it is still reported"
else
    not_ok "binary garbage: the accesses around it" "$OUT
stderr: $ERR"
fi

# nesting: brackets and blocks deeper than 1,000 (LuaJIT refuses 200) are
# a lua-syntax error at the 1001st level, the Lua before it still read;
# brackets in strings, comments and long strings do not count
n="$TMP/nest-ok.lua"
python3 - "$n" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('local s = "' + "{" * 3000 + '\\" ((" -- ' + "(" * 3000 + "\n")
    f.write("local l = [==[ " + "[" * 3000 + " ]] ]=] ]==] --[[ " + "{" * 3000 + " ]]\n")
    f.write("local c = '" + "(" * 3000 + "' --[=[ ]] " + "{" * 3000 + " ]=]\n")
    f.write("local t = " + "{" * 400 + "function() if x then repeat do local f = " * 150
            + "ngx.var.nest_deep " + "end until y end end " * 150 + "}" * 400 + "\n")
    f.write("return ngx.var.nest_after\n")
PY
run "$NGXLINT" lua --list-accesses --format json "$n"
if [ "$RC" = 0 ] && printf '%s' "$OUT" | jq -e '[.accesses[].name] == ["nest_deep", "nest_after"]' >/dev/null 2>&1; then
    ok "1,000 levels (and brackets in strings and comments): read whole"
else
    not_ok "1,000 levels: exit $RC" "$OUT $ERR"
fi
run "$NGXLINT" lua "$n"
expect_rc 0 "1,000 levels: no lua-syntax"

n="$TMP/nest-deep.lua"
python3 - "$n" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("local a = ngx.var.nest_before\n")
    f.write("local t = " + "{" * 500 + "(" * 300 + "function() " * 201
            + "ngx.var.nest_inside = 1 " + "end " * 201 + ")" * 300 + "}" * 500 + "\n")
    f.write("return ngx.var.nest_after\n")
PY
# the 1001st level: the "(" of the 200th "function" (800 brackets, 199
# functions, then the 200th and its "("), at column 11 + 800 + 199 * 11 + 8
run "$NGXLINT" lua "$n"
expect_rc 1 "1,001 levels: a finding"
expect_out "nest-deep\.lua:2:3008: error: brackets and blocks nested more than 1000 deep \(LuaJIT stops at 200\): the Lua before it is still read \[lua-syntax\]" \
    "1,001 levels: lua-syntax at the 1001st level"
run "$NGXLINT" lua --list-accesses --format json "$n"
if printf '%s' "$OUT" | jq -e '[.accesses[].name] == ["nest_before"]' >/dev/null 2>&1; then
    ok "1,001 levels: the access before it reported, nothing after the cut"
else
    not_ok "1,001 levels: the accesses" "$OUT"
fi

# the string form: the position maps back through nginx's unescaping
n="$TMP/nest-string.conf"
python3 - "$n" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("events {}\nhttp {\n    server {\n        location / {\n")
    f.write("            content_by_lua 'local a = ngx.var.nest_s \\'x\\' local t = " + "(" * 1001 + "';\n")
    f.write("        }\n    }\n}\n")
PY
# the first "(" is at column 70 of line 5: the 1001st at 1070
run "$NGXLINT" lua "$n"
expect_rc 1 "1,001 levels in a string form: a finding"
expect_out "nest-string\.conf:5:1070: error: brackets and blocks nested more than 1000 deep" \
    "1,001 levels in a string form: lua-syntax at its config line:column"

# what the nesting count lets through is still read, in a 1 MB stack: a
# left-deep chain of 100,000 "+" (LuaJIT takes any length), 2,990 unary
# operators, 245 x 4 levels of function/if/repeat/do
n="$TMP/nest-chain.lua"
python3 - "$n" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("local c = ngx.var.chain_first" + " + 1" * 100000 + " + ngx.var.chain_last\n")
    f.write("local u = " + "- " * 2990 + "ngx.var.unary_deep\n")
    f.write("local w = " + "function() if x then repeat do local f = " * 245
            + "ngx.var.block_deep" + " end until y end end" * 245 + "\n")
PY
# (a sanitizer build's frames are several times larger: 8 MB for it)
stack=1024
if ldd "$NGXLINT" 2>/dev/null | grep -q libasan; then
    stack=8192
fi
run sh -c 'ulimit -s "$1" && shift && exec "$@"' sh "$stack" "$NGXLINT" lua --list-accesses --format json "$n"
if [ "$RC" = 0 ] && printf '%s' "$OUT" | jq -e '[.accesses[].name] == ["chain_first", "chain_last", "unary_deep", "block_deep"]' >/dev/null 2>&1; then
    ok "deep chains and blocks: every access read, in a $stack KB stack"
else
    not_ok "deep chains and blocks: exit $RC" "$(printf '%s' "$OUT" | head -c 600) $ERR"
fi

# names: broken Lua does not put its junk into one ("ngx.var.arg_b!" reads
# $arg_b), and a name nginx cannot take after "$" is listed, never indexed
n="$TMP/names.lua"
printf 'local a = ngx.var["x-y"]\nlocal b = ngx.var.arg_b!\n' > "$n"
run "$NGXLINT" lua --list-accesses --format json "$n"
if printf '%s' "$OUT" | jq -e '[.accesses[].name] == ["x-y", "arg_b"]' >/dev/null 2>&1; then
    ok "names: \"x-y\" listed as it is, \"arg_b!\" read as arg_b"
else
    not_ok "names in broken Lua" "$OUT"
fi
mkdir -p "$TMP/names"
printf 'events {}\nhttp {\n    server {\n        location / {\n            content_by_lua_block {\n                local a = ngx.var["x-y"]\n                local b = ngx.var.arg_b!\n            }\n        }\n    }\n}\n' > "$TMP/names/nginx.conf"
run "$NGXLINT" lua --emit-index "$TMP/names/nginx.conf"
if [ "$OUT" = 'var_index $arg_b;' ]; then
    ok "names: only a name nginx takes after \"\$\" is emitted"
else
    not_ok "names: --emit-index gave: $OUT" "$ERR"
fi
run "$NGXLINT" lua --fix "$TMP/names/nginx.conf"
expect_out '^\+ *var_index \$arg_b;' "names: lua --fix settles and inserts var_index \$arg_b"

# a *_by_lua_block body that does not parse: text output names the place
run "$NGXLINT" lua "$FIX/broken/block.conf"
expect_rc 1 "broken block: findings"
expect_out "block\.conf:1[3-7]:[0-9]+: error: .*\[lua-syntax\]" "broken block: lua-syntax at a line:column of the block"

run "$NGXLINT" lua "$FIX/access/no-such-file.lua"
expect_rc 2 "a .lua path that does not exist"
expect_err "no-such-file\.lua" "... is named"
run "$NGXLINT" lua --list-accesses --format json "$FIX/access/no-such-file.lua"
expect_rc 2 "... with --list-accesses too"

run "$NGXLINT" lua --format json "$FIX/broken/missing-file.conf"
expect_rc 2 "a *_by_lua_file that does not exist"
expect_err "lua/does-not-exist\.lua" "... is named"
if printf '%s' "$OUT" | jq -e '[.findings[] | select(.variable == "still_listed")] | length == 1' >/dev/null 2>&1; then
    ok "... and the Lua that can be read is still checked"
else
    not_ok "... and the Lua that can be read is not checked" "$OUT"
fi
run "$NGXLINT" lua --list-accesses --format json "$FIX/broken/missing-file.conf"
expect_rc 2 "... --list-accesses: exit 2"
if printf '%s' "$OUT" | jq -e '[.accesses[] | select(.name == "still_listed")] | length == 1' >/dev/null 2>&1; then
    ok "... --list-accesses still lists what it can read"
else
    not_ok "... --list-accesses lists nothing" "$OUT"
fi

# a .lua that is a directory, an empty file, a file with only a comment
mkdir -p "$TMP/odd.lua"
: > "$TMP/empty.lua"
printf -- '-- nothing\n' > "$TMP/comment.lua"
run "$NGXLINT" lua --list-accesses --format json "$TMP/empty.lua" "$TMP/comment.lua" "$TMP/odd.lua"
if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | jq -e '.accesses == []' >/dev/null 2>&1; then
    ok "empty files and a directory named *.lua: no accesses, exit 0"
else
    not_ok "empty files and a directory named *.lua: exit $RC" "$OUT
$ERR"
fi


# ---- 7. the fixtures in Debian's nginx -----------------------------------------

if [ ! -x "$NGINX" ] || [ ! -f "$MODDIR/ngx_http_lua_module.so" ] || ! command -v openssl >/dev/null 2>&1; then
    skip_check "nginx -t of the fixtures: nginx, its Lua module or openssl is missing"
else
    for c in "$FIX/project/nginx.conf" "$FIX"/findings/*/nginx.conf \
             "$FIX"/index/*.conf "$FIX"/broken/*.conf "$FIX/prefixed/conf/nginx.conf"; do
        case "$c" in *.fixed.conf) continue ;; esac
        if grep -q '^# nginx-t: var_index' "$c" && [ ! -f "$VAR_INDEX_SO" ]; then
            skip_check "nginx -t $c: the runtime module (module/) could not be built"
            continue
        fi
        if grep -q '^# nginx-t: skip' "$c"; then
            skip_check "nginx -t $c: $(sed -n 's/^# nginx-t: skip *//p' "$c")"
            continue
        fi
        case "$c" in
        "$FIX"/prefixed/*) out=$(nginx_t "$FIX/prefixed" conf/nginx.conf) ;;
        */nginx.conf)      out=$(nginx_t "$(dirname "$c")" nginx.conf) ;;
        *)                 out=$(nginx_t "$(dirname "$c")" "$(basename "$c")") ;;
        esac
        if printf '%s\n' "$out" | grep -q 'test is successful'; then
            ok "nginx -t accepts $c"
        else
            not_ok "nginx -t refuses $c" "$out"
        fi
    done
fi

done_testing
