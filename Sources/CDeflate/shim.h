#ifndef WHICHTOK_CDEFLATE_SHIM_H
#define WHICHTOK_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
