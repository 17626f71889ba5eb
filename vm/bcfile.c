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

/* ---- records ---------------------------------------------------------- */

/* The fields of each record, in file order: the one table that both
 * gdlb_write and gdlb_read walk, so the two cannot drift. A field's width in
 * the file is its member's size (1, 2 or 4: unsigned little-endian; 8: an
 * IEEE double). A field appended in minor version `since` is absent from
 * older files and reads as all ones bits: GDL_NONE, as all such fields so far
 * are u16 indices. */
typedef struct {
    uint16_t at;        /* offsetof the member */
    uint8_t size;       /* sizeof the member: its width in the file */
    uint8_t since;      /* format minor version that added it */
} RecordField;

#define FIELD(type, member, since) { offsetof(type, member), sizeof(((type *)0)->member), since }

static const RecordField FACT_FIELDS[] = {
    FIELD(GdlFact, name, 0),    FIELD(GdlFact, kind, 0),      FIELD(GdlFact, type, 0),
    FIELD(GdlFact, dep_bit, 0), FIELD(GdlFact, sym_first, 0), FIELD(GdlFact, sym_count, 0),
    FIELD(GdlFact, unit, 0),    FIELD(GdlFact, text_nl, 0),   FIELD(GdlFact, text_en, 0),
    FIELD(GdlFact, flags, 0),   FIELD(GdlFact, min, 0),       FIELD(GdlFact, max, 0),
    FIELD(GdlFact, len_min, 0), FIELD(GdlFact, len_max, 0),   FIELD(GdlFact, section, 0),
    FIELD(GdlFact, override, 0), FIELD(GdlFact, applies, 4),
};
static const RecordField PARAM_FIELDS[] = {
    FIELD(GdlParam, name, 0),  FIELD(GdlParam, type, 0), FIELD(GdlParam, unit, 0),
    FIELD(GdlParam, section, 0), FIELD(GdlParam, value, 0), FIELD(GdlParam, flags, 0),
    FIELD(GdlParam, min, 0),   FIELD(GdlParam, max, 0),  FIELD(GdlParam, text, 3),
};
static const RecordField OUTCOME_FIELDS[] = {
    FIELD(GdlOutcome, kind, 0),    FIELD(GdlOutcome, action, 0),  FIELD(GdlOutcome, strength, 0),
    FIELD(GdlOutcome, urgent, 0),  FIELD(GdlOutcome, moments, 0), FIELD(GdlOutcome, after_unit, 0),
    FIELD(GdlOutcome, id, 0),      FIELD(GdlOutcome, section, 0), FIELD(GdlOutcome, cluster, 0),
    FIELD(GdlOutcome, text_nl, 0), FIELD(GdlOutcome, text_en, 0), FIELD(GdlOutcome, dose, 0),
    FIELD(GdlOutcome, cond, 0),    FIELD(GdlOutcome, from, 0),    FIELD(GdlOutcome, after, 0),
    FIELD(GdlOutcome, after_param, 5),
};
/* OUTC ends with the counted advice texts in further languages (since 1.6). */
static const RecordField TEXT_FIELDS[] = {
    FIELD(GdlText, outcome, 6), FIELD(GdlText, lang, 6), FIELD(GdlText, text, 6),
};
static const RecordField LINE_FIELDS[] = {
    FIELD(GdlLine, pc, 0), FIELD(GdlLine, line, 0), FIELD(GdlLine, file, 0), FIELD(GdlLine, fact, 0),
};
/* META opens with these, then the source file, then the counted sources. */
static const RecordField META_FIELDS[] = {
#define X(member, name) FIELD(GdlMeta, member, 0),
#include "meta_fields.def"
#undef X
};
#undef FIELD

#define RECORD(fields) fields, sizeof fields / sizeof fields[0]

