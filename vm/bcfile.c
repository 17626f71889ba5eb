/* bcfile.c - .gdlb writer and bounded reader (see bcfile.h). The reader
 * treats its input as hostile: every read is checked against the end. */
#include "bcfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static const uint8_t MAGIC[8] = { 'G', 'D', 'L', 'B', '\r', '\n', 0x1a, '\n' };
enum { HASH_OFFSET = 20 };

uint64_t gdlb_hash(const uint8_t *data, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (i >= HASH_OFFSET && i < HASH_OFFSET + 8) ? 0 : data[i];
        h = (h ^ b) * 1099511628211ull;
    }
    return h;
}

/* ---- writer ---------------------------------------------------------- */

#define put buf_put

static void put_u8(ByteBuf *b, uint32_t v) { uint8_t x = (uint8_t)v; put(b, &x, 1); }
static void put_u16(ByteBuf *b, uint32_t v) { put_u8(b, v); put_u8(b, v >> 8); }
static void put_u32(ByteBuf *b, uint32_t v) { put_u16(b, v & 0xffff); put_u16(b, v >> 16); }
static void put_u64(ByteBuf *b, uint64_t v) { put_u32(b, (uint32_t)v); put_u32(b, (uint32_t)(v >> 32)); }
static void put_f64(ByteBuf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put_u64(b, v);
}

static size_t section_begin(ByteBuf *b, const char tag[4])
{
    put(b, tag, 4);
    put_u32(b, 0);
    return b->len;
}

static void section_end(ByteBuf *b, size_t start)
{
    if (b->failed)
        return;
    uint32_t len = (uint32_t)(b->len - start);
    for (int i = 0; i < 4; i++)
        b->data[start - 4 + i] = (uint8_t)(len >> (8 * i));
}

static void put_range(ByteBuf *b, uint32_t flags, double min, double max)
{
    put_u16(b, flags);
    put_f64(b, min);
    put_f64(b, max);
}

