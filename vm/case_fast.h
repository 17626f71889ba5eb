/* case_fast.h - the case reader's fast path (see case_fast.c). */
#ifndef GDL_CASE_FAST_H
#define GDL_CASE_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include "vm.h"

/* Loads a valid case into the (reset) VM and returns true; returns false,
 * possibly with some inputs set, for anything it does not handle. */
bool gdl_case_fast_load(GdlVm *vm, const char *text, size_t len);

#endif