/* The bytes of one record in a file of this minor version. */
static size_t record_size(const RecordField *fields, size_t n, uint32_t minor)
{
    size_t size = 0;
    for (size_t i = 0; i < n; i++)
        size += fields[i].since <= minor ? fields[i].size : 0;
    return size;
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

static void put_record(ByteBuf *b, const RecordField *fields, size_t n, const void *record)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *at = (const unsigned char *)record + fields[i].at;
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        double f64;
        switch (fields[i].size) {
        case 1: memcpy(&u8, at, 1); put_u8(b, u8); break;
        case 2: memcpy(&u16, at, 2); put_u16(b, u16); break;
        case 4: memcpy(&u32, at, 4); put_u32(b, u32); break;
        default: memcpy(&f64, at, 8); put_f64(b, f64); break;
        }
    }
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
    put_record(b, RECORD(META_FIELDS), m);
    put_u16(b, p->source_file);
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
    for (uint32_t i = 0; i < p->nfacts; i++)
        put_record(b, RECORD(FACT_FIELDS), &p->facts[i]);
    section_end(b, s);

    s = section_begin(b, "PARM");
    put_u32(b, p->nparams);
    for (uint32_t i = 0; i < p->nparams; i++)
        put_record(b, RECORD(PARAM_FIELDS), &p->params[i]);
    section_end(b, s);

    s = section_begin(b, "OUTC");
    put_u32(b, p->noutcomes);
    for (uint32_t i = 0; i < p->noutcomes; i++)
        put_record(b, RECORD(OUTCOME_FIELDS), &p->outcomes[i]);
    put_u32(b, p->ntexts);              /* 1.6 */
    for (uint32_t i = 0; i < p->ntexts; i++)
        put_record(b, RECORD(TEXT_FIELDS), &p->texts[i]);
    section_end(b, s);

    s = section_begin(b, "CODE");
    put_u32(b, p->max_stack);
    put_u32(b, p->ncode);
    put(b, p->code, p->ncode);
    section_end(b, s);

    s = section_begin(b, "LINE");
    put_u32(b, p->nlines);
    for (uint32_t i = 0; i < p->nlines; i++)
        put_record(b, RECORD(LINE_FIELDS), &p->lines[i]);
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

/* One record of a file of this minor version; a field it predates reads as
 * GDL_NONE (RecordField). */
static void get_record(Reader *r, const RecordField *fields, size_t n, uint32_t minor, void *record)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char *at = (unsigned char *)record + fields[i].at;
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        double f64;
        if (fields[i].since > minor) {
            memset(at, 0xFF, fields[i].size);   /* all ones: GDL_NONE for a u16 */
            continue;
        }
        switch (fields[i].size) {
        case 1: u8 = (uint8_t)get_u8(r); memcpy(at, &u8, 1); break;
        case 2: u16 = (uint16_t)get_u16(r); memcpy(at, &u16, 2); break;
        case 4: u32 = get_u32(r); memcpy(at, &u32, 4); break;
        default: f64 = get_f64(r); memcpy(at, &f64, 8); break;
        }
    }
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
        get_record(r, RECORD(META_FIELDS), minor, m);
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
        size_t fact_bytes = record_size(RECORD(FACT_FIELDS), minor);
        p->nfacts = get_count(r, 0, GDL_MAX_FACTS, "facts");
        p->ninputs = get_u32(r);
        p->ndep_bits = get_u32(r);
        p->in_scope_fact = (uint16_t)get_u16(r);
        p->red_flagged_fact = (uint16_t)get_u16(r);
        if (!r->failed && p->nfacts > (r->section_end - r->pos) / fact_bytes)
            fail(r, "truncated: %u facts do not fit", p->nfacts);
        p->facts = alloc(r, a, sizeof(GdlFact) * p->nfacts);
        for (uint32_t i = 0; !r->failed && i < p->nfacts; i++)
            get_record(r, RECORD(FACT_FIELDS), minor, &p->facts[i]);
        leave_section(r);
    }
    if (enter_section(r, "PARM", "PARM")) {
        p->nparams = get_count(r, record_size(RECORD(PARAM_FIELDS), minor), GDL_MAX_PARAMS, "parameters");
        p->params = alloc(r, a, sizeof(GdlParam) * p->nparams);
        for (uint32_t i = 0; !r->failed && i < p->nparams; i++)
            get_record(r, RECORD(PARAM_FIELDS), minor, &p->params[i]);
        leave_section(r);
    }
    if (enter_section(r, "OUTC", "OUTC")) {
        p->noutcomes = get_count(r, record_size(RECORD(OUTCOME_FIELDS), minor), 65535, "outcomes");
        p->outcomes = alloc(r, a, sizeof(GdlOutcome) * p->noutcomes);
        for (uint32_t i = 0; !r->failed && i < p->noutcomes; i++)
            get_record(r, RECORD(OUTCOME_FIELDS), minor, &p->outcomes[i]);
        if (minor >= 6 && !r->failed) {  /* 1.6 appended the texts in further languages */
            p->ntexts = get_count(r, record_size(RECORD(TEXT_FIELDS), minor), 65535, "texts");
            p->texts = alloc(r, a, sizeof(GdlText) * p->ntexts);
            for (uint32_t i = 0; !r->failed && i < p->ntexts; i++)
                get_record(r, RECORD(TEXT_FIELDS), minor, &p->texts[i]);
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
        p->nlines = get_count(r, record_size(RECORD(LINE_FIELDS), minor), GDL_MAX_CODE, "line entries");
        p->lines = alloc(r, a, sizeof(GdlLine) * p->nlines);
        for (uint32_t i = 0; p->lines && i < p->nlines; i++)
            get_record(r, RECORD(LINE_FIELDS), minor, &p->lines[i]);
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
