/* Appends one line per call to the file named by LRML_FAKE_TRACE (if set). */
#ifndef FAKE_TRACE_H
#define FAKE_TRACE_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void fake_trace(const char *fmt, ...) {
    const char *path = getenv("LRML_FAKE_TRACE");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}
#endif
