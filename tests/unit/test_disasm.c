/* test_disasm.c - CUnit tests for the disassembler (vm/disasm.c): the
 * listing of the hand-made program from test_verify.c, compared whole, and
 * how string constants are quoted and cut. Listings go to open_memstream. */
#include <CUnit/CUnit.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"
#include "program.h"
#include "verify.h"
#include "unit.h"

void test_disasm_register(void);
/* From test_verify.c: the hand-made program (verified there) and its release. */
GdlProgram *test_verify_program_new(void);
void test_verify_program_free(GdlProgram *p);

static const char EXPECTED[] =
    "guideline test-guideline version 1.0\n"
    "strings 25  numbers 3  facts 11 (inputs 4)  params 1  outcomes 2\n"
    "code 91 bytes  max stack 4\n"
    "\n"
    "code:\n"
    "fact 4 define older <test.gdl:10> (4 instructions)\n"
    "  0000  [10]  LOAD_FACT         0       ; age\n"
    "  0003    |   LOAD_PARAM        0       ; max_age\n"
    "  0006    |   GE\n"
    "  0007    |   STORE_FACT        4       ; older\n"
    "fact 5 define score_hi <test.gdl:12> (8 instructions)\n"
    "  000a  [12]  PUSH_NUM          0       ; 1\n"
    "  000d    |   LOAD_FACT         4       ; older\n"
    "  0010    |   LOAD_FACT         2       ; scores\n"
    "  0013    |   SUM_ITEMS         1 3     ; items 1..3\n"
    "  0016    |   PUSH_NUM          1       ; 3\n"
    "  0019    |   GE\n"
    "  001a    |   AT_LEAST          2\n"
    "  001c    |   STORE_FACT        5       ; score_hi\n"
    "fact 6 classify pain_class <test.gdl:14> (7 instructions)\n"
    "  001f  [15]  LOAD_FACT         1       ; pain\n"
    "  0022    |   PUSH_NUM          0       ; 1\n"
    "  0025    |   EQ\n"
    "  0026    |   CLASSIFY_ROW      49 0    ; to 0031, value 1\n"
    "  002b  [16]  PUSH_NUM          2       ; 0\n"
    "  002e    |   JUMP              49      ; to 0031\n"
    "  0031    |   STORE_FACT        6       ; pain_class\n"
    "fact 7 builtin in_scope <test.gdl:20> (3 instructions)\n"
    "  0034  [20]  LOAD_FACT         4       ; older\n"
    "  0037    |   NOT\n"
    "  0038    |   STORE_FACT        7       ; in_scope\n"
    "fact 8 outcome exclusion:too_old <test.gdl:22> (6 instructions)\n"
    "  003b  [22]  LOAD_FACT         4       ; older\n"
    "  003e    |   LOAD_FACT         7       ; in_scope\n"
    "  0041    |   COUNT             2\n"
    "  0043    |   PUSH_NUM          0       ; 1\n"
    "  0046    |   GE\n"
    "  0047    |   STORE_FACT        8       ; exclusion:too_old\n"
    "fact 9 outcome schedule:recheck <test.gdl:25> (4 instructions)\n"
    "  004a  [25]  PUSH_STR          23      ; \"a string constant that is longer than fo...\"\n"
    "  004d    |   PUSH_STR          16      ; \"too_old\"\n"
    "  0050    |   STR_EQ\n"
    "  0051    |   STORE_FACT        9       ; schedule:recheck\n"
    "fact 10 date schedule-start:recheck <test.gdl:25> (2 instructions)\n"
    "  0054  [25]  LOAD_FACT         3       ; start_on\n"
    "  0057    |   STORE_FACT        10      ; schedule-start:recheck\n"
    "end\n"
    "  005a        HALT\n"
    "\n"
    "outcomes:\n"
    "  #   kind         id                      section   condition\n"
    "  0   exclusion    too_old                 2.1       fact 8 exclusion:too_old\n"
    "  1   schedule     recheck                 2.1       fact 9 schedule:recheck\n";

