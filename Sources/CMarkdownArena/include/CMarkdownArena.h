#ifndef CX_MARKDOWN_ARENA_H
#define CX_MARKDOWN_ARENA_H

#include <cmark-gfm.h>

/* An allocator for cmark-gfm that takes memory from the calling thread's arena: a
   document's thousands of nodes and buffers cost a pointer bump each, not a trip through
   malloc, and are given back all at once by cx_arena_reset. Its free does nothing. */
cmark_mem *cx_arena_mem(void);

/* Gives back everything the calling thread's arena handed out since the last reset: no
   pointer cmark returned since may be used after. One block is kept for the next document;
   all of it goes when the thread ends. */
void cx_arena_reset(void);

/* How many bytes the calling thread's arena holds from the system now, for tests. */
size_t cx_arena_held(void);

#endif
