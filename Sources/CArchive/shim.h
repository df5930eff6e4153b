#ifndef WHICHTOK_CARCHIVE_SHIM_H
#define WHICHTOK_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#endif
