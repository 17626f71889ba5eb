/* report_text.c - the clinician's report as text: `gdl run --format text`.
 * Lays out the report model (report_model.c decides what is shown, in which
 * order and words): a heading per section after a blank line, one line per
 * row, long rows of names wrapped at WRAP_WIDTH columns. */
#include "advice.h"

#include <string.h>

#include "report_model.h"

enum { WRAP_WIDTH = 100 };  /* columns of a wrapped row, continuation included */

/* Writes text (len bytes) wrapped at WRAP_WIDTH columns: the first line
 * after `first`, the others after `next`. Columns count UTF-8 characters. */
static void put_wrapped(ByteBuf *b, const char *text, size_t len, const char *first, const char *next)
{
    buf_puts(b, first);
    size_t col = strlen(first), i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] == ' ')
            j++;
        size_t k = j, width = 0;
        while (k < len && text[k] != ' ') {
            width += ((unsigned char)text[k] & 0xC0) != 0x80;
            k++;
        }
        if (col > strlen(next) && col + (j - i) + width > WRAP_WIDTH) {
            buf_putc(b, '\n');
            buf_puts(b, next);
            col = strlen(next);
        } else {
            buf_put(b, text + i, j - i);
            col += j - i;
        }
        buf_put(b, text + j, k - j);
        col += width;
        i = k;
    }
    buf_putc(b, '\n');
}

static void put_row(ByteBuf *b, const ReportRow *row)
{
    ByteBuf lead = { .mem = b->mem };   /* indent, mark, key: what the row's first line starts with */
    for (uint8_t i = 0; i < row->indent; i++)
        buf_putc(&lead, ' ');
    buf_puts(&lead, row->mark);
    if (row->key) {
        buf_puts(&lead, row->key);
        buf_puts(&lead, row->key_sep);
    }
    buf_putc(&lead, '\0');
    if (lead.failed) {
        b->failed = 1;
    } else if (row->wrap) {
        put_wrapped(b, row->text, strlen(row->text), (const char *)lead.data, "    ");
    } else {
        buf_puts(b, (const char *)lead.data);
        buf_puts(b, row->text);
        buf_putc(b, '\n');
    }
    buf_free(&lead);
}

void gdl_report_text(const GdlVm *vm, const GdlCaseErrors *errs, const AdviceOptions *opt, ByteBuf *out)
{
    ReportModel m;
    report_model_build(&m, vm, errs, opt->lang, opt->detail_full, opt->ids);
    if (m.failed) {
        out->failed = 1;
        report_model_free(&m);
        return;
    }
    buf_printf(out, "%s\n%s\n", m.title_line, m.case_line);
    for (int s = 0; s < SEC__COUNT; s++) {
        if (!m.sections[s].heading)
            continue;
        buf_printf(out, "\n%s\n", m.sections[s].heading);
        for (const ReportRow *row = m.sections[s].first; row; row = row->next)
            put_row(out, row);
    }
    report_model_free(&m);
}
