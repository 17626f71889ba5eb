/* verify_main.c - runs the verify and disasm CUnit suites on their own
 * (test_verify.c, test_disasm.c). The project-wide unit runner registers the
 * same suites next to the others. */
#include <CUnit/Basic.h>

void test_verify_register(void);
void test_disasm_register(void);

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return (int)CU_get_error();
    test_verify_register();
    test_disasm_register();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
