/* main.c - the unit-test binary: registers every suite in suites.def and
 * runs them; the exit status is non-zero when any assertion failed. */
#include <CUnit/Basic.h>
#include <stdio.h>

#define SUITE(name) void test_##name##_register(void);
#include "suites.def"
#undef SUITE

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
#define SUITE(name) test_##name##_register();
#include "suites.def"
#undef SUITE
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    return failures != 0 || ran == 0;
}
