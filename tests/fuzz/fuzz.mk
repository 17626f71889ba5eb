# fuzz.mk - fuzzing, crash replay and valgrind; included by the top Makefile.
#   make fuzz [FUZZ_SECONDS=N]   each libFuzzer harness for N seconds (default 60); fails on a crash
#   make fuzz-smoke              the same, 60 s each: what CI runs
#   make fuzz-afl [FUZZ_SECONDS=N]  the same harnesses under AFL++ (afl-clang-fast)
#   make fuzz-regress            replay every saved crash and seed through the harnesses (part of check)
#   make test-valgrind           unit and golden tests under valgrind memcheck (VALGRIND_CLI=1: the CLI checks too)
# Harnesses: tests/fuzz/fuzz_{compile,case,load}.c. Seeds: tests/fuzz/corpus/<harness>/;
# saved crashes: tests/fuzz/regress/<harness>/. Everything generated goes to build-fuzz/.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
AFL_CC       ?= afl-clang-fast
FUZZ_BUILD   := build-fuzz
FUZZ_NAMES   := compile case load
FUZZ_DEFS    := -DFUZZ_STDLIB_DIR=\"$(CURDIR)/stdlib\" -DFUZZ_GUIDELINE=\"$(CURDIR)/guidelines/kngf-lbp-2021.gdl\"
FUZZ_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -Ivm -Icompiler -I$(FUZZ_BUILD)/gen -Itests/fuzz $(FUZZ_DEFS)
FUZZ_LIB_SRC := $(VM_SRC) $(COMP_SRC)
FUZZ_GEN     := $(FUZZ_BUILD)/gen/gdl.tab.c $(FUZZ_BUILD)/gen/gdl.lex.c
# libFuzzer: -timeout catches hangs, -rss_limit_mb runaway memory; both count as crashes.
FUZZ_OPTS    := -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
# Each harness's dictionary (written by tests/fuzz/make_dicts.sh) and longest input.
FUZZ_DICT_compile := tests/fuzz/gdl.dict
FUZZ_DICT_case    := tests/fuzz/case.dict
FUZZ_DICT_load    := tests/fuzz/gdlb.dict
FUZZ_LEN_compile  := 65536
FUZZ_LEN_case     := 65536
FUZZ_LEN_load     := 131072

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-afl fuzz-afl-build fuzz-regress fuzz-seeds test-valgrind

# ---- generated front end, once for both fuzz builds --------------------
$(FUZZ_BUILD)/gen/gdl.tab.c $(FUZZ_BUILD)/gen/gdl.tab.h: lang/gdl.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --defines=$(FUZZ_BUILD)/gen/gdl.tab.h -o $(FUZZ_BUILD)/gen/gdl.tab.c $<
$(FUZZ_BUILD)/gen/gdl.lex.c $(FUZZ_BUILD)/gen/gdl.lex.h: lang/gdl.l $(FUZZ_BUILD)/gen/gdl.tab.h
	flex --header-file=$(FUZZ_BUILD)/gen/gdl.lex.h -o $(FUZZ_BUILD)/gen/gdl.lex.c $<

# ---- libFuzzer build (clang, ASan + UBSan + coverage) -------------------
FUZZ_LF_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/lf/%.o) $(FUZZ_GEN:$(FUZZ_BUILD)/gen/%.c=$(FUZZ_BUILD)/lf/gen/%.o)
FUZZ_LF_BIN := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/lf/%.o: %.c | $(FUZZ_BUILD)/gen/gdl.tab.h $(FUZZ_BUILD)/gen/gdl.lex.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
$(FUZZ_BUILD)/lf/gen/%.o: $(FUZZ_BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -w -c -o $@ $<
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LF_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LF_OBJ) -lm

fuzz-build: $(FUZZ_LF_BIN)

