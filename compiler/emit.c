/* emit.c - appends instructions to the program's code, tracking the stack
 * depth, fusing pairs by the peephole table, and keeping the line table
 * that maps code back to source lines and facts. */
#include "codegen.h"

static void byte(Gen *g, uint8_t b)
{
    GdlProgram *p = g->p;
    if (p->ncode >= GDL_MAX_CODE) {
        gen_limit_error(g, "guideline too large: more than %d bytes of code", GDL_MAX_CODE);
        return;
    }
    GROW(g, p->code, p->ncode, g->cap_code, uint8_t);
    if (!g->failed)
        p->code[p->ncode++] = b;
}

static void u16(Gen *g, uint32_t v)
{
    byte(g, (uint8_t)(v & 0xff));
    byte(g, (uint8_t)(v >> 8));
}

/* An entry that no instruction followed is replaced, unless it is its
 * fact's first (the disassembler's heading): function expansions switch
 * lines without emitting, and the table has a limit (one u16 pc space). */
static void add_line(Gen *g, uint32_t line, uint32_t file)
{
    GdlProgram *p = g->p;
    const GdlLine *l = p->lines;
    uint32_t n = p->nlines;
    if (n >= 2 && l[n - 1].pc == p->ncode && l[n - 2].pc == p->ncode && l[n - 1].fact == g->cur_fact &&
        l[n - 2].fact == g->cur_fact)
        p->nlines--;
    if (p->nlines >= GDL_MAX_CODE) {
        gen_limit_error(g, "guideline too large: more than %d line-table entries", GDL_MAX_CODE);
        return;
    }
    GROW(g, p->lines, p->nlines, g->cap_lines, GdlLine);
    if (g->failed)
        return;
    p->lines[p->nlines++] = (GdlLine){ p->ncode, line, intern(g, g->c->sources.files[file].path), g->cur_fact };
    g->last_line = line;
    g->last_file = file;
    g->last_fact = g->cur_fact;
}

void mark_line(Gen *g, SrcSpan at)
{
    uint32_t line, col;
    source_line_col(&g->c->sources, at.file, at.start, &line, &col);
    if (line == g->last_line && at.file == g->last_file && g->cur_fact == g->last_fact)
        return;
    add_line(g, line, at.file);
}

/* Every fact's code opens a line-table run, so the debug info names the
 * right fact; built-in facts have no source line (0). */
void mark_fact(Gen *g, uint16_t fact, const AstNode *decl)
{
    g->cur_fact = fact;
    if (decl)
        mark_line(g, decl->span);
    else
        add_line(g, 0, g->c->main_file);
}

/* Pairs the VM runs as one instruction (the peephole pass): one dispatch
 * instead of two for the commonest shapes of guideline conditions. */
enum { FIRSTS_OPERANDS, SECONDS_OPERANDS, FIRSTS_THEN_SECONDS };

static const struct {
    uint8_t first, second, fused, operands;
} FUSIONS[] = {
    { OP_LOAD_FACT, OP_AND, OP_AND_FACT, FIRSTS_OPERANDS },
    { OP_LOAD_FACT, OP_OR, OP_OR_FACT, FIRSTS_OPERANDS },
    { OP_FACT_CMP_K, OP_AND, OP_AND_CMP_K, FIRSTS_OPERANDS },
    { OP_FACT_CMP_K, OP_OR, OP_OR_CMP_K, FIRSTS_OPERANDS },
    { OP_LOAD_FACT, OP_STORE_FACT, OP_COPY_FACT, FIRSTS_THEN_SECONDS },
    { OP_AND, OP_STORE_FACT, OP_AND_STORE, SECONDS_OPERANDS },
    { OP_OR, OP_STORE_FACT, OP_OR_STORE, SECONDS_OPERANDS },
    { OP_AND_FACT, OP_STORE_FACT, OP_AND_FACT_STORE, FIRSTS_THEN_SECONDS },
    { OP_OR_FACT, OP_STORE_FACT, OP_OR_FACT_STORE, FIRSTS_THEN_SECONDS },
};

static void emit_one(Gen *g, Opcode op, uint32_t a, uint32_t b);

/* Emits an instruction, fused with the previous one where a rule says so
 * and nothing can land between them: no jump target (gen_classify clears
 * prev_at where it places one) and no line-table entry. */
void emit(Gen *g, Opcode op, uint32_t a, uint32_t b)
{
    GdlProgram *p = g->p;
    if (g->failed)
        return;     /* operands were dropped: counting operators would corrupt the depth */
    bool line_between = p->nlines && p->lines[p->nlines - 1].pc == p->ncode;
    if (g->prev_at != NO_PREV && !line_between) {
        for (size_t i = 0; i < sizeof FUSIONS / sizeof FUSIONS[0]; i++) {
            if (FUSIONS[i].first != g->prev_op || FUSIONS[i].second != op)
                continue;
            uint32_t fa = g->prev_a, fb = g->prev_b;
            if (FUSIONS[i].operands == SECONDS_OPERANDS)
                fa = a, fb = b;
            else if (FUSIONS[i].operands == FIRSTS_THEN_SECONDS)
                fb = a;
            p->ncode = g->prev_at;
            g->depth = g->prev_depth;
            p->max_stack = g->prev_max_stack;
            emit_one(g, (Opcode)FUSIONS[i].fused, fa, fb);
            return;
        }
    }
    emit_one(g, op, a, b);
}

/* Emits an instruction and tracks the stack depth from the opcode table. */
static void emit_one(Gen *g, Opcode op, uint32_t a, uint32_t b)
{
    const OpInfo *info = &OP_INFO[op];
    int pop = info->pop == -1 ? (int)a : info->pop == -2 ? (int)a + 1 : info->pop;
    g->prev_at = g->p->ncode;
    g->prev_op = (uint8_t)op;
    g->prev_a = a;
    g->prev_b = b;
    g->prev_depth = g->depth;
    g->prev_max_stack = g->p->max_stack;
    g->depth -= pop;
    g->depth += info->push;
    if ((uint32_t)g->depth > g->p->max_stack)
        g->p->max_stack = (uint32_t)g->depth;
    byte(g, (uint8_t)op);
    switch ((OpFormat)info->format) {
    case FMT_NONE: break;
    case FMT_C: byte(g, (uint8_t)a); break;
    case FMT_II: byte(g, (uint8_t)a); byte(g, (uint8_t)b); break;
    case FMT_JK: u16(g, a); u16(g, b); break;
    case FMT_FKC: u16(g, a); u16(g, b & 0xffff); byte(g, (uint8_t)(b >> 16)); break;
    case FMT_FF: u16(g, a); u16(g, b); break;
    default: u16(g, a); break;
    }
}
