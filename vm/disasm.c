/* disasm.c - prints a program as a listing (see disasm.h): one line per
 * instruction, operands printed by one helper per operand format from
 * OP_INFO, comments resolving numbers, strings, facts, parameters and jumps.
 * Checking the program is verify.c's job; this file only reads it. */
#include "disasm.h"

#include <stdint.h>
#include <string.h>

#include "opcodes.h"
#include "verify.h"

enum {
    DISASM_STR_MAX = 40,    /* string constants are cut to this many bytes in comments */
    DISASM_FIELD_MAX = 160, /* operand and comment text; a cut string escapes to at most 4 bytes a byte */
    DISASM_LINE_MAX = 512,  /* one listing line */
};

typedef struct {
    char ops[DISASM_FIELD_MAX];     /* operands as encoded */
    char note[DISASM_FIELD_MAX];    /* what they refer to */
} Operands;

typedef void (*OperandPrinter)(const GdlProgram *p, const uint8_t *ins, Operands *o);

static uint32_t rd_u16(const uint8_t *c)
{
    return (uint32_t)c[0] | (uint32_t)c[1] << 8;
}

static const char *fact_name(const GdlProgram *p, uint32_t f)
{
    return f < p->nfacts ? gdl_str(p, p->facts[f].name) : "?";
}

static void number_note(const GdlProgram *p, uint32_t k, char *buf, size_t len)
{
    if (k < p->nnumbers)
        snprintf(buf, len, "%g", p->numbers[k]);
    else
        snprintf(buf, len, "?");
}

/* "text" with quotes, backslashes and control bytes escaped, cut after
 * DISASM_STR_MAX bytes (never inside a UTF-8 sequence) and marked "...". */
