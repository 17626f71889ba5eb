/* main.c - the unit-test binary: registers every suite in suites.def and
 * runs them all, or only the suites and tests named on the command line
 * (`build/unit_tests vm json api/versions`); the exit status is non-zero
 * when any assertion failed or a named suite or test does not exist. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define SUITE(name) void test_##name##_register(void);
#include "suites.def"
#undef SUITE

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define SUITE(name) test_##name##_register();
#include "suites.def"
#undef SUITE
    CU_basic_set_mode(CU_BRM_NORMAL);
    int rc = 0;
    unsigned failures = 0, ran = 0;     /* CUnit counts the last run only */
    if (argc < 2) {
        CU_basic_run_tests();
        failures = CU_get_number_of_failures();
        ran = CU_get_number_of_tests_run();
    } else {
        for (int i = 1; i < argc; i++) {
            char *slash = strchr(argv[i], '/');     /* SUITE/TEST: that test only */
            if (slash)
                *slash = '\0';
            CU_pSuite s = CU_get_suite(argv[i]);
            CU_pTest t = s && slash ? CU_get_test(s, slash + 1) : NULL;
            if (!s || (slash && !t)) {
                if (!s)
                    fprintf(stderr, "unit_tests: no suite '%s' (see tests/unit/suites.def)\n", argv[i]);
                else
                    fprintf(stderr, "unit_tests: no test '%s' in suite '%s'\n", slash + 1, argv[i]);
                rc = 2;
                continue;
            }
            if (t)
                CU_basic_run_test(s, t);
            else
                CU_basic_run_suite(s);
            failures += CU_get_number_of_failures();
            ran += CU_get_number_of_tests_run();
        }
    }
    CU_cleanup_registry();
    if (rc)
        return rc;
    return failures != 0 || ran == 0;
}
