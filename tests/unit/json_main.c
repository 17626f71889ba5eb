/* json_main.c - runs the json CUnit suite on its own (test_json.c).
 * The project-wide unit runner registers the same suite next to the others. */
#include <CUnit/Basic.h>

void test_json_register(void);

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return (int)CU_get_error();
    test_json_register();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