/* The listing of p as a malloc'd string (NULL when memory runs out). */
static char *listing(const GdlProgram *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    gdl_disasm(p, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static bool same_text(const char *got, const char *want)
{
    if (got && strcmp(got, want) == 0)
        return true;
    fprintf(stderr, "\n--- want\n%s--- got\n%s---\n", want, got ? got : "(null)");
    return false;
}

/* The line of the listing that starts with prefix, copied into buf ("" if none). */
static const char *line_starting(const char *text, const char *prefix, char *buf, size_t len)
{
    size_t pl = strlen(prefix);
    buf[0] = '\0';
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, prefix, pl) == 0) {
            const char *nl = strchr(l, '\n');
            size_t n = nl ? (size_t)(nl - l) : strlen(l);
            if (n >= len)
                n = len - 1;
            memcpy(buf, l, n);
            buf[n] = '\0';
            break;
        }
    }
    return buf;
}

static void test_listing(void)
{
    GdlProgram *p = test_verify_program_new();
    CU_ASSERT_FATAL(p != NULL);
    char err[256];
    CU_ASSERT_FATAL(gdl_verify(p, err, sizeof err) == 0);
    char *text = listing(p);
    CU_ASSERT(same_text(text, EXPECTED));
    /* The same program always lists the same way. */
    char *again = listing(p);
    CU_ASSERT(text && again && strcmp(text, again) == 0);
    free(again);
    free(text);
    test_verify_program_free(p);
}

static void test_string_quoting(void)
{
    GdlProgram *p = test_verify_program_new();
    CU_ASSERT_FATAL(p != NULL);
    static const char odd[] = "say \"hi\"\\\n\tnow\x01";
    /* 39 ASCII bytes, then a two-byte UTF-8 letter across the 40-byte cut. */
    static const char utf8[] = "123456789012345678901234567890123456789\xc3\xa9xyz";
    p->strings[16] = odd;
    p->string_lens[16] = (uint32_t)strlen(odd);
    p->strings[23] = utf8;
    p->string_lens[23] = (uint32_t)strlen(utf8);
    char err[256];
    CU_ASSERT_FATAL(gdl_verify(p, err, sizeof err) == 0);
    char *text = listing(p);
    CU_ASSERT_FATAL(text != NULL);
    char line[256];
    CU_ASSERT(same_text(line_starting(text, "  004d", line, sizeof line),
                        "  004d    |   PUSH_STR          16      ; \"say \\\"hi\\\"\\\\\\n\\tnow\\x01\""));
    CU_ASSERT(same_text(line_starting(text, "  004a", line, sizeof line),
                        "  004a  [25]  PUSH_STR          23      ; \"123456789012345678901234567890123456789...\""));
    free(text);

    /* Exactly 40 bytes: shown whole. */
    static const char forty[] = "1234567890123456789012345678901234567890";
    p->strings[23] = forty;
    p->string_lens[23] = 40;
    text = listing(p);
    CU_ASSERT_FATAL(text != NULL);
    CU_ASSERT(same_text(line_starting(text, "  004a", line, sizeof line),
                        "  004a  [25]  PUSH_STR          23      ; \"1234567890123456789012345678901234567890\""));
    free(text);
    test_verify_program_free(p);
}

/* Without a line table there are no fact headings and no line column. */
static void test_no_lines(void)
{
    GdlProgram *p = test_verify_program_new();
    CU_ASSERT_FATAL(p != NULL);
    p->nlines = 0;
    p->meta.version = GDL_NONE;
    char *text = listing(p);
    CU_ASSERT_FATAL(text != NULL);
    CU_ASSERT(strncmp(text, "guideline test-guideline version -\n", 35) == 0);
    CU_ASSERT(strstr(text, "\nfact ") == NULL);
    CU_ASSERT(strstr(text, "[") == NULL);
    char line[256];
    CU_ASSERT(same_text(line_starting(text, "  0000", line, sizeof line),
                        "  0000        LOAD_FACT         0       ; age"));
    CU_ASSERT(strstr(text, "\nend\n  005a        HALT\n") != NULL);
    free(text);
    test_verify_program_free(p);
}

void test_disasm_register(void)
{
    static const UnitTest tests[] = {
        { "listing", test_listing },
        { "string_quoting", test_string_quoting },
        { "no_lines", test_no_lines },
    };
    UNIT_REGISTER("disasm", tests);
}
