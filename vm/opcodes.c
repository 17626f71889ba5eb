/* opcodes.c - the instruction table, generated from opcodes.def. */
#include "opcodes.h"

const OpInfo OP_INFO[NUM_OPCODES] = {
#define OP(name, fmt, pop, push, brpush, flags, doc) \
    { #name, FMT_##fmt, pop, push, brpush, flags, doc },
#include "opcodes.def"
#undef OP
};

const uint8_t OP_FORMAT_SIZE[FMT__COUNT] = {
    [FMT_NONE] = 1, [FMT_K] = 3, [FMT_S] = 3, [FMT_F] = 3, [FMT_P] = 3,
    [FMT_C] = 2, [FMT_II] = 3, [FMT_J] = 3, [FMT_JK] = 5, [FMT_FKC] = 6, [FMT_FF] = 5,
};
