# ngxlint: the libFuzzer targets (issue 9), included by the Makefile.
#
#   make fuzz-build              builds build/fuzz/fuzz_* with clang
#   make fuzz FUZZ_SECONDS=N     builds them, then runs each for N seconds
#                                (fuzz/run.sh: seed corpora, crashes kept in
#                                build/fuzz/crashes-TARGET/)
#
# Everything is compiled here again with clang into build/fuzz/ (the gcc
# objects of build/obj are never reused): the library, the rules and the
# grammar with ASan and UBSan, the library and the rules also with
# libFuzzer's coverage.  The targets link what the Makefile links.

FUZZ_CC      ?= $(shell command -v clang-14 2>/dev/null || command -v clang 2>/dev/null || echo clang)
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_TARGETS := fuzz_conf fuzz_lua fuzz_elf fuzz_fix fuzz_compdb fuzz_objs \
                fuzz_tree

# -Werror only for fuzz/ itself: the gcc build is the one that holds the
# library to it, and clang warns of things gcc does not
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
                -Wall -Wextra -D_DEFAULT_SOURCE \
                -DNGXL_VERSION='"$(VERSION)"' $(DEP_CFLAGS)

FUZZ_LIB_OBJS  := $(LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_RULE_OBJS := $(RULE_SRCS:%.c=$(FUZZ_DIR)/obj/%.o) \
                  $(FUZZ_DIR)/obj/gen/rule_docs.o
FUZZ_TS_OBJS   := $(FUZZ_DIR)/obj/deps/ts-lua/parser.o \
                  $(FUZZ_DIR)/obj/deps/ts-lua/scanner.o
FUZZ_BINS      := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

.PHONY: fuzz fuzz-build

fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	FUZZ_CC="$(FUZZ_CC)" sh fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) \
	    $(FUZZ_TARGETS)

# the library and the rules: coverage for libFuzzer, and the sanitizers
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link -MMD -MP \
	    -c -o $@ $<

# fuzz_objs is fuzz_compdb reading nginx's objs/Makefile instead
$(FUZZ_DIR)/obj/fuzz/fuzz_objs.o: fuzz/fuzz_compdb.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link -MMD -MP \
	    -DNGXL_FUZZ_OBJS -c -o $@ $<

# the generated grammar: the sanitizers only (its tables are no coverage)
$(FUZZ_DIR)/obj/deps/ts-lua/%.o: $(TS_LUA)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -Wall -Wextra,$(FUZZ_CFLAGS)) -w \
	    -I$(TS_LUA) -c -o $@ $<

$(FUZZ_DIR)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(FUZZ_DIR)/gen/rule_docs.c: $(FUZZ_DIR)/embed $(RULE_DOCS)
	@mkdir -p $(dir $@)
	$(FUZZ_DIR)/embed ngxl_rule_docs $(RULE_DOCS) > $@.tmp && mv $@.tmp $@

$(FUZZ_DIR)/obj/gen/rule_docs.o: $(FUZZ_DIR)/gen/rule_docs.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# one archive: the linker takes only what a target needs
$(FUZZ_DIR)/libngxlint-fuzz.a: $(FUZZ_LIB_OBJS) $(FUZZ_RULE_OBJS) \
    $(FUZZ_TS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BINS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/fuzz/%.o \
    $(FUZZ_DIR)/obj/fuzz/common.o $(FUZZ_DIR)/libngxlint-fuzz.a
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -g -O1 $(FUZZ_LDFLAGS) \
	    -o $@ $(filter-out $(FUZZ_DIR)/libngxlint-fuzz.a,$^) \
	    $(FUZZ_DIR)/libngxlint-fuzz.a $(LDLIBS)

# fuzz_elf: what libdwarf 20210528 loses on its error paths is not
# ngxlint's leak (fuzz/dwarf_leaks.c)
$(FUZZ_DIR)/fuzz_elf: $(FUZZ_DIR)/obj/fuzz/dwarf_leaks.o
$(FUZZ_DIR)/fuzz_elf: FUZZ_LDFLAGS = -Wl,--wrap=dwarf_child

# fuzz_tree and fuzz_fix: a run reads the files of its own directory only,
# not the machine's (fuzz/confine.c)
$(FUZZ_DIR)/fuzz_tree $(FUZZ_DIR)/fuzz_fix: $(FUZZ_DIR)/obj/fuzz/confine.o
$(FUZZ_DIR)/fuzz_tree $(FUZZ_DIR)/fuzz_fix: \
    FUZZ_LDFLAGS = -Wl,--wrap=ngxl_read_file

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
