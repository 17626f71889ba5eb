/* report_html.c - the clinician's report as one self-contained HTML file
 * for the patient record: `gdl run --format html`. Page 1 is the summary
 * (red flags in an alert block), the full report follows on the next page;
 * both are the report model (report_model.c) laid out with headings, lists
 * and tables with row headers. Inline CSS, no scripts, nothing external. */
#include "advice.h"

#include <string.h>

#include "report_model.h"

/* A4, printable, the summary alone on page 1 (break-after). */
static const char STYLE[] =
    "@page { size: A4; margin: 11mm 12mm; }\n"
    "html { font: 8.5pt/1.28 \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; color: #111; background: #fff; }\n"
    "body { margin: 0 auto; max-width: 62rem; padding: 1rem; }\n"
    "@media print { body { max-width: none; padding: 0; } }\n"
    "h1 { font-size: 12pt; margin: 0 0 .15rem; }\n"
    "h2 { font-size: 10pt; margin: .7rem 0 .2rem; border-bottom: 1px solid #999; }\n"
    "h3 { font-size: 9.5pt; margin: .7rem 0 .2rem; border-bottom: 1px solid #ccc; }\n"
    ".case { margin: 0 0 .4rem; color: #333; }\n"
    "ul { margin: 0; padding-left: 1.1rem; }\n"
    "li { margin: .05rem 0; }\n"
    "li.sub { list-style: none; margin-left: 1rem; color: #444; }\n"
    "table { border-collapse: collapse; width: 100%; }\n"
    "th, td { text-align: left; vertical-align: top; padding: .05rem .4rem .05rem 0; }\n"
    "th { font-weight: 600; white-space: nowrap; width: 1%; }\n"
    ".missing th, .undecided th, .measure th { white-space: normal; width: 11rem; }\n"
    "tr + tr > * { border-top: 1px solid #e4e4e4; }\n"
    ".alert { border: 2px solid #b00020; background: #fdecee; padding: .1rem .6rem .3rem; margin: .4rem 0;\n"
    "         -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    ".alert h2 { color: #b00020; border-color: #b00020; margin-top: .2rem; }\n"
    ".urgent { font-weight: 700; color: #8a0016; }\n"
    ".mark { font-weight: 700; }\n"
    ".summary { break-after: page; }\n"
    ".details > h2 { font-size: 11pt; border-bottom: 2px solid #333; }\n";

/* Text as HTML: the five special characters as entities; control
 * characters (from a case file) as '?', as in the text report. */
static void put_escaped(ByteBuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : (char)c);
        }
    }
}

/* The mark without its padding ("!!", "!", ">"), for the eye only. */
static void put_mark(ByteBuf *b, const char *mark)
{
    size_t from = strspn(mark, " "), n = strcspn(mark + from, " ");
    if (!n)
        return;
    buf_puts(b, "<span class=\"mark\" aria-hidden=\"true\">");
    buf_put(b, mark + from, n);
    buf_puts(b, "</span> ");
}

/* A section's rows: runs of keyed rows as a table (the key a row header),
 * the others as a list. */
static void put_rows(ByteBuf *b, const ReportRow *row)
{
    while (row) {
        bool table = row->key != NULL;
        buf_puts(b, table ? "<table>\n<tbody>\n" : "<ul>\n");
        for (; row && (row->key != NULL) == table; row = row->next) {
            const char *cls = row->urgent ? " class=\"urgent\"" : row->indent > 2 ? " class=\"sub\"" : "";
            if (table) {
                buf_printf(b, "<tr%s>\n<th scope=\"row\">", cls);
                put_escaped(b, row->key);
                buf_puts(b, "</th>\n<td>");
            } else {
                buf_printf(b, "<li%s>", cls);
            }
            put_mark(b, row->mark);
            put_escaped(b, row->text);
            buf_puts(b, table ? "</td>\n</tr>\n" : "</li>\n");
        }
        buf_puts(b, table ? "</tbody>\n</table>\n" : "</ul>\n");
    }
}

/* The sections of one model, headings at `level`, ids prefixed with `part`;
 * with alert_block the red flags and referrals form one alert block. */
static void put_sections(ByteBuf *b, const ReportModel *m, const char *part, int level, bool alert_block)
{
    bool alert = alert_block && (m->sections[SEC_RED_FLAGS].heading || m->sections[SEC_REFERRALS].heading);
    for (int s = 0; s < SEC__COUNT; s++) {
        const ReportSection *sec = &m->sections[s];
        if (alert && s == SEC_RED_FLAGS)
            buf_puts(b, "<div class=\"alert\" role=\"alert\">\n");
        if (sec->heading) {
            const char *cls = REPORT_SECTION_CLASS[s];
            buf_printf(b, "<section class=\"%s\" aria-labelledby=\"%s-%s\">\n<h%d id=\"%s-%s\">", cls, part, cls, level,
                       part, cls);
            put_escaped(b, sec->heading);
            buf_printf(b, "</h%d>\n", level);
            put_rows(b, sec->first);
            buf_puts(b, "</section>\n");
        }
        if (alert && s == SEC_REFERRALS)
            buf_puts(b, "</div>\n");
    }
}

void gdl_report_html(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out)
{
    bool en = gdl_labels_en(opt->lang);    /* the page's words; its lang attribute says so */
    ReportModel summary, full;
    report_model_build(&summary, vm, errs, opt->lang, false, opt->ids);
    report_model_build(&full, vm, errs, opt->lang, true, opt->ids);
    if (summary.failed || full.failed) {
        out->failed = 1;
    } else {
        buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n", en ? "en" : "nl");
        buf_puts(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        put_escaped(out, summary.title_line);
        buf_puts(out, " — ");
        put_escaped(out, summary.case_line);
        buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", STYLE);
        buf_puts(out, "<article class=\"summary\" aria-labelledby=\"title\">\n<header>\n<h1 id=\"title\">");
        put_escaped(out, summary.title_line);
        buf_puts(out, "</h1>\n<p class=\"case\">");
        put_escaped(out, summary.case_line);
        buf_puts(out, "</p>\n</header>\n");
        put_sections(out, &summary, "summary", 2, true);
        buf_puts(out, "</article>\n");
        if (!(errs && errs->count)) {   /* a case that did not load has no more to show */
            buf_puts(out, "<article class=\"details\" aria-labelledby=\"details\">\n<h2 id=\"details\">");
            put_escaped(out, report_word(&full, "Volledig overzicht", "Full report"));
            buf_puts(out, "</h2>\n");
            put_sections(out, &full, "details", 3, false);
            buf_puts(out, "</article>\n");
        }
        buf_puts(out, "</main>\n</body>\n</html>\n");
    }
    report_model_free(&summary);
    report_model_free(&full);
}
