/* report_cds.c - the result as a CDS Hooks 2.0 service response for an EHR:
 * `gdl run --format cds-hooks` (docs/cds-hooks.md). One card per red flag
 * and per referral, one for the treatment advice; each card's detail is the
 * report model (report_model.c) written as Markdown. Card uuids are
 * name-based (sha1.c), so the same case gives the same bytes. */
#include "advice.h"

#include <stdio.h>
#include <string.h>

#include "report_model.h"
#include "sha1.h"

/* The CDS spec asks for a summary under 140 characters; so many fit a
 * source label's list of sections before it ends in "…". */
enum { CARD_SUMMARY_MAX = 139, LABEL_SECTIONS_MAX = 6 };

/* The namespace of the cards' uuids: UUIDv5 of "urn:gdl:cds-hooks:card" in
 * RFC 9562's URL namespace (01b45f17-27e6-54c8-8376-ba0afeede1bb). */
static const uint8_t CARD_NAMESPACE[UUID_BYTES] = { 0x01, 0xb4, 0x5f, 0x17, 0x27, 0xe6, 0x54, 0xc8,
                                                    0x83, 0x76, 0xba, 0x0a, 0xfe, 0xed, 0xe1, 0xbb };

/* Characters Markdown could read as markup, escaped with '\'. */
static const char MARKDOWN_SPECIAL[] = "\\`*_[]<>#|~!&";

/* Text as Markdown inline content: markup characters escaped, a leading
 * '+' or '-' (a list) and a number's '.' or ')' (an ordered list) too. */
static void put_md(ByteBuf *b, const char *s)
{
    const char *digits_end = s + strspn(s, "0123456789");
    for (const char *c = s; *c; c++) {
        bool list_start = c == s && (*c == '+' || *c == '-');
        bool ordered = c == digits_end && c > s && (*c == '.' || *c == ')');
        if (list_start || ordered || strchr(MARKDOWN_SPECIAL, *c))
            buf_putc(b, '\\');
        buf_putc(b, *c);
    }
}

/* Rows as a Markdown list: keyed rows "- **key** text". */
static void put_md_rows(ByteBuf *b, const ReportRow *row)
{
    for (; row; row = row->next) {
        buf_puts(b, row->indent > 2 ? "  - " : "- ");
        if (row->key) {
            buf_puts(b, "**");
            put_md(b, row->key);
            buf_puts(b, "** ");
        }
        put_md(b, row->text);
        buf_putc(b, '\n');
    }
}

/* The sections [from, to] of m: a bold heading, then the rows. */
static void put_md_sections(ByteBuf *b, const ReportModel *m, ReportSectionKind from, ReportSectionKind to)
{
    for (int s = from; s <= (int)to; s++) {
        if (!m->sections[s].heading)
            continue;
        buf_puts(b, b->len ? "\n**" : "**");
        put_md(b, m->sections[s].heading);
        buf_puts(b, "**\n");
        if (m->sections[s].first)
            buf_putc(b, '\n');
        put_md_rows(b, m->sections[s].first);
    }
}

/* text as a JSON string, cut to CARD_SUMMARY_MAX characters when longer:
 * at the last word that leaves room for " …". */
static void put_summary(ByteBuf *b, const char *text)
{
    size_t len = strlen(text), chars = 0, space = 0, hard = 0;     /* prefixes of at most MAX - 2 characters */
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (chars <= CARD_SUMMARY_MAX - 2 && text[i] == ' ')
            space = i;
        if (chars == CARD_SUMMARY_MAX - 2)
            hard = i;
        chars++;
    }
    if (chars <= CARD_SUMMARY_MAX) {
        buf_json_string(b, text, len);
        return;
    }
    ByteBuf s = { .mem = b->mem };
    buf_put(&s, text, space ? space : hard);
    buf_puts(&s, " …");
    buf_json_string(b, s.failed ? "" : (const char *)s.data, s.failed ? 0 : s.len);
    b->failed |= s.failed;
    buf_free(&s);
}

/* The card's uuid: UUIDv5 of case id, guideline id and version, outcome
 * kind and id, and how many cards of that kind and id came before it (a
 * guideline may give two rules one id), NUL-separated. */
static void put_uuid(ByteBuf *b, const ReportModel *m, const char *kind, const char *id, uint32_t repeat)
{
    char nth[12];
    snprintf(nth, sizeof nth, "%u", repeat);
    const char *parts[] = { m->case_id, m->guideline_id, m->guideline_version, kind, id, nth };
    Sha1 s;
    sha1_init(&s);
    sha1_update(&s, CARD_NAMESPACE, sizeof CARD_NAMESPACE);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        sha1_update(&s, parts[i], strlen(parts[i]) + (i + 1 < sizeof parts / sizeof parts[0]));
    uint8_t digest[SHA1_DIGEST_BYTES];
    sha1_final(&s, digest);
    char uuid[UUID_TEXT_CHARS + 1];
    sha1_uuid5_format(digest, uuid);
    buf_printf(b, "\"%s\"", uuid);
}

/* One card; detail is Markdown; sections (NULL-terminated, may be empty)
 * name where in the guideline it comes from. */