int gdlb_write(const GdlProgram *p, ByteBuf *b)
{
    put(b, MAGIC, 8);
    put_u16(b, GDLB_MAJOR);
    put_u16(b, GDLB_MINOR);
    put_u32(b, 0);          /* size, patched below */
    put_u32(b, 0);          /* flags */
    put_u64(b, 0);          /* hash, patched below */

    size_t s = section_begin(b, "META");
    const GdlMeta *m = &p->meta;
    uint32_t fields[] = { m->id, m->title, m->version, m->published, m->publisher, m->status, m->languages, p->source_file };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        put_u16(b, fields[i]);
    put_u16(b, m->source_count);
    for (uint32_t i = 0; i < m->source_count; i++)
        put_u16(b, m->sources[i]);
    section_end(b, s);

    s = section_begin(b, "STRS");
    put_u32(b, p->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++) {
        put_u32(b, p->string_lens[i]);
        put(b, p->strings[i], p->string_lens[i]);
    }
    section_end(b, s);

    s = section_begin(b, "NUMS");
    put_u32(b, p->nnumbers);
    for (uint32_t i = 0; i < p->nnumbers; i++)
        put_f64(b, p->numbers[i]);
    section_end(b, s);

    s = section_begin(b, "SYMS");
    put_u32(b, p->nsyms);
    for (uint32_t i = 0; i < p->nsyms; i++)
        put_u16(b, p->syms[i]);
    section_end(b, s);

    s = section_begin(b, "FACT");
    put_u32(b, p->nfacts);
    put_u32(b, p->ninputs);
    put_u32(b, p->ndep_bits);
    put_u16(b, p->in_scope_fact);
    put_u16(b, p->red_flagged_fact);
    for (uint32_t i = 0; i < p->nfacts; i++) {
        const GdlFact *f = &p->facts[i];
        put_u16(b, f->name);
        put_u8(b, f->kind);
        put_u8(b, f->type);
        put_u16(b, f->dep_bit);
        put_u16(b, f->sym_first);
        put_u16(b, f->sym_count);
        put_u16(b, f->unit);
        put_u16(b, f->text_nl);
        put_u16(b, f->text_en);
        put_range(b, f->flags, f->min, f->max);
        put_u32(b, f->len_min);
        put_u32(b, f->len_max);
        put_u16(b, f->section);
        put_u16(b, f->override);
        put_u16(b, f->applies);     /* 1.4 */
    }
    section_end(b, s);

    s = section_begin(b, "PARM");
    put_u32(b, p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++) {
        const GdlParam *pa = &p->params[i];
        put_u16(b, pa->name);
        put_u8(b, pa->type);
        put_u16(b, pa->unit);
        put_u16(b, pa->section);
        put_f64(b, pa->value);
        put_range(b, pa->flags, pa->min, pa->max);
        put_u16(b, pa->text);           /* 1.3 */
    }
    section_end(b, s);

    s = section_begin(b, "OUTC");
    put_u32(b, p->noutcomes);
    for (uint32_t i = 0; i < p->noutcomes; i++) {
        const GdlOutcome *o = &p->outcomes[i];
        put_u8(b, o->kind);
        put_u8(b, o->action);
        put_u8(b, o->strength);
        put_u8(b, o->urgent);
        put_u8(b, o->moments);
        put_u8(b, o->after_unit);
        put_u16(b, o->id);
        put_u16(b, o->section);
        put_u16(b, o->cluster);
        put_u16(b, o->text_nl);
        put_u16(b, o->text_en);
        put_u16(b, o->dose);
        put_u16(b, o->cond);
        put_u16(b, o->from);
        put_u32(b, o->after);
        put_u16(b, o->after_param);
    }
    put_u32(b, p->ntexts);              /* 1.6 */
    for (uint32_t i = 0; i < p->ntexts; i++) {
        put_u16(b, p->texts[i].outcome);
        put_u16(b, p->texts[i].lang);
        put_u16(b, p->texts[i].text);
    }
    section_end(b, s);

    s = section_begin(b, "CODE");
    put_u32(b, p->max_stack);
    put_u32(b, p->ncode);
    put(b, p->code, p->ncode);
    section_end(b, s);

    s = section_begin(b, "LINE");
    put_u32(b, p->nlines);
    for (uint32_t i = 0; i < p->nlines; i++) {
        put_u32(b, p->lines[i].pc);
        put_u32(b, p->lines[i].line);
        put_u16(b, p->lines[i].file);
        put_u16(b, p->lines[i].fact);
    }
    section_end(b, s);

    s = section_begin(b, "END\0");
    section_end(b, s);

    if (b->failed)
        return -1;
    uint32_t size = (uint32_t)b->len;
    for (int i = 0; i < 4; i++)
        b->data[12 + i] = (uint8_t)(size >> (8 * i));
    uint64_t h = gdlb_hash(b->data, b->len);
    for (int i = 0; i < 8; i++)
        b->data[HASH_OFFSET + i] = (uint8_t)(h >> (8 * i));
    return 0;
}

/* ---- reader ---------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    size_t section_end;     /* reads may not pass this */
    const char *section;
    char *err;
    size_t errlen;
    int failed;
} Reader;