# A fresh working corpus per harness under build-fuzz/corpus/ (new inputs go
# there); the committed seeds are read alongside. The load corpus also gets
# the .gdlb of every guideline as built now, so format changes need no reseeding.
fuzz-seeds: $(BIN)
	@mkdir -p $(FUZZ_NAMES:%=$(FUZZ_BUILD)/corpus/%) $(FUZZ_NAMES:%=$(FUZZ_BUILD)/artifacts/%)
	@for g in guidelines/*.gdl tests/golden/disasm/*.gdl tests/fuzz/corpus/compile/features.gdl; do \
	    GDL_PATH=stdlib $(BIN) build $$g -o $(FUZZ_BUILD)/corpus/load/$$(basename $$g .gdl).gdlb || exit 1; \
	done

# Runs each harness for FUZZ_SECONDS; stops at the first crash, hang or leak
# (the input is in build-fuzz/artifacts/<harness>/: minimise it with
# -minimize_crash=1, keep it under tests/fuzz/regress/<harness>/, fix the bug).
# fuzz-run-<harness> runs one (not .PHONY: phony targets skip pattern rules).
fuzz: $(FUZZ_NAMES:%=fuzz-run-%)

fuzz-run-%: $(FUZZ_BUILD)/fuzz_% fuzz-seeds
	@echo "== fuzz_$* for $(FUZZ_SECONDS) s"
	@$(FUZZ_BUILD)/fuzz_$* $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) -dict=$(FUZZ_DICT_$*) \
	    -max_len=$(FUZZ_LEN_$*) -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ \
	    $(FUZZ_BUILD)/corpus/$* tests/fuzz/corpus/$* > $(FUZZ_BUILD)/fuzz_$*.log 2>&1 \
	|| { tail -60 $(FUZZ_BUILD)/fuzz_$*.log; echo "fuzz_$*: FAILED (log: $(FUZZ_BUILD)/fuzz_$*.log)"; exit 1; }
	@grep -E '^(Done |stat::number_of_executed_units|stat::peak_rss_mb)|INITED|DONE ' $(FUZZ_BUILD)/fuzz_$*.log | tail -4

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=60

# ---- AFL++ build (afl-clang-fast, ASan + UBSan, persistent mode) ---------
FUZZ_AFL_OBJ := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/afl/%.o) $(FUZZ_GEN:$(FUZZ_BUILD)/gen/%.c=$(FUZZ_BUILD)/afl/gen/%.o)
FUZZ_AFL_BIN := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/afl/fuzz_%)
FUZZ_AFL_ENV := AFL_QUIET=1 AFL_USE_ASAN=1 AFL_USE_UBSAN=1

$(FUZZ_BUILD)/afl/%.o: %.c | $(FUZZ_BUILD)/gen/gdl.tab.h $(FUZZ_BUILD)/gen/gdl.lex.h
	@mkdir -p $(dir $@)
	$(FUZZ_AFL_ENV) $(AFL_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_BUILD)/afl/gen/%.o: $(FUZZ_BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_AFL_ENV) $(AFL_CC) $(FUZZ_CFLAGS) -w -c -o $@ $<
$(FUZZ_BUILD)/afl/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/afl_driver.c tests/fuzz/fuzz_common.h $(FUZZ_AFL_OBJ)
	$(FUZZ_AFL_ENV) $(AFL_CC) $(FUZZ_CFLAGS) -o $@ $< tests/fuzz/afl_driver.c $(FUZZ_AFL_OBJ) -lm

fuzz-afl-build: $(FUZZ_AFL_BIN)

# As in the main build: the VM library sees its own headers only, so it cannot
# come to include the compiler's (the installed library is the VM and the
# compiler, but the VM must also stand alone).
$(VM_SRC:%.c=$(FUZZ_BUILD)/lf/%.o) $(VM_SRC:%.c=$(FUZZ_BUILD)/afl/%.o): \
    FUZZ_CFLAGS := $(filter-out -Icompiler -I$(FUZZ_BUILD)/gen -Itests/fuzz,$(FUZZ_CFLAGS))

# Each harness under afl-fuzz for FUZZ_SECONDS; a saved crash fails the run.
fuzz-afl: $(FUZZ_NAMES:%=fuzz-afl-run-%)

fuzz-afl-run-%: $(FUZZ_BUILD)/afl/fuzz_% fuzz-seeds
	@echo "== afl fuzz_$* for $(FUZZ_SECONDS) s"
	@rm -rf $(FUZZ_BUILD)/afl-in/$* $(FUZZ_BUILD)/afl-out/$* && mkdir -p $(FUZZ_BUILD)/afl-in/$* $(FUZZ_BUILD)/afl-out
	@cp tests/fuzz/corpus/$*/* $(FUZZ_BUILD)/afl-in/$*/
	@-cp $(FUZZ_BUILD)/corpus/$*/* $(FUZZ_BUILD)/afl-in/$*/ 2> /dev/null
	@AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CRASHES=1 \
	    afl-fuzz -i $(FUZZ_BUILD)/afl-in/$* -o $(FUZZ_BUILD)/afl-out/$* -x $(FUZZ_DICT_$*) \
	    -m none -t 10000 -V $(FUZZ_SECONDS) -- $(FUZZ_BUILD)/afl/fuzz_$* > $(FUZZ_BUILD)/afl_$*.log 2>&1 \
	|| { tail -30 $(FUZZ_BUILD)/afl_$*.log; exit 1; }
	@grep -E '^(execs_done|edges_found|total_edges|saved_crashes|saved_hangs|bitmap_cvg)' \
	    $(FUZZ_BUILD)/afl-out/$*/default/fuzzer_stats
	@-cp $(FUZZ_BUILD)/afl-out/$*/default/queue/id* $(FUZZ_BUILD)/corpus/$*/ 2> /dev/null
	@n=$$(find $(FUZZ_BUILD)/afl-out/$*/default/crashes -type f ! -name README.txt | wc -l); \
	[ "$$n" = 0 ] || { echo "fuzz_$*: $$n crashes in $(FUZZ_BUILD)/afl-out/$*/default/crashes"; exit 1; }