static void put_card(ByteBuf *b, const ReportModel *m, bool first, const char *kind, const char *id, uint32_t repeat,
                     const char *summary,
                     const ByteBuf *detail, const char *indicator, const char *const *sections)
{
    buf_puts(b, first ? "{\"uuid\": " : ", {\"uuid\": ");
    put_uuid(b, m, kind, id, repeat);
    buf_puts(b, ", \"summary\": ");
    put_summary(b, summary);
    buf_puts(b, ", \"detail\": ");
    buf_json_string(b, detail->failed ? "" : (const char *)detail->data, detail->failed ? 0 : detail->len);
    buf_printf(b, ", \"indicator\": \"%s\", \"source\": {\"label\": ", indicator);
    ByteBuf label = { .mem = b->mem };
    buf_printf(&label, "%s %s", m->guideline_title, m->guideline_version);
    for (int i = 0; sections[i]; i++)
        buf_printf(&label, i == LABEL_SECTIONS_MAX ? ", …" : i > LABEL_SECTIONS_MAX ? "" : ", %s", sections[i]);
    buf_json_string(b, label.failed ? "" : (const char *)label.data, label.failed ? 0 : label.len);
    b->failed |= label.failed | detail->failed;
    buf_free(&label);
    buf_puts(b, "}}");
}

/* A card for each red flag and referral: urgent ones critical. */
static void put_outcome_cards(ByteBuf *b, const ReportModel *m, ReportSectionKind sec, const char *kind)
{
    for (const ReportRow *row = m->sections[sec].first; row; row = row->next) {
        ByteBuf detail = { .mem = b->mem };
        put_md(&detail, row->text);
        buf_putc(&detail, '\n');
        const char *sections[] = { row->section, NULL };
        uint32_t repeat = 0;
        for (const ReportRow *before = m->sections[sec].first; before != row; before = before->next)
            repeat += strcmp(before->outcome_id, row->outcome_id) == 0;
        bool first = row == m->sections[sec].first && (sec == SEC_RED_FLAGS || !m->sections[SEC_RED_FLAGS].first);
        put_card(b, m, first, kind, row->outcome_id, repeat, row->text, &detail, row->urgent ? "critical" : "warning",
                 sections);
        buf_free(&detail);
    }
}

/* The card of the treatment advice: in scope or not, how many items to do
 * and not to do; the detail is the report from the scope on, in full. */
static void put_treatment_card(ByteBuf *b, const ReportModel *m)
{
    ByteBuf summary = { .mem = b->mem }, detail = { .mem = b->mem };
    buf_puts(&summary, m->sections[SEC_SCOPE].heading);
    for (int s = SEC_TODO; s <= SEC_DONOT; s++)
        if (m->sections[s].heading)
            buf_printf(&summary, " · %s: %u", m->sections[s].heading, m->sections[s].nrows);
    buf_putc(&summary, '\0');
    put_md_sections(&detail, m, SEC_SCOPE, SEC_UNDECIDED);
    /* The sections of the advice, each once, in the order of the report. */
    const char *sections[LABEL_SECTIONS_MAX + 2] = { NULL };
    int n = 0;
    for (int s = SEC_TODO; s <= SEC_DONOT; s++)
        for (const ReportRow *row = m->sections[s].first; row && n <= LABEL_SECTIONS_MAX; row = row->next) {
            bool seen = row->section == NULL;
            for (int i = 0; i < n && !seen; i++)
                seen = strcmp(sections[i], row->section) == 0;
            if (!seen)
                sections[n++] = row->section;
        }
    if (summary.failed)
        b->failed = 1;
    else
        put_card(b, m, !m->sections[SEC_RED_FLAGS].first && !m->sections[SEC_REFERRALS].first, "advice", "treatment", 0,
                 (const char *)summary.data, &detail, "info", sections);
    buf_free(&summary);
    buf_free(&detail);
}

static void put_error_card(ByteBuf *b, const ReportModel *m)
{
    ByteBuf detail = { .mem = b->mem };
    put_md_rows(&detail, m->sections[SEC_ERRORS].first);
    const char *heading = m->sections[SEC_ERRORS].heading;
    ByteBuf summary = { .mem = b->mem };
    buf_put(&summary, heading, strlen(heading) - (heading[strlen(heading) - 1] == ':'));
    buf_putc(&summary, '\0');
    const char *none[] = { NULL };
    if (summary.failed)
        b->failed = 1;
    else
        put_card(b, m, true, "error", "case", 0, (const char *)summary.data, &detail, "warning", none);
    buf_free(&summary);
    buf_free(&detail);
}

void gdl_report_cds(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out)
{
    ReportModel m;
    report_model_build(&m, vm, errs, opt->lang, true, opt->ids);
    if (m.failed) {
        out->failed = 1;
    } else {
        buf_puts(out, "{\"cards\": [");
        if (m.sections[SEC_ERRORS].heading) {
            put_error_card(out, &m);
        } else {
            put_outcome_cards(out, &m, SEC_RED_FLAGS, "red_flag");
            put_outcome_cards(out, &m, SEC_REFERRALS, "referral");
            put_treatment_card(out, &m);
        }
        buf_puts(out, "]}\n");
    }
    report_model_free(&m);
}
