#include "CMarkdownArena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A block of the arena: a header, then the memory handed out, each allocation after a
   word that holds its size (for realloc), all 16-byte aligned. */
typedef struct block {
    struct block *older;
    size_t capacity;
    size_t used;
    size_t padding; /* the header is 32 bytes: what follows is 16-byte aligned */
} block;

enum { standard_capacity = 256 * 1024, size_word = 16 };

static _Thread_local block *newest;
static pthread_key_t thread_end;
static pthread_once_t thread_end_once = PTHREAD_ONCE_INIT;

static void release_at_thread_end(void *blocks) {
    block *each = blocks;
    while (each) {
        block *older = each->older;
        free(each);
        each = older;
    }
}

static void make_thread_end_key(void) { pthread_key_create(&thread_end, release_at_thread_end); }

static void out_of_memory(void) {
    fprintf(stderr, "[cmark] the markdown arena could not get memory, aborting\n");
    abort();
}

/* `size` bytes, aligned, after a word holding `size`. */
static void *take(size_t size) {
    if (size > SIZE_MAX / 2) out_of_memory();
    size_t need = size_word + ((size + 15) & ~(size_t)15);
    if (!newest || newest->capacity - newest->used < need) {
        size_t capacity = need > standard_capacity ? need : standard_capacity;
        block *fresh = malloc(sizeof(block) + capacity);
        if (!fresh) out_of_memory();
        fresh->older = newest;
        fresh->capacity = capacity;
        fresh->used = 0;
        newest = fresh;
        pthread_once(&thread_end_once, make_thread_end_key);
        pthread_setspecific(thread_end, newest);
    }
    char *start = (char *)(newest + 1) + newest->used;
    newest->used += need;
    *(size_t *)start = size;
    return start + size_word;
}

static void *arena_calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) out_of_memory();
    void *memory = take(count * size);
    memset(memory, 0, count * size);
    return memory;
}

static void *arena_realloc(void *memory, size_t size) {
    if (!memory) return take(size);
    size_t had = *(size_t *)((char *)memory - size_word);
    if (size <= had) return memory;
    /* The newest allocation grows where it is when its block has room: a buffer that
       doubles as cmark writes into it. */
    char *end = (char *)(newest + 1) + newest->used;
    size_t had_rounded = (had + 15) & ~(size_t)15;
    size_t grown = (size + 15) & ~(size_t)15;
    if ((char *)memory + had_rounded == end && newest->capacity - newest->used >= grown - had_rounded) {
        newest->used += grown - had_rounded;
        *(size_t *)((char *)memory - size_word) = size;
        return memory;
    }
    void *moved = take(size);
    memcpy(moved, memory, had);
    return moved;
}

static void arena_free(void *memory) { (void)memory; }

static cmark_mem arena = {arena_calloc, arena_realloc, arena_free};

cmark_mem *cx_arena_mem(void) { return &arena; }

void cx_arena_reset(void) {
    if (!newest) return;
    /* One block of the standard size is kept for the next document; larger ones, made for
       one large allocation, go. */
    block *kept = NULL;
    block *each = newest;
    while (each) {
        block *older = each->older;
        if (!kept && each->capacity == standard_capacity) {
            kept = each;
        } else {
            free(each);
        }
        each = older;
    }
    newest = kept;
    if (newest) {
        newest->older = NULL;
        newest->used = 0;
    }
    pthread_setspecific(thread_end, newest);
}

size_t cx_arena_held(void) {
    size_t held = 0;
    for (block *each = newest; each; each = each->older) held += sizeof(block) + each->capacity;
    return held;
}
