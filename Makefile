# GDL - build, test, demo, install. `make help` lists the targets.
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR   ?= $(PREFIX)/share/man
BUILD    := build
BIN      := bin/gdl

ifeq ($(SANITIZE),1)
BUILD    := build-san
BIN      := bin/gdl-san
endif

WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) -Ivm -Icompiler -I$(BUILD) \
              -DGDL_STDLIB_DIR=\"$(PREFIX)/share/gdl/stdlib\"
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

VM_SRC   := $(wildcard vm/*.c)
COMP_SRC := $(filter-out compiler/main.c,$(wildcard compiler/*.c))
GEN_SRC  := $(BUILD)/gdl.tab.c $(BUILD)/gdl.lex.c
VM_OBJ   := $(VM_SRC:%.c=$(BUILD)/%.o)
COMP_OBJ := $(COMP_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gdl.tab.o $(BUILD)/gdl.lex.o
MAIN_OBJ := $(BUILD)/compiler/main.o
LIBVM    := $(BUILD)/libgdlvm.a
LIBCOMP  := $(BUILD)/libgdlc.a
# The installed library (docs/api.md): libgdl = VM + compiler, static and
# shared. The shared one's objects are built apart, position-independent
# and with every symbol hidden but gdl.h's (GDL_API).
VERSION  := $(shell sed -n 's/^\#define GDL_VERSION_STRING "\(.*\)"/\1/p' vm/gdl.h)
SONAME   := libgdl.so.$(firstword $(subst ., ,$(VERSION)))
LIBGDL   := $(BUILD)/libgdl.a
SHLIB    := $(BUILD)/libgdl.so.$(VERSION)
PIC_OBJ  := $(patsubst $(BUILD)/%,$(BUILD)/pic/%,$(VM_OBJ) $(COMP_OBJ))
OBJCOPY  ?= objcopy
# vm/ sees its own headers only, so the VM cannot include the compiler (the
# build proves it); compiler/ and everything else also see compiler/ and the
# generated front end in $(BUILD).
$(VM_OBJ) $(filter $(BUILD)/pic/vm/%,$(PIC_OBJ)): ALL_CFLAGS := $(filter-out -Icompiler -I$(BUILD),$(ALL_CFLAGS))

UNIT_SRC := $(filter-out %_main.c,$(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/unit_tests
# Suites are registered through suites.def, not a header: no prototypes to miss.
$(UNIT_OBJ): ALL_CFLAGS += -Wno-missing-prototypes -Itests/unit

.PHONY: all test check run clean install uninstall install-check help unit golden guideline-tests guideline-exclusive verify-guidelines diff-kngf test-html fmt-check
all: $(BIN)

# -pthread: run --batch --jobs (compiler/main.c); the libraries use no threads.
$(BIN): $(MAIN_OBJ) $(LIBCOMP) $(LIBVM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -pthread -lm

$(LIBVM): $(VM_OBJ)
	$(AR) rcs $@ $^
$(LIBCOMP): $(COMP_OBJ)
	$(AR) rcs $@ $^
# libgdl.a is one object, linked (ld -r) from the shared library's objects,
# whose hidden symbols are then made local: it exports gdl.h's functions
# only, like the .so, so an embedder's own json_parse or arena_alloc cannot
# clash with the library's (docs/api.md, Symbols).
$(LIBGDL): $(PIC_OBJ)
	$(LD) -r -o $(BUILD)/libgdl.o $^
	$(OBJCOPY) --localize-hidden $(BUILD)/libgdl.o
	rm -f $@ && $(AR) rcs $@ $(BUILD)/libgdl.o
$(SHLIB): $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -o $@ $^ $(LDFLAGS) -lm
$(BUILD)/pic/%.o: %.c | $(BUILD)/gdl.tab.h $(BUILD)/gdl.lex.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DGDL_BUILDING_LIBRARY -MMD -MP -c -o $@ $<
$(BUILD)/pic/gdl.tab.o $(BUILD)/pic/gdl.lex.o: $(BUILD)/pic/%.o: $(BUILD)/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(CFLAGS) -fPIC -fvisibility=hidden -Ivm -Icompiler -I$(BUILD) -w -MMD -MP -c -o $@ $<

# Generated front end: never committed.
# Grouped targets (&:): one bison run makes both files, so make -j never runs it twice.
$(BUILD)/gdl.tab.c $(BUILD)/gdl.tab.h &: lang/gdl.y
	@mkdir -p $(BUILD)
	bison -Wall -Werror --defines=$(BUILD)/gdl.tab.h -o $(BUILD)/gdl.tab.c $<
$(BUILD)/gdl.lex.c $(BUILD)/gdl.lex.h &: lang/gdl.l $(BUILD)/gdl.tab.h
	flex --header-file=$(BUILD)/gdl.lex.h -o $(BUILD)/gdl.lex.c $<

# Generated code gets the warnings its generators allow.
$(BUILD)/gdl.tab.o $(BUILD)/gdl.lex.o: %.o: %.c
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(filter -fsanitize% -fno-%,$(ALL_CFLAGS)) -Ivm -Icompiler -I$(BUILD) -w -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c | $(BUILD)/gdl.tab.h $(BUILD)/gdl.lex.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(VM_OBJ:.o=.d) $(COMP_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(PIC_OBJ:.o=.d)

$(UNIT_BIN): $(UNIT_OBJ) $(LIBCOMP) $(LIBVM)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -lcunit -lm

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# Golden tests: diagnostics, disassembly, advice; then each guideline's own tests.
# T=NAME: that golden test only (run/lrs-conservative, or lrs-conservative).
golden: $(BIN)
	GDL=$(BIN) bash tests/run_golden.sh $(T)
	$(if $(T),,GDL=$(BIN) bash tests/cli_checks.sh)
	$(if $(T),,GDL=$(BIN) bash tests/fmt_roundtrip.sh)
	$(if $(T),,python3 tests/editors_check.py)

guideline-tests: $(BIN)
	$(BIN) test guidelines/*.gdl
	bash tests/guidelines/vocabulary_contract.sh $(BIN)

# The shipped guidelines and stdlib are kept in gdl fmt's layout (`gdl fmt -w` fixes them). Part of `test`.
fmt-check: $(BIN)
	$(BIN) fmt --check guidelines/*.gdl $$(find stdlib -name '*.gdl' | LC_ALL=C sort)

# gdl verify on every shipped guideline: its declared properties, dead and
# contradictory rules (docs/verify.md). Part of `test`.
verify-guidelines: $(BIN)
	$(BIN) verify --timing guidelines/*.gdl

# The HTML report in headless Chromium: every example to PDF and PNG, the
# summary on page 1, the visible text equal to the text report (docs/report.md).
# Part of `test`; skips, saying so, where Chromium is not installed.
test-html: $(BIN)
	GDL=$(BIN) bash tests/html/render.sh

# One build's suites: unit tests, golden files, the guidelines' own tests.
check: unit golden guideline-tests
	@echo "all test groups passed ($(if $(filter 1,$(SANITIZE)),ASan+UBSan,plain) build)"

# Everything: the suites on the plain build, then again under ASan+UBSan,
# then the benchmark's decision check against the Lua reference (untimed), then
# the check that no case gets going-on and closing advice together, then the
# differential tester on a fixed seed (about a minute), then gdl verify on every
# shipped guideline.
test:
	$(MAKE) check WERROR=$(WERROR)
	$(MAKE) check SANITIZE=1 WERROR=$(WERROR)
	$(MAKE) bench-check WERROR=$(WERROR)
	$(MAKE) guideline-exclusive WERROR=$(WERROR)
	$(MAKE) difftest-ci WERROR=$(WERROR)
	$(MAKE) verify-guidelines WERROR=$(WERROR)
	$(MAKE) install-check WERROR=$(WERROR)
	$(MAKE) test-html WERROR=$(WERROR)
	$(MAKE) fmt-check WERROR=$(WERROR)


run: $(BIN)
	$(BIN) run --format text guidelines/kngf-lbp-2021.gdl examples/missing-findings.json

# The command, the library (static and shared, soname $(SONAME)), <gdl.h>,
# gdl.pc, the man pages, the stdlib and the guidelines. The installed gdl
# finds the stdlib at ../share/gdl/stdlib from its own directory; the
# library looks in $(PREFIX)/share/gdl/stdlib as it was when built (build
# with the PREFIX you install to), after gdl_options.module_path or GDL_PATH.
install: $(BIN) $(LIBGDL) $(SHLIB)
	@echo "installing to $(DESTDIR)$(PREFIX)"
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gdl $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gdl
	install -m 644 vm/gdl.h $(DESTDIR)$(INCLUDEDIR)/gdl.h
	install -m 644 $(LIBGDL) $(DESTDIR)$(LIBDIR)/libgdl.a
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/libgdl.so.$(VERSION)
	ln -sf libgdl.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libgdl.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' gdl.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/gdl.pc
	install -m 644 docs/man/gdl.1 $(DESTDIR)$(MANDIR)/man1/gdl.1
	install -m 644 docs/man/gdl.5 $(DESTDIR)$(MANDIR)/man5/gdl.5
	rm -rf $(DESTDIR)$(PREFIX)/share/gdl/stdlib $(DESTDIR)$(PREFIX)/share/gdl/guidelines
	cp -R stdlib guidelines $(DESTDIR)$(PREFIX)/share/gdl/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/gdl $(DESTDIR)$(INCLUDEDIR)/gdl.h $(DESTDIR)$(LIBDIR)/libgdl.a \
	    $(DESTDIR)$(LIBDIR)/libgdl.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libgdl.so \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/gdl.pc $(DESTDIR)$(MANDIR)/man1/gdl.1 $(DESTDIR)$(MANDIR)/man5/gdl.5
	rm -rf $(DESTDIR)$(PREFIX)/share/gdl

# The installed library as an embedder sees it (tests/install_checks.sh): a
# staged install, examples/embed built there with pkg-config and compared
# with gdl run, the exported symbols and writable data (nm), the man pages
# (lint), then uninstall leaving nothing behind. Part of `test`.
install-check: $(BIN) $(LIBGDL) $(SHLIB)
	bash tests/install_checks.sh $(BUILD)

clean:
	rm -rf build build-san bin

help:
	@echo "make            build bin/gdl"
	@echo "make test       all suites, plain and under ASan+UBSan"
	@echo "make check      unit, golden and guideline tests on one build (SANITIZE=1 for ASan+UBSan)"
	@echo "  build/unit_tests SUITE[/TEST]...  some CUnit suites or tests only (tests/unit/suites.def)"
	@echo "  make golden T=NAME              one golden test (run/lrs-conservative or lrs-conservative)"
	@echo "  bash tests/run_golden.sh DIR    the golden tests under DIR (--update rewrites them)"
	@echo "make test-html  the HTML report in headless Chromium (PDF, PNG, text; part of test)"
	@echo "make verify-guidelines  gdl verify on every shipped guideline (properties, dead rules)"
	@echo "make fmt-check  the guidelines and stdlib are in gdl fmt's layout (gdl fmt -w fixes them)"
	@echo "make run        the 2021 guideline on an example case"
	@echo "make bench      throughput against Lua 5.4, written to docs/performance.md"
	@echo "make diff-kngf  gdl diff of the KNGF 2013 and 2021 guidelines over 2,000 generated cases"
	@echo "make difftest   SEED=S N=PROGRAMS: random guidelines against the reference model (tests/diff/README.md)"
	@echo "make fuzz       each fuzz harness for FUZZ_SECONDS (default 60); docs/robustness.md"
	@echo "make test-valgrind  unit and golden tests under valgrind memcheck (VALGRIND_CLI=1: CLI checks too)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) (make uninstall: the same files away)"
	@echo "make install-check  staged install: embedding example via pkg-config, nm, man pages"
	@echo "make clean"

# Benchmarks (make bench), fuzzing (make fuzz) and the differential tester (make difftest) keep their rules beside their sources.
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk
-include tests/diff/diff.mk

# After the includes: it needs BENCH_GEN from bench.mk.
# No case gets advice to go on with a treatment and to close it at once
# (KNGF 2021 B.2/C.5, KNGF 2013 C.1/C.3): each guideline's tests' cases, the
# examples and generated cases.
guideline-exclusive: bench-check-deps $(BIN) $(BENCH_GEN)
	bash tests/guidelines/exclusive_advice.sh $(BIN) $(BENCH_GEN) 20000

# What changed from the KNGF guideline of 2013 to 2021, with behaviour counts
# over the benchmark's generated cases and both versions' boundary cases
# (docs/diff-compare.md). gdl diff exits 1 when they differ: here they must.
diff-kngf: $(BIN) $(BENCH_GEN)
	$(BENCH_GEN) 2000 > $(BUILD)/bench-2000.jsonl
	GDL_PATH=stdlib $(BIN) diff --boundary --cases $(BUILD)/bench-2000.jsonl \
	    guidelines/kngf-lbp-2013.gdl guidelines/kngf-lbp-2021.gdl; test $$? = 1