# Objects reached only through pattern rules would be deleted as intermediate.
.SECONDARY: $(FUZZ_LF_OBJ) $(FUZZ_AFL_OBJ) $(FUZZ_GEN)
-include $(FUZZ_LF_OBJ:.o=.d) $(FUZZ_AFL_OBJ:.o=.d)

# ---- replay: every saved crash and every seed, in the normal build -------
# Built like bin/gdl (plain, or ASan + UBSan with SANITIZE=1) with the replay
# driver instead of libFuzzer, so `make check` needs no clang.
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(BUILD)/fuzz_replay_%)
FUZZ_REPLAY_OBJ := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/fuzz_%.o) $(BUILD)/tests/fuzz/afl_driver.o
$(FUZZ_REPLAY_OBJ): ALL_CFLAGS += $(FUZZ_DEFS)
-include $(FUZZ_REPLAY_OBJ:.o=.d)

$(BUILD)/fuzz_replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/afl_driver.o $(LIBCOMP) $(LIBVM)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -lm

fuzz-regress: $(FUZZ_REPLAY)
	@set -e; for h in $(FUZZ_NAMES); do \
	    n=0; for f in $$(find tests/fuzz/regress/$$h tests/fuzz/corpus/$$h -type f 2> /dev/null | LC_ALL=C sort); do \
	        $(BUILD)/fuzz_replay_$$h "$$f" || { echo "FAIL fuzz regression $$f"; exit 1; }; \
	        n=$$((n + 1)); \
	    done; \
	    echo "fuzz_$$h: $$n saved inputs replayed"; \
	done

check: fuzz-regress

# ---- valgrind: the plain build's suites under memcheck --------------------
# GDL points the golden and CLI scripts at a wrapper that runs bin/gdl under
# valgrind; any memcheck error changes the exit status and stderr, so the
# golden comparison fails on it.
VALGRIND_OPTS := -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect

VALGRIND_UNITS := $(filter-out api,$(patsubst SUITE(%),%,$(shell grep -o '^SUITE([a-z_0-9]*)' tests/unit/suites.def))) \
    $(addprefix api/,run_like_cli versions compile_error_located bytecode_verified case_and_param_errors vm_init_reports_failures)
test-valgrind:
	@if [ "$(SANITIZE)" = 1 ]; then echo "test-valgrind: not with SANITIZE=1 (ASan and valgrind do not mix)"; exit 2; fi
	$(MAKE) $(BIN) $(UNIT_BIN) $(FUZZ_REPLAY)
	@# Every unit test but api/every_allocation_failure: it compiles and runs the guideline once
	@# per allocation (240 times), minutes under valgrind; it runs under ASan in make test.
	valgrind $(VALGRIND_OPTS) $(UNIT_BIN) $(VALGRIND_UNITS) > /dev/null
	GDL=tests/fuzz/valgrind-gdl.sh GDL_REAL=$(BIN) VALGRIND_OPTS="$(VALGRIND_OPTS)" bash tests/run_golden.sh
	@# The CLI checks (about 1,000 runs, most of them repeating the goldens' paths per example)
	@# run plain and under ASan+UBSan in `make test`; under valgrind only with VALGRIND_CLI=1,
	@# to keep CI within its time on 2 cores.
	$(if $(VALGRIND_CLI),GDL=tests/fuzz/valgrind-gdl.sh GDL_REAL=$(BIN) VALGRIND_OPTS="$(VALGRIND_OPTS)" bash tests/cli_checks.sh)
	valgrind $(VALGRIND_OPTS) $(BIN) test guidelines/*.gdl > /dev/null
	@set -e; for h in $(FUZZ_NAMES); do \
	    valgrind $(VALGRIND_OPTS) $(BUILD)/fuzz_replay_$$h $$(find tests/fuzz/regress/$$h tests/fuzz/corpus/$$h -type f 2> /dev/null) \
	        || { echo "FAIL valgrind fuzz_replay_$$h"; exit 1; }; \
	done
	@echo "valgrind: no memory errors, no leaks"
