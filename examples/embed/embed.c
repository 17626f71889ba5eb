/* embed.c - GDL inside another program, through <gdl.h> alone: loads a
 * guideline (.gdl or .gdlb), evaluates one case file and prints the advice
 * as `gdl run GUIDELINE CASE.json` does. Build against an installed GDL:
 *     cc embed.c $(pkg-config --cflags --libs gdl) -o embed */
#include <gdl.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: embed GUIDELINE CASE.json\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    static char text[1 << 20];      /* gdl run's limit for a case file */
    size_t len = f ? fread(text, 1, sizeof text, f) : 0;
    if (!f || ferror(f) || len == sizeof text) {
        fprintf(stderr, "embed: cannot read %s\n", argv[2]);
        return 3;
    }
    fclose(f);
    gdl_program *prog;
    int rc = gdl_load_file(argv[1], NULL, &prog);
    gdl_evaluator *ev = NULL;
    if (rc == GDL_OK)
        rc = gdl_evaluator_new(prog, &ev);
    const char *advice = NULL;
    size_t advice_len = 0;
    if (rc == GDL_OK)
        rc = gdl_evaluate(ev, text, len, GDL_FORMAT_JSON, "nl", &advice, &advice_len);
    if (advice)     /* an invalid case still has a result: status "error" */
        fwrite(advice, 1, advice_len, stdout);
    else
        fprintf(stderr, "%s\n", ev ? gdl_evaluator_error(ev) : prog ? gdl_program_error(prog) : "out of memory");
    gdl_evaluator_free(ev);
    gdl_program_free(prog);
    return rc == GDL_ERR_NOMEM ? 3 : rc;
}
