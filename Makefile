# ngxlint: `make` builds build/ngxlint; `make test` and `make demo` install
# what a fresh Debian 12 machine lacks first (see tools/deps.sh).

VERSION     := $(shell cat VERSION)
PREFIX      ?= /usr/local
DESTDIR     ?=
SANITIZE    ?= 0

CC          ?= cc
PKG_CONFIG  ?= pkg-config

ifeq ($(SANITIZE),1)
BUILD       ?= build/asan
OPT         := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
HARDEN      := -fstack-protector-strong -fPIE
LDOPT       := -fsanitize=address,undefined -pie -Wl,-z,relro,-z,now
else
BUILD       ?= build
OPT         := -O2 -g
HARDEN      := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDOPT       := -pie -Wl,-z,relro,-z,now
endif

LLVM_CONFIG ?= llvm-config-14
DEP_CFLAGS  := $(shell $(PKG_CONFIG) --cflags jansson libelf 2>/dev/null) \
               -I$(shell $(LLVM_CONFIG) --includedir 2>/dev/null)
DEP_LIBS    := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson) -ldwarf -lelf -lz

CFLAGS      ?=
CFLAGS      += -std=c11 $(OPT) -Wall -Wextra -Werror $(HARDEN) \
               -D_DEFAULT_SOURCE -DNGXL_VERSION='"$(VERSION)"' $(DEP_CFLAGS)
LDFLAGS     += $(LDOPT)
LDLIBS      += $(DEP_LIBS) -ltree-sitter \
               -L$(shell $(LLVM_CONFIG) --libdir 2>/dev/null) -lclang -lpthread

LIB_SRCS    := $(wildcard lib/*.c lib/*/*.c)

# the tree-sitter Lua grammar, fetched by tools/deps.sh (never vendored)
TS_LUA      := build/deps/tree-sitter-lua/src
TS_OBJS     := $(BUILD)/obj/deps/ts-lua/parser.o $(BUILD)/obj/deps/ts-lua/scanner.o
RULE_SRCS   := $(wildcard rules/*.c)
RULE_DOCS   := $(sort $(wildcard rules/*.md))
CMD_SRCS    := $(wildcard cmd/*.c)
UNIT_SRCS   := $(wildcard tests/unit/test_*.c) $(wildcard tests/corpus/test_*.c)

LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
RULE_OBJS   := $(RULE_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/rule_docs.o
CMD_OBJS    := $(CMD_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_BINS   := $(patsubst %.c,$(BUILD)/%,$(UNIT_SRCS))
TOOL_SRCS   := $(wildcard tests/tools/*.c)
TOOL_BINS   := $(patsubst %.c,$(BUILD)/%,$(TOOL_SRCS))

.PHONY: all deps test unit e2e demo bench install clean module

all: $(BUILD)/ngxlint

deps:
	@sh tools/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(TS_LUA)/parser.c $(TS_LUA)/scanner.c:
	sh tools/deps.sh grammar

# generated code: built with our flags, less the warnings it was not written for
$(BUILD)/obj/deps/ts-lua/%.o: $(TS_LUA)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wall -Wextra -Werror,$(CFLAGS)) -w -I$(TS_LUA) -c -o $@ $<

$(BUILD)/libngxlint.a: $(LIB_OBJS) $(TS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/rule_docs.c: $(BUILD)/embed $(RULE_DOCS)
	@mkdir -p $(dir $@)
	$(BUILD)/embed ngxl_rule_docs $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/rule_docs.o: $(BUILD)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/ngxlint: $(CMD_OBJS) $(RULE_OBJS) $(BUILD)/libngxlint.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# unit tests: cmocka, linked with the library (and the rules)
$(BUILD)/tests/%: tests/%.c $(RULE_OBJS) $(BUILD)/libngxlint.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilib -Wno-unused-parameter -Wno-format-truncation \
	    -o $@ $< $(RULE_OBJS) \
	    $(BUILD)/libngxlint.a $(LDFLAGS) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS) $(TOOL_BINS)

test: deps
	$(MAKE) all unit
	NGXLINT=$(BUILD)/ngxlint BUILD=$(BUILD) sh tests/run.sh $(UNIT_BINS)

demo: deps
	$(MAKE) all
	sh fixtures/demo/run.sh $(BUILD)/ngxlint

bench: all
	sh bench/run.sh $(BUILD)/ngxlint

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/ngxlint/rules
	install -m 755 $(BUILD)/ngxlint $(DESTDIR)$(PREFIX)/bin/ngxlint
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 doc/ngxlint.1 $(DESTDIR)$(PREFIX)/share/man/man1/ngxlint.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 tools/ngxlint.bash \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ngxlint
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/ngxlint/README.md
	install -m 644 $(RULE_DOCS) $(DESTDIR)$(PREFIX)/share/doc/ngxlint/rules/
	if [ -d module ]; then \
	    install -d $(DESTDIR)$(PREFIX)/share/ngxlint/module/lua/resty; \
	    for f in module/config module/*.c module/README.md; do \
	        [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/ngxlint/module/; \
	    done; \
	    [ -f module/lua/resty/var_index.lua ] && install -m 644 \
	        module/lua/resty/var_index.lua \
	        $(DESTDIR)$(PREFIX)/share/ngxlint/module/lua/resty/; \
	    [ -f $(BUILD)/ngx_http_var_index_module.so ] && install -m 644 \
	        $(BUILD)/ngx_http_var_index_module.so \
	        $(DESTDIR)$(PREFIX)/share/ngxlint/module/; \
	fi; true

# the runtime module (module/), built against Debian's nginx the way
# Debian builds its own dynamic modules
module: deps
	bash module/build.sh $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
include fuzz/fuzz.mk