static void fail(Reader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = 1;
    int n = snprintf(r->err, r->errlen, "%s+0x%zx: ", r->section, r->pos);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static int need(Reader *r, size_t n)
{
    if (r->failed)
        return 0;
    if (n > r->section_end - r->pos) {
        fail(r, "truncated: needs %zu more bytes, %zu left in %s", n, r->section_end - r->pos, r->section);
        return 0;
    }
    return 1;
}

static uint32_t get_u8(Reader *r)
{
    if (!need(r, 1))
        return 0;
    return r->data[r->pos++];
}

static uint32_t get_u16(Reader *r)
{
    if (!need(r, 2))
        return 0;
    uint32_t v = r->data[r->pos] | (uint32_t)r->data[r->pos + 1] << 8;
    r->pos += 2;
    return v;
}

static uint32_t get_u32(Reader *r)
{
    uint32_t lo = get_u16(r);
    return lo | get_u16(r) << 16;
}

static uint64_t get_u64(Reader *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static double get_f64(Reader *r)
{
    uint64_t v = get_u64(r);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

/* A count of items of at least `item_size` bytes must fit in what is left,
 * so a forged count cannot make us allocate gigabytes. */
static uint32_t get_count(Reader *r, size_t item_size, uint32_t limit, const char *what)
{
    uint32_t n = get_u32(r);
    if (r->failed)
        return 0;
    if (n > limit) {
        fail(r, "%u %s exceed the limit of %u", n, what, limit);
        return 0;
    }
    if (item_size && n > (r->section_end - r->pos) / item_size) {
        fail(r, "truncated: %u %s need %zu bytes, %zu left", n, what, n * item_size, r->section_end - r->pos);
        return 0;
    }
    return n;
}

static void *alloc(Reader *r, Arena *a, size_t n)
{
    void *p = arena_zalloc(a, n ? n : 1);
    if (!p)
        fail(r, "out of memory");
    return p;
}

static int enter_section(Reader *r, const char tag[4], const char *name)
{
    r->section = "header";
    r->section_end = r->len;
    if (!need(r, 8))
        return 0;
    if (memcmp(r->data + r->pos, tag, 4) != 0) {
        char got[5] = { 0 };
        for (int i = 0; i < 4; i++) {
            uint8_t c = r->data[r->pos + (size_t)i];
            got[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
        fail(r, "expected section %s, found '%s'", name, got);
        return 0;
    }
    r->pos += 4;
    uint32_t len = get_u32(r);
    if (len > r->len - r->pos) {
        r->section = name;
        fail(r, "truncated: section %s claims %u bytes, %zu left in file", name, len, r->len - r->pos);
        return 0;
    }
    r->section = name;
    r->section_end = r->pos + len;
    return 1;
}

static void leave_section(Reader *r)
{
    if (!r->failed && r->pos != r->section_end)
        fail(r, "%zu unread bytes at the end of section %s", r->section_end - r->pos, r->section);
    r->pos = r->section_end;
}

static void get_range(Reader *r, uint16_t *flags, double *min, double *max)
{
    *flags = (uint16_t)get_u16(r);
    *min = get_f64(r);
    *max = get_f64(r);
}

/* Strings reach the advice output and terminals as they are; the compiler
 * only writes UTF-8 without control characters (tab and line feed aside),
 * so anything else is corruption. ASCII, nearly all of it, takes one test. */
static bool check_string_text(Reader *r, uint32_t index, const unsigned char *s, size_t n)
{
    const char *why = NULL;
    for (size_t k = 0, seq; k < n; k += seq) {
        unsigned char c = s[k];
        if (c >= 0x20 && c < 0x7f) {
            seq = 1;
            continue;
        }
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            fail(r, "string %u holds control character 0x%02x at byte %zu", index, c, k);
            return false;
        }
        if (c < 0x80)
            seq = 1;
        else if ((seq = json_utf8_seq(s, n, k, &why)) == 0) {
            fail(r, "string %u is not valid UTF-8 at byte %zu: %s", index, k, why);
            return false;
        }
    }
    return true;
}

int gdlb_read(const uint8_t *data, size_t len, Arena *a, GdlProgram **out, char *err, size_t errlen)
{
    Reader rd = { data, len, 0, len, "header", err, errlen, 0 };
    Reader *r = &rd;
    *out = NULL;
    if (len < GDLB_HEADER_SIZE || memcmp(data, MAGIC, 8) != 0) {
        fail(r, len < 8 || memcmp(data, MAGIC, len < 8 ? len : 8) != 0 ? "not a GDL bytecode file (bad magic)"
                                                                        : "truncated header");
        return -1;
    }
    r->pos = 8;
    uint32_t major = get_u16(r), minor = get_u16(r);
    if (major != GDLB_MAJOR || minor > GDLB_MINOR) {
        fail(r, "format version %u.%u; this gdl reads %d.0 to %d.%d (rebuild the guideline)", major, minor,
             GDLB_MAJOR, GDLB_MAJOR, GDLB_MINOR);
        return -1;
    }
    uint32_t size = get_u32(r);
    if (size != len) {
        fail(r, "file is %zu bytes but its header says %u (truncated or padded)", len, size);
        return -1;
    }
    uint32_t flags = get_u32(r);
    if (flags != 0) {   /* none defined yet: a newer writer's meaning we cannot honour */
        fail(r, "unknown header flags 0x%x", flags);
        return -1;
    }
    uint64_t hash = get_u64(r);
    if (hash != gdlb_hash(data, len)) {
        fail(r, "content hash mismatch: the file is corrupt");
        return -1;
    }

    GdlProgram *p = alloc(r, a, sizeof *p);
    if (!p)
        return -1;

    if (enter_section(r, "META", "META")) {
        GdlMeta *m = &p->meta;
        m->id = (uint16_t)get_u16(r);
        m->title = (uint16_t)get_u16(r);
        m->version = (uint16_t)get_u16(r);
        m->published = (uint16_t)get_u16(r);
        m->publisher = (uint16_t)get_u16(r);
        m->status = (uint16_t)get_u16(r);
        m->languages = (uint16_t)get_u16(r);
        p->source_file = (uint16_t)get_u16(r);
        m->source_count = (uint16_t)get_u16(r);
        if (need(r, 2u * m->source_count)) {
            m->sources = alloc(r, a, sizeof(uint16_t) * m->source_count);
            for (uint32_t i = 0; m->sources && i < m->source_count; i++)
                m->sources[i] = (uint16_t)get_u16(r);
        }
        leave_section(r);
    }
    if (enter_section(r, "STRS", "STRS")) {
        p->nstrings = get_count(r, 4, GDL_MAX_STRINGS, "strings");
        p->strings = alloc(r, a, sizeof(char *) * p->nstrings);
        p->string_lens = alloc(r, a, sizeof(uint32_t) * p->nstrings);
        for (uint32_t i = 0; !r->failed && i < p->nstrings; i++) {
            uint32_t n = get_u32(r);
            if (!need(r, n))
                break;
            char *s = arena_strndup(a, (const char *)data + r->pos, n);
            if (!s) {
                fail(r, "out of memory");
                break;
            }
            if (memchr(s, '\0', n)) {
                fail(r, "string %u contains a NUL byte", i);
                break;
            }
            if (!check_string_text(r, i, (const unsigned char *)s, n))
                break;
            p->strings[i] = s;
            p->string_lens[i] = n;
            r->pos += n;
        }
        leave_section(r);
    }
    if (enter_section(r, "NUMS", "NUMS")) {
        p->nnumbers = get_count(r, 8, GDL_MAX_NUMBERS, "numbers");
        p->numbers = alloc(r, a, sizeof(double) * p->nnumbers);
        for (uint32_t i = 0; p->numbers && i < p->nnumbers; i++)
            p->numbers[i] = get_f64(r);
        leave_section(r);
    }
    if (enter_section(r, "SYMS", "SYMS")) {
        p->nsyms = get_count(r, 2, 65535, "enum values");
        p->syms = alloc(r, a, sizeof(uint16_t) * p->nsyms);
        for (uint32_t i = 0; p->syms && i < p->nsyms; i++)
            p->syms[i] = (uint16_t)get_u16(r);
        leave_section(r);
    }
    if (enter_section(r, "FACT", "FACT")) {
        /* 1.4 appended 'applies' to each record */
        uint32_t fact_bytes = 2 + 1 + 1 + 2 * 6 + 18 + 4 + 4 + 2 + 2 + (minor >= 4 ? 2 : 0);
        p->nfacts = get_count(r, 0, GDL_MAX_FACTS, "facts");
        p->ninputs = get_u32(r);
        p->ndep_bits = get_u32(r);
        p->in_scope_fact = (uint16_t)get_u16(r);
        p->red_flagged_fact = (uint16_t)get_u16(r);
        if (!r->failed && p->nfacts > (r->section_end - r->pos) / fact_bytes)
            fail(r, "truncated: %u facts do not fit", p->nfacts);
        p->facts = alloc(r, a, sizeof(GdlFact) * p->nfacts);
        for (uint32_t i = 0; !r->failed && i < p->nfacts; i++) {
            GdlFact *f = &p->facts[i];
            f->name = (uint16_t)get_u16(r);
            f->kind = (uint8_t)get_u8(r);
            f->type = (uint8_t)get_u8(r);
            f->dep_bit = (uint16_t)get_u16(r);
            f->sym_first = (uint16_t)get_u16(r);
            f->sym_count = (uint16_t)get_u16(r);
            f->unit = (uint16_t)get_u16(r);
            f->text_nl = (uint16_t)get_u16(r);
            f->text_en = (uint16_t)get_u16(r);
            get_range(r, &f->flags, &f->min, &f->max);
            f->len_min = get_u32(r);
            f->len_max = get_u32(r);
            f->section = (uint16_t)get_u16(r);
            f->override = (uint16_t)get_u16(r);
            f->applies = minor >= 4 ? (uint16_t)get_u16(r) : GDL_NONE;
        }
        leave_section(r);
    }
    if (enter_section(r, "PARM", "PARM")) {
        bool has_text = minor >= 3;     /* 1.3 appended the text of string parameters */
        p->nparams = get_count(r, 2 + 1 + 2 + 2 + 8 + 18 + (has_text ? 2 : 0), GDL_MAX_PARAMS, "parameters");
        p->params = alloc(r, a, sizeof(GdlParam) * p->nparams);
        for (uint32_t i = 0; !r->failed && i < p->nparams; i++) {
            GdlParam *pa = &p->params[i];
            pa->name = (uint16_t)get_u16(r);
            pa->type = (uint8_t)get_u8(r);
            pa->unit = (uint16_t)get_u16(r);
            pa->section = (uint16_t)get_u16(r);
            pa->value = get_f64(r);
            get_range(r, &pa->flags, &pa->min, &pa->max);
            pa->text = has_text ? (uint16_t)get_u16(r) : GDL_NONE;
        }
        leave_section(r);
    }
    if (enter_section(r, "OUTC", "OUTC")) {
        bool has_after_param = minor >= 5;  /* 1.5 appended the parameter of `after` */
        p->noutcomes = get_count(r, 6 + 16 + 4 + (has_after_param ? 2 : 0), 65535, "outcomes");
        p->outcomes = alloc(r, a, sizeof(GdlOutcome) * p->noutcomes);
        for (uint32_t i = 0; !r->failed && i < p->noutcomes; i++) {
            GdlOutcome *o = &p->outcomes[i];
            o->kind = (uint8_t)get_u8(r);
            o->action = (uint8_t)get_u8(r);
            o->strength = (uint8_t)get_u8(r);
            o->urgent = (uint8_t)get_u8(r);
            o->moments = (uint8_t)get_u8(r);
            o->after_unit = (uint8_t)get_u8(r);
            o->id = (uint16_t)get_u16(r);
            o->section = (uint16_t)get_u16(r);
            o->cluster = (uint16_t)get_u16(r);
            o->text_nl = (uint16_t)get_u16(r);
            o->text_en = (uint16_t)get_u16(r);
            o->dose = (uint16_t)get_u16(r);
            o->cond = (uint16_t)get_u16(r);
            o->from = (uint16_t)get_u16(r);
            o->after = get_u32(r);
            o->after_param = has_after_param ? (uint16_t)get_u16(r) : GDL_NONE;
        }
        if (minor >= 6 && !r->failed) {  /* 1.6 appended the texts in further languages */
            p->ntexts = get_count(r, 6, 65535, "texts");
            p->texts = alloc(r, a, sizeof(GdlText) * p->ntexts);
            for (uint32_t i = 0; !r->failed && i < p->ntexts; i++) {
                p->texts[i].outcome = (uint16_t)get_u16(r);
                p->texts[i].lang = (uint16_t)get_u16(r);
                p->texts[i].text = (uint16_t)get_u16(r);
            }
        }
        leave_section(r);
    }
    if (enter_section(r, "CODE", "CODE")) {
        p->max_stack = get_u32(r);
        p->ncode = get_count(r, 1, GDL_MAX_CODE, "code bytes");
        p->code = alloc(r, a, p->ncode);
        if (p->code && need(r, p->ncode)) {
            memcpy(p->code, data + r->pos, p->ncode);
            r->pos += p->ncode;
        }
        leave_section(r);
    }
    if (enter_section(r, "LINE", "LINE")) {
        p->nlines = get_count(r, 12, GDL_MAX_CODE, "line entries");
        p->lines = alloc(r, a, sizeof(GdlLine) * p->nlines);
        for (uint32_t i = 0; p->lines && i < p->nlines; i++) {
            p->lines[i].pc = get_u32(r);
            p->lines[i].line = get_u32(r);
            p->lines[i].file = (uint16_t)get_u16(r);
            p->lines[i].fact = (uint16_t)get_u16(r);
        }
        leave_section(r);
    }
    if (enter_section(r, "END\0", "END")) {
        leave_section(r);
        if (!r->failed && r->pos != len) {
            r->section = "END";
            fail(r, "%zu bytes after the END section", len - r->pos);
        }
    }
    if (r->failed)
        return -1;
    *out = p;
    return 0;
}
