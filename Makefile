# GDL - build, test, demo, install. `make help` lists the targets.
CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
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

UNIT_SRC := $(filter-out %_main.c,$(wildcard tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/unit_tests
# Suites are registered through suites.def, not a header: no prototypes to miss.
$(UNIT_OBJ): ALL_CFLAGS += -Wno-missing-prototypes -Itests/unit

.PHONY: all test check run clean install help unit golden guideline-tests guideline-exclusive verify-guidelines diff-kngf fmt-check
all: $(BIN)

$(BIN): $(MAIN_OBJ) $(LIBCOMP) $(LIBVM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -lm

$(LIBVM): $(VM_OBJ)
	$(AR) rcs $@ $^
$(LIBCOMP): $(COMP_OBJ)
	$(AR) rcs $@ $^

# Generated front end: never committed.
$(BUILD)/gdl.tab.c $(BUILD)/gdl.tab.h: lang/gdl.y
	@mkdir -p $(BUILD)
	bison -Wall -Werror --defines=$(BUILD)/gdl.tab.h -o $(BUILD)/gdl.tab.c $<
$(BUILD)/gdl.lex.c $(BUILD)/gdl.lex.h: lang/gdl.l $(BUILD)/gdl.tab.h
	flex --header-file=$(BUILD)/gdl.lex.h -o $(BUILD)/gdl.lex.c $<

# Generated code gets the warnings its generators allow.
$(BUILD)/gdl.tab.o $(BUILD)/gdl.lex.o: %.o: %.c
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(CFLAGS) $(filter -fsanitize% -fno-%,$(ALL_CFLAGS)) -Ivm -Icompiler -I$(BUILD) -w -c -o $@ $<

$(BUILD)/%.o: %.c | $(BUILD)/gdl.tab.h $(BUILD)/gdl.lex.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(VM_OBJ:.o=.d) $(COMP_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d)

$(UNIT_BIN): $(UNIT_OBJ) $(LIBCOMP) $(LIBVM)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -lcunit -lm

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# Golden tests: diagnostics, disassembly, advice; then each guideline's own tests.
golden: $(BIN)
	GDL=$(BIN) bash tests/run_golden.sh
	GDL=$(BIN) bash tests/cli_checks.sh
	GDL=$(BIN) bash tests/fmt_roundtrip.sh
	python3 tests/editors_check.py

guideline-tests: $(BIN)
	$(BIN) test guidelines/*.gdl

# The shipped guidelines and stdlib are kept in gdl fmt's layout (`gdl fmt -w` fixes them). Part of `test`.
fmt-check: $(BIN)
	$(BIN) fmt --check guidelines/*.gdl $$(find stdlib -name '*.gdl' | LC_ALL=C sort)

# gdl verify on every shipped guideline: its declared properties, dead and
# contradictory rules (docs/verify.md). Part of `test`.
verify-guidelines: $(BIN)
	$(BIN) verify --timing guidelines/*.gdl

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
	$(MAKE) fmt-check WERROR=$(WERROR)


run: $(BIN)
	$(BIN) run --format text guidelines/kngf-lbp-2021.gdl examples/missing-findings.json

install: $(BIN)
	@echo "installing to $(DESTDIR)$(PREFIX)"
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/gdl
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/gdl
	cp -R stdlib guidelines $(DESTDIR)$(PREFIX)/share/gdl/

clean:
	rm -rf build build-san bin

help:
	@echo "make            build bin/gdl"
	@echo "make test       all suites, plain and under ASan+UBSan"
	@echo "make check      unit, golden and guideline tests on one build (SANITIZE=1 for ASan+UBSan)"
	@echo "  build/unit_tests SUITE...       some CUnit suites only (tests/unit/suites.def)"
	@echo "  bash tests/run_golden.sh DIR    the golden tests under DIR (--update rewrites them)"
	@echo "make verify-guidelines  gdl verify on every shipped guideline (properties, dead rules)"
	@echo "make fmt-check  the guidelines and stdlib are in gdl fmt's layout (gdl fmt -w fixes them)"
	@echo "make run        the 2021 guideline on an example case"
	@echo "make bench      throughput against Lua 5.4, written to docs/performance.md"
	@echo "make diff-kngf  gdl diff of the KNGF 2013 and 2021 guidelines over 2,000 generated cases"
	@echo "make difftest   SEED=S N=PROGRAMS: random guidelines against the reference model (tests/diff/README.md)"
	@echo "make fuzz       each fuzz harness for FUZZ_SECONDS (default 60); docs/robustness.md"
	@echo "make test-valgrind  unit, golden and CLI tests under valgrind memcheck"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
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
