/* afl_driver.c - a main() for the libFuzzer-style harnesses, for two uses:
 *   replay:  fuzz_replay_X FILE...   runs each file once (make check replays
 *            every saved crash this way, SQLite's fuzzcheck);
 *   AFL++:   built with afl-clang-fast, with no arguments it reads one input
 *            from stdin per iteration of AFL's persistent loop.
 * A harness signals a bug by crashing or calling abort(); then so do we. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

enum { DRIVER_MAX_INPUT = 1 << 20 };

static unsigned char *read_stream(FILE *f, size_t *len)
{
    unsigned char *buf = malloc(DRIVER_MAX_INPUT);
    if (!buf)
        return NULL;
    *len = fread(buf, 1, DRIVER_MAX_INPUT, f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            FILE *f = fopen(argv[i], "rb");
            if (!f) {
                fprintf(stderr, "%s: cannot open\n", argv[i]);
                return 2;
            }
            size_t len;
            unsigned char *data = read_stream(f, &len);
            fclose(f);
            if (!data)
                return 2;
            LLVMFuzzerTestOneInput(data, len);
            free(data);
        }
        return 0;
    }
#ifdef __AFL_LOOP
    while (__AFL_LOOP(10000)) {
#else
    {
#endif
        size_t len;
        unsigned char *data = read_stream(stdin, &len);
        if (!data)
            return 2;
        LLVMFuzzerTestOneInput(data, len);
        free(data);
    }
    return 0;
}
