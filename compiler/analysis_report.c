/* analysis_report.c - gdl verify's findings as text (GCC style, with the
 * source line, a caret and the counterexample under each finding), as JSON
 * (the contract of issue 10) and as SARIF 2.1.0. */
#include "analysis.h"

#include <string.h>

#include "buf.h"

void report_text(const Findings *f, uint32_t from, const SourceSet *sources, FILE *out)
{
    Diag d;
    diag_init(&d, sources, out);
    for (uint32_t i = from; i < f->count; i++) {
        const Finding *x = &f->items[i];
        diag_report(&d, x->level, x->span, "%s [%s]", x->message, FINDING_WORD[x->kind]);
        for (uint32_t k = 0; k < x->nrelated; k++)
            fprintf(out, "%s:%u: note: with %s\n", x->related[k].file, x->related[k].line, x->related[k].rule);
        if (x->counterexample)
            fprintf(out, "    counterexample: %s\n", x->counterexample);
    }
}

static const char *const LEVEL[] = { "note", "warning", "error" };   /* by Severity */

static void put_str(ByteBuf *b, const char *s)
{
    buf_json_string(b, s, strlen(s));
}

void report_json(const Findings *f, const char *const *files, uint32_t nfiles, double seconds, bool timing, FILE *out)
{
    ByteBuf b = { 0 };
    buf_puts(&b, "{\"files\": [");
    for (uint32_t i = 0; i < nfiles; i++) {
        buf_puts(&b, i ? ", " : "");
        put_str(&b, files[i]);
    }
    buf_puts(&b, "],\n \"findings\": [");
    for (uint32_t i = 0; i < f->count; i++) {
        const Finding *x = &f->items[i];
        buf_puts(&b, i ? ",\n  " : "\n  ");
        buf_puts(&b, "{\"kind\": ");
        put_str(&b, FINDING_WORD[x->kind]);
        buf_printf(&b, ", \"level\": \"%s\", \"file\": ", LEVEL[x->level]);
        put_str(&b, x->file);
        buf_printf(&b, ", \"line\": %u, \"col\": %u, \"rule\": ", x->line, x->col);
        put_str(&b, x->rule);
        buf_puts(&b, ", \"related\": [");
        for (uint32_t k = 0; k < x->nrelated; k++) {
            buf_puts(&b, k ? ", {\"rule\": " : "{\"rule\": ");
            put_str(&b, x->related[k].rule);
            buf_puts(&b, ", \"file\": ");
            put_str(&b, x->related[k].file);
            buf_printf(&b, ", \"line\": %u}", x->related[k].line);
        }
        buf_puts(&b, "], \"message\": ");
        put_str(&b, x->message);
        buf_puts(&b, ", \"counterexample\": ");
        buf_puts(&b, x->counterexample ? x->counterexample : "null");
        buf_putc(&b, '}');
    }
    buf_printf(&b, "%s],\n \"summary\": {\"errors\": %u, \"warnings\": %u, \"properties_proved\": %u, "
               "\"properties_violated\": %u, \"seconds\": ", f->count ? "\n " : "", f->errors, f->warnings, f->proved,
               f->violated);
    if (timing)
        buf_printf(&b, "%.3f", seconds);
    else
        buf_puts(&b, "null");
    buf_puts(&b, "}}\n");
    fwrite(b.data, 1, b.len, out);
    buf_free(&b);
}

void report_sarif(const Findings *f, FILE *out)
{
    ByteBuf b = { 0 };
    buf_puts(&b, "{\"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\", \"version\": \"2.1.0\",\n"
                 " \"runs\": [{\"tool\": {\"driver\": {\"name\": \"gdl\", \"rules\": [");
    for (int k = 0; k < FINDING__COUNT; k++) {
        buf_puts(&b, k ? ",\n   " : "\n   ");
        buf_puts(&b, "{\"id\": ");
        put_str(&b, FINDING_WORD[k]);
        buf_puts(&b, ", \"shortDescription\": {\"text\": ");
        put_str(&b, FINDING_DOC[k]);
        buf_printf(&b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}", LEVEL[FINDING_LEVEL[k]]);
    }
    buf_puts(&b, "]}},\n  \"results\": [");
    for (uint32_t i = 0; i < f->count; i++) {
        const Finding *x = &f->items[i];
        buf_puts(&b, i ? ",\n   " : "\n   ");
        buf_puts(&b, "{\"ruleId\": ");
        put_str(&b, FINDING_WORD[x->kind]);
        buf_printf(&b, ", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ", (int)x->kind,
                   LEVEL[x->level]);
        ByteBuf msg = { 0 };
        buf_puts(&msg, x->message);
        if (x->kind != FINDING_COMPILE)
            buf_printf(&msg, " (%s)", x->rule);
        if (x->counterexample)
            buf_printf(&msg, "; counterexample: %s", x->counterexample);
        buf_json_string(&b, (const char *)msg.data, msg.len);
        buf_free(&msg);
        buf_puts(&b, "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
        put_str(&b, x->file);
        if (x->line)
            buf_printf(&b, "}, \"region\": {\"startLine\": %u, \"startColumn\": %u}}}]", x->line, x->col);
        else
            buf_puts(&b, "}}}]");
        if (x->counterexample) {
            buf_puts(&b, ", \"properties\": {\"counterexample\": ");
            buf_puts(&b, x->counterexample);
            buf_putc(&b, '}');
        }
        buf_putc(&b, '}');
    }
    buf_puts(&b, f->count ? "\n  ]}]}\n" : "]}]}\n");
    fwrite(b.data, 1, b.len, out);
    buf_free(&b);
}
