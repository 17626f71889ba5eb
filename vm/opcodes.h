/* opcodes.h - the instruction set, expanded from opcodes.def.
 * Encoding: one opcode byte, then the operands of its format, little-endian. */
#ifndef GDL_OPCODES_H
#define GDL_OPCODES_H

#include <stdint.h>

typedef enum {
    FMT_NONE,   /* no operand */
    FMT_K,      /* u16 number-pool index */
    FMT_S,      /* u16 string index */
    FMT_F,      /* u16 fact slot */
    FMT_P,      /* u16 parameter index */
    FMT_C,      /* u8 count */
    FMT_II,     /* u8 first item, u8 last item */
    FMT_J,      /* u16 absolute jump target */
    FMT_JK,     /* u16 jump target, u16 number-pool index */
    FMT_FKC,    /* u16 fact slot, u16 number-pool index, u8 comparison (CMP_*) */
    FMT_FF,     /* u16 fact slot read, u16 fact slot stored */
    FMT__COUNT
} OpFormat;

enum { OPF_NONE = 0, OPF_JUMP = 1, OPF_TERM = 2, OPF_STORE = 4 };

/* The comparison of FACT_CMP_K, in the order of the EQ..GE opcodes. */
enum { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP__COUNT };

typedef enum {
#define OP(name, fmt, pop, push, brpush, flags, doc) OP_##name,
#include "opcodes.def"
#undef OP
    NUM_OPCODES
} Opcode;

/* One byte per opcode in the encoding (SQLite's rule). */
_Static_assert(NUM_OPCODES <= 256, "opcode must fit in a byte");

typedef struct {
    const char *name;
    uint8_t format;     /* OpFormat */
    int8_t pop;         /* -1: the count operand; -2: count + 1 */
    uint8_t push;       /* on fall-through */
    uint8_t branch_push;/* after popping, when the jump is taken */
    uint8_t flags;
    const char *doc;
} OpInfo;

extern const OpInfo OP_INFO[NUM_OPCODES];
/* Total encoded size of an instruction with this format, opcode byte included. */
extern const uint8_t OP_FORMAT_SIZE[FMT__COUNT];

#endif