static void quote(const char *s, uint32_t n, char *buf, size_t len)
{
    uint32_t cut = n;
    if (cut > DISASM_STR_MAX) {
        cut = DISASM_STR_MAX;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (uint32_t i = 0; i < cut && o + 8 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (c == '\t') {
            buf[o++] = '\\';
            buf[o++] = 't';
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    if (cut < n && o + 4 < len) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

/* ---- one helper per operand format ------------------------------------ */

static void fmt_none(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    (void)p;
    (void)ins;
    o->ops[0] = o->note[0] = '\0';
}

static void fmt_k(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t k = rd_u16(ins + 1);
    snprintf(o->ops, sizeof o->ops, "%u", k);
    number_note(p, k, o->note, sizeof o->note);
}

static void fmt_s(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t s = rd_u16(ins + 1);
    snprintf(o->ops, sizeof o->ops, "%u", s);
    if (s < p->nstrings)
        quote(p->strings[s], p->string_lens[s], o->note, sizeof o->note);
    else
        snprintf(o->note, sizeof o->note, "?");
}

static void fmt_f(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t f = rd_u16(ins + 1);
    snprintf(o->ops, sizeof o->ops, "%u", f);
    snprintf(o->note, sizeof o->note, "%s", fact_name(p, f));
}

static void fmt_p(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t i = rd_u16(ins + 1);
    snprintf(o->ops, sizeof o->ops, "%u", i);
    snprintf(o->note, sizeof o->note, "%s", i < p->nparams ? gdl_str(p, p->params[i].name) : "?");
}

static void fmt_c(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    (void)p;
    snprintf(o->ops, sizeof o->ops, "%u", ins[1]);
    o->note[0] = '\0';
}

static void fmt_ii(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    (void)p;
    snprintf(o->ops, sizeof o->ops, "%u %u", ins[1], ins[2]);
    snprintf(o->note, sizeof o->note, "items %u..%u", ins[1], ins[2]);
}

static void fmt_j(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    (void)p;
    uint32_t t = rd_u16(ins + 1);
    snprintf(o->ops, sizeof o->ops, "%u", t);
    snprintf(o->note, sizeof o->note, "to %04x", t);
}

static void fmt_jk(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t t = rd_u16(ins + 1), k = rd_u16(ins + 3);
    char num[64];
    number_note(p, k, num, sizeof num);
    snprintf(o->ops, sizeof o->ops, "%u %u", t, k);
    snprintf(o->note, sizeof o->note, "to %04x, value %s", t, num);
}

static void fmt_fkc(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    static const char *const CMP_TEXT[CMP__COUNT] = { "==", "!=", "<", "<=", ">", ">=" };
    uint32_t f = rd_u16(ins + 1), k = rd_u16(ins + 3), c = ins[5];
    char num[64];
    number_note(p, k, num, sizeof num);
    snprintf(o->ops, sizeof o->ops, "%u %u %u", f, k, c);
    snprintf(o->note, sizeof o->note, "%s %s %s", fact_name(p, f), c < CMP__COUNT ? CMP_TEXT[c] : "?", num);
}

static void fmt_ff(const GdlProgram *p, const uint8_t *ins, Operands *o)
{
    uint32_t f = rd_u16(ins + 1), g = rd_u16(ins + 3);
    snprintf(o->ops, sizeof o->ops, "%u %u", f, g);
    snprintf(o->note, sizeof o->note, "%s -> %s", fact_name(p, f), fact_name(p, g));
}

static const OperandPrinter PRINTERS[FMT__COUNT] = {
    [FMT_NONE] = fmt_none, [FMT_K] = fmt_k, [FMT_S] = fmt_s, [FMT_F] = fmt_f, [FMT_P] = fmt_p,
    [FMT_C] = fmt_c, [FMT_II] = fmt_ii, [FMT_J] = fmt_j, [FMT_JK] = fmt_jk, [FMT_FKC] = fmt_fkc,
    [FMT_FF] = fmt_ff,
};

/* ---- instructions ----------------------------------------------------- */

/* Size of the instruction at pc, or 0 when it is not a whole, known one. */
static uint32_t insn_size(const GdlProgram *p, uint32_t pc)
{
    uint8_t op = p->code[pc];
    if (op >= NUM_OPCODES || OP_INFO[op].format >= FMT__COUNT)
        return 0;
    uint32_t size = OP_FORMAT_SIZE[OP_INFO[op].format];
    return size <= p->ncode - pc ? size : 0;
}

/* Next instruction start; a byte that is not a whole instruction counts as one. */
static uint32_t next_pc(const GdlProgram *p, uint32_t pc)
{
    uint32_t size = insn_size(p, pc);
    return pc + (size ? size : 1);
}

static uint32_t count_insns(const GdlProgram *p, uint32_t from, uint32_t to)
{
    uint32_t n = 0;
    for (uint32_t pc = from; pc < to; pc = next_pc(p, pc))
        n++;
    return n;
}

/* Writes one line without trailing blanks. */
static void put_line(FILE *out, char *line)
{
    size_t n = strlen(line);
    while (n > 0 && line[n - 1] == ' ')
        n--;
    line[n] = '\0';
    fprintf(out, "%s\n", line);
}

static void print_insn(const GdlProgram *p, uint32_t pc, const char *cell, FILE *out)
{
    char line[DISASM_LINE_MAX];
    uint32_t size = insn_size(p, pc);
    if (!size) {
        snprintf(line, sizeof line, "  %04x  %-5s .byte 0x%02x", pc, cell, p->code[pc]);
        put_line(out, line);
        return;
    }
    const OpInfo *info = &OP_INFO[p->code[pc]];
    Operands o;
    PRINTERS[info->format](p, p->code + pc, &o);
    int n = snprintf(line, sizeof line, "  %04x  %-5s %-17s %-7s ", pc, cell, info->name, o.ops);
    if (o.note[0] && n >= 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "; %s", o.note);
    put_line(out, line);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *str_or_dash(const GdlProgram *p, uint32_t s)
{
    return s < p->nstrings ? p->strings[s] : "-";
}

/* ---- listing ----------------------------------------------------------- */

static void print_header(const GdlProgram *p, FILE *out)
{
    fprintf(out, "guideline %s version %s\n", str_or_dash(p, p->meta.id), str_or_dash(p, p->meta.version));
    fprintf(out, "strings %u  numbers %u  facts %u (inputs %u)  params %u  outcomes %u\n", p->nstrings,
            p->nnumbers, p->nfacts, p->ninputs, p->nparams, p->noutcomes);
    fprintf(out, "code %u bytes  max stack %u\n", p->ncode, p->max_stack);
}

/* The line-table index after li where the fact first differs from fact, or nlines. */
static uint32_t group_end(const GdlProgram *p, uint32_t li, uint32_t fact)
{
    while (li < p->nlines && p->lines[li].fact == fact)
        li++;
    return li;
}

static void print_code(const GdlProgram *p, FILE *out)
{
    /* The final terminator gets a group of its own: it belongs to no fact. */
    uint32_t halt_pc = p->ncode;
    for (uint32_t pc = 0; pc < p->ncode; pc = next_pc(p, pc))
        halt_pc = pc;
    if (halt_pc < p->ncode && !(insn_size(p, halt_pc) && (OP_INFO[p->code[halt_pc]].flags & OPF_TERM)))
        halt_pc = p->ncode;

    uint32_t li = 0, fact = GDL_NONE, line = 0, file = GDL_NONE, shown_line = 0, shown_file = GDL_NONE;
    uint32_t group_line = 0;    /* the first line of the fact's code: its declaration */
    bool have_line = false;
    fprintf(out, "\ncode:\n");
    for (uint32_t pc = 0; pc < p->ncode; pc = next_pc(p, pc)) {
        bool new_group = false;
        for (; li < p->nlines && p->lines[li].pc <= pc; li++) {
            const GdlLine *l = &p->lines[li];
            if (l->fact != fact) {
                new_group = true;
                group_line = l->line;
            }
            fact = l->fact;
            line = l->line;
            file = l->file;
            have_line = true;
        }
        if (pc == halt_pc) {
            fprintf(out, "end\n");
            have_line = false;
        } else if (new_group) {
            uint32_t end = group_end(p, li, fact);
            uint32_t end_pc = end < p->nlines && p->lines[end].pc < halt_pc ? p->lines[end].pc : halt_pc;
            uint32_t n = count_insns(p, pc, end_pc);
            fprintf(out, "fact %u %s %s <%s:%u> (%u instruction%s)\n", fact,
                    fact < p->nfacts ? gdl_fact_kind_name(p->facts[fact].kind) : "?", fact_name(p, fact),
                    base_name(gdl_str(p, file)), group_line, n, n == 1 ? "" : "s");
            shown_line = 0;
            shown_file = GDL_NONE;
        }
        char cell[16] = "";
        if (have_line)
            snprintf(cell, sizeof cell, "  |");
        if (have_line && (line != shown_line || file != shown_file)) {
            snprintf(cell, sizeof cell, "[%u]", line);
            shown_line = line;
            shown_file = file;
        }
        print_insn(p, pc, cell, out);
    }
}

static void print_outcomes(const GdlProgram *p, FILE *out)
{
    char line[DISASM_LINE_MAX];
    fprintf(out, "\noutcomes:\n");
    snprintf(line, sizeof line, "  %-3s %-12s %-23s %-9s %s", "#", "kind", "id", "section", "condition");
    put_line(out, line);
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        snprintf(line, sizeof line, "  %-3u %-12s %-23s %-9s fact %u %s", i,
                 gdl_outcome_kind_name((OutcomeKind)o->kind), str_or_dash(p, o->id), str_or_dash(p, o->section),
                 o->cond, fact_name(p, o->cond));
        put_line(out, line);
    }
}

void gdl_disasm(const GdlProgram *p, FILE *out)
{
    print_header(p, out);
    print_code(p, out);
    print_outcomes(p, out);
}
