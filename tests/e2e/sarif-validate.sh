#!/bin/sh
#
# Validates a SARIF 2.1.0 log:
#
#   tests/e2e/sarif-validate.sh FILE.sarif
#
# Two checks, both offline once the tools are cached:
#
#  - Microsoft's SARIF multitool, `validate`: the JSON schema and the SARIF
#    rules (SARIF1xxx must-haves, SARIF2xxx should-haves).  Its npm package
#    @microsoft/sarif-multitool only picks the platform package and runs it
#    through a shell without quoting; we install the Linux one,
#    @microsoft/sarif-multitool-linux (a self-contained x86-64 .NET binary),
#    and run it directly.  It exits 0 whatever it finds, so the verdict is
#    read from the SARIF log it writes.  SARIF2006 (every http URI in the
#    file must answer a GET) is disabled: it would go to the network.
#
#  - ajv against the schema the multitool ships (sarif-2.1.0.json), because
#    the multitool lets some schema violations through (an unknown "level",
#    for one).
#
# The tools are installed with npm under ${NGXL_TOOLS_DIR:-build/tools}
# (relative to the repository root), once; later runs do not touch npm.
#
# Exit: 0 valid (warnings and notes are printed), 1 not valid, 2 usage,
# 77 the tools cannot be had here (skip).

set -u

MULTITOOL_VERSION=5.7.0
AJV_VERSION=8.20.0
AJV_FORMATS_VERSION=3.0.1

me=sarif-validate

if [ $# -ne 1 ]; then
    echo "usage: $0 FILE.sarif" >&2
    exit 2
fi

file=$1

if [ ! -f "$file" ] || [ ! -r "$file" ]; then
    echo "$me: $file: no such readable file" >&2
    exit 2
fi

if [ ! -s "$file" ]; then
    echo "$me: $file: empty, not a SARIF log" >&2
    exit 1
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
tools=${NGXL_TOOLS_DIR:-build/tools}

case $tools in
    /*) ;;
    *) tools=$root/$tools ;;
esac

prefix=$tools/sarif
bin=$prefix/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
schema=$prefix/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json
stamp=$prefix/.installed
want="multitool-linux@$MULTITOOL_VERSION ajv@$AJV_VERSION"
want="$want ajv-formats@$AJV_FORMATS_VERSION"

skip() {
    echo "$me: SKIP: $*" >&2
    exit 77
}


# the tools

if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
    skip "the SARIF multitool's npm package has a Linux x86-64 binary only" \
         "(this is $(uname -s) $(uname -m))"
fi

command -v node >/dev/null 2>&1 || skip "node is not installed"

if [ ! -x "$bin" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]
then
    command -v npm >/dev/null 2>&1 || skip "npm is not installed"

    rm -rf "$prefix"
    mkdir -p "$prefix" || skip "cannot create $prefix"

    cat > "$prefix/package.json" <<EOF
{
  "name": "ngxl-sarif-tools",
  "version": "0.0.0",
  "private": true,
  "description": "tools for tests/e2e/sarif-validate.sh",
  "dependencies": {
    "@microsoft/sarif-multitool-linux": "$MULTITOOL_VERSION",
    "ajv": "$AJV_VERSION",
    "ajv-formats": "$AJV_FORMATS_VERSION"
  }
}
EOF

    echo "$me: installing the SARIF multitool $MULTITOOL_VERSION and ajv" \
         "under $prefix" >&2

    if ! npm install --prefix "$prefix" --no-audit --no-fund \
             --loglevel=error >"$prefix/npm.log" 2>&1
    then
        cat "$prefix/npm.log" >&2
        skip "npm install failed (see above)"
    fi

    # npm may not run the package's postinstall (chmod u+x) on its own
    if [ -f "$bin" ] && [ ! -x "$bin" ]; then
        chmod u+x "$bin"
    fi

    [ -x "$bin" ] || skip "npm installed no $bin"
    [ -f "$schema" ] || skip "npm installed no $schema"

    echo "$want" > "$stamp"
fi


# the multitool

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/config.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" />
  </Properties>
</Properties>
EOF

# the file goes first: --log takes every word after it

DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
DOTNET_NOLOGO=1 \
    "$bin" validate "$file" --config "$tmp/config.xml" \
        --level "Error;Warning;Note" \
        --output "$tmp/validation.sarif" --log ForceOverwrite \
    >"$tmp/console.txt" 2>&1
rc=$?

grep -v -e '^THREADS:' -e '^$' -e 'RuleExplicitlyDisabled' \
    "$tmp/console.txt"

if [ ! -s "$tmp/validation.sarif" ]; then
    skip "the multitool did not run (exit $rc, no log written)"
fi


# the verdict: the multitool's log, then the schema with ajv

node - "$file" "$tmp/validation.sarif" "$prefix" "$schema" <<'EOF'
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [file, logPath, prefix, schemaPath] = process.argv.slice(2);
const req = createRequire(path.join(prefix, 'package.json'));
const me = 'sarif-validate';

let failed = false;
const count = { error: 0, warning: 0, note: 0, none: 0 };

/* the multitool's findings, and whether it ran at all */

const log = JSON.parse(fs.readFileSync(logPath, 'utf8'));

for (const run of log.runs || []) {
    const rules = (run.tool && run.tool.driver && run.tool.driver.rules) || [];

    for (const r of run.results || []) {
        let level = r.level;

        if (level === undefined && r.ruleIndex !== undefined
            && rules[r.ruleIndex] && rules[r.ruleIndex].defaultConfiguration)
        {
            level = rules[r.ruleIndex].defaultConfiguration.level;
        }

        level = level || 'warning';
        count[level] = (count[level] || 0) + 1;
    }

    for (const inv of run.invocations || []) {
        const notes = (inv.toolExecutionNotifications || [])
            .concat(inv.toolConfigurationNotifications || []);

        for (const n of notes) {
            if (n.level === 'error') {
                console.log(`${me}: multitool: ${n.message && n.message.text}`);
                failed = true;
            }
        }

        if (inv.executionSuccessful === false) {
            console.log(`${me}: the multitool's run did not succeed`);
            failed = true;
        }
    }
}

if (count.error > 0) {
    failed = true;
}

console.log(`${me}: multitool: ${count.error} error(s), `
            + `${count.warning} warning(s), ${count.note} note(s)`);

/* the schema */

const Ajv2020 = req('ajv/dist/2020');
const addFormats = req('ajv-formats');

const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
delete schema.$schema;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const validate = ajv.compile(schema);
let doc;

try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));

} catch (e) {
    console.log(`${me}: ${file}: not JSON: ${e.message}`);
    process.exit(1);
}

if (validate(doc)) {
    console.log(`${me}: schema (ajv): valid`);

} else {
    for (const e of validate.errors) {
        console.log(`${me}: schema (ajv): ${e.instancePath || '/'}: `
                    + `${e.message} ${JSON.stringify(e.params)}`);
    }

    failed = true;
}

console.log(`${me}: ${file}: ${failed ? 'NOT VALID' : 'valid'}`);
process.exit(failed ? 1 : 0);
EOF
