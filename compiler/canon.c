/* canon.c - canonical text of a fact's code (see canon.h): the fact ranges
 * come from the line table, the operands are written as the disassembler's
 * comments would resolve them. The program has passed gdl_verify, so every
 * operand is in range; this file only reads it. */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

#include "opcodes.h"

static const char *const CMP_TEXT[CMP__COUNT] = { "==", "!=", "<", "<=", ">", ">=" };

uint32_t canon_u16(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8;
}

uint32_t canon_insn_size(const GdlProgram *p, uint32_t pc)
{
    return OP_FORMAT_SIZE[OP_INFO[p->code[pc]].format];
}

int canon_init(Canon *c, const GdlProgram *p)
{
    memset(c, 0, sizeof *c);
    c->p = p;
    size_t n = p->nfacts ? p->nfacts : 1;
    c->start = calloc(n, sizeof *c->start);
    c->end = calloc(n, sizeof *c->end);
    c->expanded = calloc(n, sizeof *c->expanded);
    if (!c->start || !c->end || !c->expanded) {
        canon_free(c);
        return -1;
    }
    /* A fact's code is one run of line-table entries; the final HALT is nobody's. */
    uint32_t halt = p->ncode ? p->ncode - 1 : 0;
    for (uint32_t li = 0; li < p->nlines;) {
        uint32_t fact = p->lines[li].fact, from = p->lines[li].pc;
        while (li < p->nlines && p->lines[li].fact == fact)
            li++;
        uint32_t to = li < p->nlines ? p->lines[li].pc : halt;
        if (fact < p->nfacts && c->start[fact] == c->end[fact]) {
            c->start[fact] = from;
            c->end[fact] = to > from ? to : from;
        }
    }
    /* A table's 'when' is computed at the start of the table's own code
     * (codegen.c, SYM_CLASSIFY): the applies fact's code ends at its store. */
    for (uint32_t f = 0; f < p->nfacts; f++) {
        uint16_t a = p->facts[f].kind == FK_CLASSIFY ? p->facts[f].applies : GDL_NONE;
        if (a == GDL_NONE || a >= p->nfacts || c->start[a] != c->end[a])
            continue;
        for (uint32_t pc = c->start[f]; pc < c->end[f]; pc += canon_insn_size(p, pc))
            if (OP_INFO[p->code[pc]].flags & OPF_STORE) {
                c->start[a] = c->start[f];
                c->end[a] = pc + canon_insn_size(p, pc);
                break;
            }
    }
    return 0;
}

void canon_free(Canon *c)
{
    if (c->expanded && c->p)
        for (uint32_t i = 0; i < c->p->nfacts; i++)
            free(c->expanded[i]);
    free(c->start);
    free(c->end);
    free(c->expanded);
    memset(c, 0, sizeof *c);
}

static void put_fact(const GdlProgram *p, uint32_t f, ByteBuf *out)
{
    buf_putc(out, ' ');
    buf_puts(out, gdl_str(p, p->facts[f].name));
}

/* A number compared with fact f: an enum's symbol, else the number. */
static void put_value(const GdlProgram *p, uint32_t f, double v, ByteBuf *out)
{
    buf_putc(out, ' ');
    const GdlFact *fact = f < p->nfacts ? &p->facts[f] : NULL;
    if (fact && fact->type == GT_ENUM && v >= 0 && v < fact->sym_count)
        buf_puts(out, gdl_str(p, p->syms[fact->sym_first + (uint32_t)v]));
    else
        buf_json_number(out, v);
}

