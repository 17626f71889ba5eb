/* verify.h - the bytecode verifier: the one gate between a loaded program
 * and the VM. It checks every table index, decodes the code once from
 * OP_INFO and simulates the stack; the VM relies on nothing it does not check.
 * Reading bytes into a GdlProgram is bcfile.c's job; running it is vm.c's. */
#ifndef GDL_VERIFY_H
#define GDL_VERIFY_H

#include <stddef.h>

#include "program.h"

/* Returns 0 when p is safe to run, else -1 with one message in err naming the
 * failure and where it is: "CODE+0x001c: jump target 512 outside code (size 300)",
 * "FACT[12]: name string 900 out of range (400 strings)". Never crashes on a
 * malformed program; time and memory are linear in its size. err may be NULL. */
int gdl_verify(const GdlProgram *p, char *err, size_t errlen);
/* The same with the embedder's allocator for its scratch memory (NULL: malloc). */
struct GdlMem;
int gdl_verify_mem(const GdlProgram *p, const struct GdlMem *mem, char *err, size_t errlen);


#endif
