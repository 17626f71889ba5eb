# bench.mk - `make bench` (timings against Lua 5.4 + lua-cjson, written to
# docs/performance.md) and `make bench-check` (generator + decision check on a
# small N, no timing). Included by the top Makefile; the work is done by
# tests/bench/bench.sh and tests/bench/equiv.sh.

# Cases for the throughput runs, for bench-check, and for callgrind; runs
# kept (best of); the two streams whose peak RSS is compared.
BENCH_N         ?= 200000
BENCH_CHECK_N   ?= 2000
BENCH_CALLGRIND_N ?= 2000
BENCH_RUNS      ?= 3
BENCH_RSS_SMALL ?= 10000
BENCH_RSS_BIG   ?= 1000000
BENCH_WORK      := $(BUILD)/bench
BENCH_GEN       := $(BENCH_WORK)/gen_cases
BENCH_EVAL      := $(BENCH_WORK)/bench_eval

.PHONY: bench bench-check bench-deps bench-check-deps

$(BENCH_GEN): tests/bench/gen_cases.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS)

# Links the same libraries as bin/gdl; recompiled whenever they change.
$(BENCH_EVAL): tests/bench/bench_eval.c $(LIBCOMP) $(LIBVM)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) -lm

bench-deps:
	@bash tests/bench/deps.sh bench
bench-check-deps:
	@bash tests/bench/deps.sh check

bench-check: bench-check-deps $(BIN) $(BENCH_GEN)
	bash tests/bench/equiv.sh $(BIN) $(BENCH_GEN) $(BENCH_CHECK_N) $(BENCH_WORK)

bench: bench-deps $(BIN) $(BENCH_GEN) $(BENCH_EVAL)
	@if [ "$(SANITIZE)" = 1 ]; then echo "bench: not under SANITIZE=1 (the figures would be meaningless)"; exit 2; fi
	GDL=$(BIN) GEN=$(BENCH_GEN) BENCH_EVAL=$(BENCH_EVAL) BENCH_N=$(BENCH_N) \
	BENCH_RUNS=$(BENCH_RUNS) BENCH_CALLGRIND_N=$(BENCH_CALLGRIND_N) \
	BENCH_RSS_SMALL=$(BENCH_RSS_SMALL) BENCH_RSS_BIG=$(BENCH_RSS_BIG) \
	BENCH_WORK=$(BENCH_WORK) BENCH_DOC=docs/performance.md BENCH_CFLAGS="$(CFLAGS)" CC="$(CC)" \
	bash tests/bench/bench.sh
