# make demo's script (fixtures/demo/run.sh) on the bundled deployment: it
# runs whole, shows each capability's finding, the keepalive fix as a diff
# on its copy of the deployment, and writes nothing into fixtures/demo.
. tests/e2e/lib.sh

DEMO=$NGXL_ROOT/fixtures/demo

sum_tree() {
    (cd "$DEMO" && find . -type f | LC_ALL=C sort | xargs cat | cksum)
}

before=$(sum_tree)
run env DEMO_BUILD="$TMP/demo" sh "$DEMO/run.sh" "$NGXLINT"
expect_rc 0 "fixtures/demo/run.sh runs whole"

expect_out 'nginx\.conf:20:5: warning: upstream "api_backend" has no keepalive.*\[upstream-keepalive\]' \
    "the upstream without keepalive"
expect_out 'api\.conf:21:13: error: "proxy_http_version" directive is not allowed here' \
    "the directive nginx rejects in if"
expect_err 'snippets/fastcgi\.conf" failed .*no fix is applied to a configuration not read whole' \
    "no fix on the deployment as it is (an include missing)"
expect_out "^\\+\\+\\+ b/${TMP#/}/demo/deployment/nginx\\.conf\$" \
    "the fixes, as a diff of the copy's nginx.conf"
expect_out '^\+        keepalive 32;$' "the diff adds keepalive to the upstream"
expect_out '^\+        proxy_set_header Connection "";$' "... clears Connection"
expect_out '^\+        fastcgi_keep_conn on;$' "... keeps FastCGI connections"
expect_out 'auth\.lua:11:20: note: \$http_x_tenant_id is read per request by name' \
    "Lua: the unindexed read"
expect_out '^\+    var_index \$http_authorization \$http_x_request_id \$http_x_tenant_id \$uri;$' \
    "Lua: the index directives, inserted into http {} of the copy"
if cc --version >/dev/null 2>&1; then
    expect_out 'picker-O0: error: 1 of 1 compilation units built without optimisation' \
        "bin: the -O2 -O0 build"
fi
expect_out 'ngx_http_demo_module\.c:45:10: warning: ngx_http_get_variable\(\) looks up \$http_x_tenant_id' \
    "src: the C module's lookup by name"

if [ "$(sum_tree)" = "$before" ]; then
    ok "nothing written into fixtures/demo"
else
    not_ok "fixtures/demo changed" "$(cd "$NGXL_ROOT" && git status --short fixtures/demo)"
fi

done_testing
