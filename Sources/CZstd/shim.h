#ifndef WHICHTOK_CZSTD_SHIM_H
#define WHICHTOK_CZSTD_SHIM_H
#include <zstd.h>
#endif
