/* bcfile.h - the .gdlb file: a GdlProgram as bytes and back.
 *
 * Layout (all integers little-endian, written byte by byte; no padding,
 * pointers or timestamps, so one program always gives the same bytes):
 *   magic "GDLB\r\n\x1a\n" | u16 major | u16 minor | u32 file size | u32 flags
 *   | u64 FNV-1a hash of the whole file with these 8 bytes zero
 *   then tagged sections, each: 4-byte tag | u32 payload length | payload,
 *   in this order: META STRS NUMS SYMS FACT PARM OUTC CODE LINE END\0.
 * A reader accepts its own major version and any minor version up to its
 * own (minor versions only append fields at section ends). See
 * docs/bytecode.md for every field. */
#ifndef GDL_BCFILE_H
#define GDL_BCFILE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "program.h"

enum { GDLB_MAJOR = 1, GDLB_MINOR = 6, GDLB_HEADER_SIZE = 28, GDLB_MAX_FILE = 64 * 1024 * 1024 };

/* Serialises p; returns 0, or -1 when out of memory. */
int gdlb_write(const GdlProgram *p, ByteBuf *out);

/* Parses bytes into a program allocated in arena. The structure is checked
 * (bounds, counts, section order, hash); indices and code are left to
 * gdl_verify. Returns 0, or -1 with a message naming the offset. */
int gdlb_read(const uint8_t *data, size_t len, Arena *arena, GdlProgram **out, char *err, size_t errlen);

uint64_t gdlb_hash(const uint8_t *data, size_t len);

#endif
