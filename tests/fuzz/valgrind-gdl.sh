#!/usr/bin/env bash
# valgrind-gdl.sh - stands in for bin/gdl in the golden and CLI scripts
# (`make test-valgrind`): runs GDL_REAL under valgrind memcheck with
# VALGRIND_OPTS. A memcheck error or leak exits 99 and prints to stderr, so
# the script comparing the run's status and stderr reports it.
exec valgrind ${VALGRIND_OPTS:--q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect} \
    "${GDL_REAL:-bin/gdl}" "$@"
