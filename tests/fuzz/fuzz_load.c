/* fuzz_load.c - harness 3: .gdlb bytes through the loader and the
 * verifier; whatever the verifier accepts must run (empty case, full case),
 * write its advice and disassemble without a fault. Most mutations break
 * the content hash, so the harness also tries each input with its header's
 * size and hash fixed up: that is what reaches the section parsers and the
 * verifier. */
#include <stdlib.h>
#include <string.h>

#include "bcfile.h"
#include "disasm.h"
#include "fuzz_common.h"
#include "verify.h"

enum {                              /* header fields (bcfile.h) */
    FUZZ_SIZE_OFFSET = 12,          /* u32 file size */
    FUZZ_HASH_OFFSET = 20,          /* u64 content hash */
};

static void load(const uint8_t *data, size_t size)
{
    Arena a;
    arena_init(&a, 0);
    GdlProgram *p = NULL;
    char err[512];
    if (gdlb_read(data, size, &a, &p, err, sizeof err) == 0 && gdl_verify(p, err, sizeof err) == 0) {
        ByteBuf out = { 0 };
        gdl_disasm(p, fuzz_null_out());
        fuzz_run_program(p, &out);
        buf_free(&out);
    }
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exact-size copies, so ASan sees any read past the end. */
    uint8_t *copy = calloc(1, size ? size : 1);
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    load(copy, size);
    if (size >= GDLB_HEADER_SIZE) {
        for (int i = 0; i < 4; i++)
            copy[FUZZ_SIZE_OFFSET + i] = (uint8_t)((uint32_t)size >> (8 * i));
        uint64_t h = gdlb_hash(copy, size);
        for (int i = 0; i < 8; i++)
            copy[FUZZ_HASH_OFFSET + i] = (uint8_t)(h >> (8 * i));
        load(copy, size);
    }
    free(copy);
    return 0;
}
