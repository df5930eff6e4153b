#ifndef WHICHTOK_CLIBXML2_SHIM_H
#define WHICHTOK_CLIBXML2_SHIM_H
// Debian's libxml2 is built with ICU; its ICU types clash with Foundation's in debug builds.
// Include the version header first and switch the ICU part off before anything else is read.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlstring.h>
#endif
