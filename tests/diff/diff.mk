# diff.mk - the differential tester (tests/diff/README.md); included by the top Makefile.
#   make difftest [SEED=S] [N=PROGRAMS] [CASES=PER_PROGRAM]   random guidelines against the reference model
#   make difftest-ci                                          the fixed-seed run `make test` makes (about a minute)
# Needs Lua 5.4 and lua-cjson, like bench-check (tests/bench/deps.sh installs them as root).

SEED            ?= 1
N               ?= 500
CASES           ?= 24
DIFFTEST_CI_SEED ?= 14
DIFFTEST_CI_N   ?= 500
DIFFTEST_WORK   := $(BUILD)/difftest

.PHONY: difftest difftest-ci

difftest: bench-check-deps $(BIN)
	lua5.4 tests/diff/difftest.lua --gdl $(BIN) --seed $(SEED) --n $(N) --cases $(CASES) --work $(DIFFTEST_WORK)

difftest-ci: bench-check-deps $(BIN)
	lua5.4 tests/diff/difftest.lua --gdl $(BIN) --seed $(DIFFTEST_CI_SEED) --n $(DIFFTEST_CI_N) --cases $(CASES) --work $(DIFFTEST_WORK)
