#ifndef WHICHTOK_CSIMDJSON_H
#define WHICHTOK_CSIMDJSON_H
/* placeholder: the JSON helper replaces this file */
#endif