void canon_code(const Canon *c, uint32_t from, uint32_t to, uint32_t base, ByteBuf *out)
{
    const GdlProgram *p = c->p;
    for (uint32_t pc = from; pc < to; pc += canon_insn_size(p, pc)) {
        const uint8_t *a = p->code + pc + 1;
        const OpInfo *info = &OP_INFO[p->code[pc]];
        buf_puts(out, info->name);
        switch ((OpFormat)info->format) {
        case FMT_NONE:
            break;
        case FMT_K:
            put_value(p, GDL_NONE, p->numbers[canon_u16(a)], out);
            break;
        case FMT_S:
            buf_putc(out, ' ');
            buf_json_string(out, gdl_str(p, canon_u16(a)), p->string_lens[canon_u16(a)]);
            break;
        case FMT_F:
            put_fact(p, canon_u16(a), out);
            break;
        case FMT_P:
            buf_printf(out, " param %s", gdl_str(p, p->params[canon_u16(a)].name));
            break;
        case FMT_C:
            buf_printf(out, " %u", a[0]);
            break;
        case FMT_II:
            buf_printf(out, " %u %u", a[0], a[1]);
            break;
        case FMT_J:
            buf_printf(out, " +%u", canon_u16(a) - base);
            break;
        case FMT_JK:
            buf_printf(out, " +%u", canon_u16(a) - base);
            put_value(p, GDL_NONE, p->numbers[canon_u16(a + 2)], out);
            break;
        case FMT_FKC:
            put_fact(p, canon_u16(a), out);
            buf_printf(out, " %s", a[4] < CMP__COUNT ? CMP_TEXT[a[4]] : "?");
            put_value(p, canon_u16(a), p->numbers[canon_u16(a + 2)], out);
            break;
        case FMT_FF:
            put_fact(p, canon_u16(a), out);
            put_fact(p, canon_u16(a + 2), out);
            break;
        case FMT__COUNT:
            break;
        }
        buf_putc(out, '\n');
    }
}

/* The facts an instruction reads (at most two). */
static uint32_t facts_read(const GdlProgram *p, uint32_t pc, uint32_t f[2])
{
    const uint8_t *a = p->code + pc + 1;
    switch ((OpFormat)OP_INFO[p->code[pc]].format) {
    case FMT_F:
    case FMT_FKC:
        f[0] = canon_u16(a);
        return 1;
    case FMT_FF:
        f[0] = canon_u16(a);
        f[1] = canon_u16(a + 2);
        return 2;
    default:
        return 0;
    }
}

/* Sorts facts by name: insertion sort, the lists are short and qsort has no context. */
static void sort_by_name(const GdlProgram *p, uint32_t *list, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = list[i], j = i;
        for (; j > 0 && strcmp(gdl_str(p, p->facts[list[j - 1]].name), gdl_str(p, p->facts[x].name)) > 0; j--)
            list[j] = list[j - 1];
        list[j] = x;
    }
}

void canon_defines(const Canon *c, uint32_t from, uint32_t to, ByteBuf *out)
{
    const GdlProgram *p = c->p;
    uint8_t *seen = calloc(p->nfacts ? p->nfacts : 1, 1);
    uint32_t *list = malloc(sizeof *list * (p->nfacts ? p->nfacts : 1));
    if (!seen || !list) {
        free(seen);
        free(list);
        out->failed = 1;
        return;
    }
    /* list[0, n) are the defines found; list[done, n) still to be read. */
    uint32_t n = 0, done = 0, lo = from, hi = to;
    for (;;) {
        for (uint32_t pc = lo; pc < hi; pc += canon_insn_size(p, pc)) {
            uint32_t f[2], k = facts_read(p, pc, f);
            for (uint32_t i = 0; i < k; i++)
                if (!seen[f[i]] && p->facts[f[i]].kind == FK_DEFINE) {
                    seen[f[i]] = 1;
                    list[n++] = f[i];
                }
        }
        if (done == n)
            break;
        lo = c->start[list[done]];
        hi = c->end[list[done]];
        done++;
    }
    sort_by_name(p, list, n);
    for (uint32_t i = 0; i < n; i++) {
        buf_printf(out, "%s :=\n", gdl_str(p, p->facts[list[i]].name));
        canon_code(c, c->start[list[i]], c->end[list[i]], c->start[list[i]], out);
    }
    free(seen);
    free(list);
}

const char *canon_fact(Canon *c, uint32_t fact)
{
    if (fact >= c->p->nfacts)
        return "";
    if (!c->expanded[fact]) {
        ByteBuf b = { 0 };
        canon_code(c, c->start[fact], c->end[fact], c->start[fact], &b);
        canon_defines(c, c->start[fact], c->end[fact], &b);
        buf_putc(&b, '\0');
        if (b.failed) {
            buf_free(&b);
            return NULL;
        }
        c->expanded[fact] = (char *)b.data;
    }
    return c->expanded[fact];
}
