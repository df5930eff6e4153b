#ifndef WHICHTOK_CARCHIVE_SHIM_H
#define WHICHTOK_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

/* archive_set_error is variadic and so not visible from Swift; this passes a fixed message. */
static inline void whichtok_archive_set_error(struct archive *a, int error_number, const char *message) {
    archive_set_error(a, error_number, "%s", message);
}

#endif
