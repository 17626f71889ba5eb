/* param_render.h - the run's parameter values in advice texts and doses
 * (docs/language.md "Parameters in texts, doses and schedules"): a text's
 * `{name}` reads as the value with its unit, `{{` and `}}` as braces; a
 * dose's {"$param": "name"} becomes the value as JSON. */
#ifndef GDL_PARAM_RENDER_H
#define GDL_PARAM_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "program.h"
#include "vm.h"

/* The index of the parameter called name[0, len), or -1. */
int param_index(const GdlProgram *p, const char *name, size_t len);
/* Whether a text or dose string refers to parameters (needs rendering). */
bool param_text_is_template(const char *text);
bool param_dose_is_template(const char *json);
/* params NULL: the parameters' defaults (gdl diff compares what a run without --param shows). */
/* Appends text with each {name} replaced by the parameter's value (en: English unit words, else Dutch). */
void param_render_text(ByteBuf *b, const GdlProgram *p, const GdlValue *params, const char *text, bool en);
/* Appends the dose JSON with each {"$param": "name"} replaced by the parameter's value:
 * a number without unit as is, with a unit as {"value": N, "unit": "u"}; a bool or string as JSON. */
void param_render_dose(ByteBuf *b, const GdlProgram *p, const GdlValue *params, const char *json);

#endif
