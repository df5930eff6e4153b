#ifndef WHICHTOK_CMAPPEDFILE_H
#define WHICHTOK_CMAPPEDFILE_H

#include <stddef.h>

/* Mapped input files that another program may shrink while they are read.

   Reading a page of a file mapping past the file's end raises SIGBUS, which would end the process.
   A range registered here is guarded instead: a SIGBUS inside it lays a zeroed page over the page
   that faulted, notes that the range lost pages, and lets the read go on. The reader then asks
   `whichtok_mapped_lost` and rejects the input (its bytes were not the file's). A SIGBUS outside
   every registered range goes to the handler that was installed before (or ends the process as it
   would have). */

/* Registers [start, start + length) (page-aligned start); returns a slot for the other calls, or
   -1 when every slot is taken or the handler cannot be installed (the caller then does not map). */
int whichtok_mapped_register(void *start, size_t length);

/* Forgets the slot's range; call before unmapping it. */
void whichtok_mapped_unregister(int slot);

/* Whether a page of the slot's range was replaced because the file had shrunk. */
int whichtok_mapped_lost(int slot);

#endif
