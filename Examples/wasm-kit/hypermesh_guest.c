/*
 * hypermesh_guest.c — the C kit for HyperMesh WebAssembly guests: allocator, memory and string
 * functions, helpers and the `hypermesh_handle` export glue. See hypermesh_guest.h.
 *
 * The allocator is a first-fit, address-ordered free list over the linear memory after
 * `__heap_base` (set by wasm-ld). Every block has an 8-byte header {size, tag}; free blocks keep the
 * next free block in place of the tag and are merged with free neighbours, so memory that is freed
 * is reused. When no free block fits, the memory grows with memory.grow by as few pages as needed
 * (the host refuses growth past the extension's memory quota by ending the call).
 */
#include "hypermesh_guest.h"

#define HM_PAGE 65536u
#define HM_HEADER 8u
#define HM_MIN_BLOCK 16u
#define HM_TAG_USED 0x484D5553u /* "HMUS" */
#define HM_EINVAL 22
#define HM_ENOMEM 12

typedef struct hm_block {
    uint32_t size;           /* whole block in bytes, header included; a multiple of 8 */
    uint32_t link;           /* free: address of the next free block (0 = last); used: HM_TAG_USED */
} hm_block;

extern unsigned char __heap_base;

static uint32_t free_list;   /* address of the first free block, blocks in address order */
static size_t heap_in_use;
static int heap_ready;

static inline uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }
static inline hm_block *block_at(uint32_t address) { return (hm_block *)(uintptr_t)address; }

/* Inserts the free block at `address` into the list, merging it with adjacent free blocks. */
static void insert_free(uint32_t address, uint32_t size) {
    uint32_t previous = 0, next = free_list;
    while (next != 0 && next < address) {
        previous = next;
        next = block_at(next)->link;
    }
    hm_block *block = block_at(address);
    block->size = size;
    block->link = next;
    if (next != 0 && address + block->size == next) {
        block->size += block_at(next)->size;
        block->link = block_at(next)->link;
    }
    if (previous == 0) {
        free_list = address;
    } else if (previous + block_at(previous)->size == address) {
        block_at(previous)->size += block->size;
        block_at(previous)->link = block->link;
    } else {
        block_at(previous)->link = address;
    }
}

/* Adds [start, end) to the heap, trimmed to 8-byte boundaries and below 4 GiB. */
static void add_region(uint64_t start, uint64_t end) {
    start = align_up(start, 8);
    if (end > 0xFFFFFFF8u) end = 0xFFFFFFF8u;
    end &= ~(uint64_t)7;
    if (end > start && end - start >= HM_MIN_BLOCK) insert_free((uint32_t)start, (uint32_t)(end - start));
}

static void heap_init(void) {
    heap_ready = 1;
    add_region((uintptr_t)&__heap_base, (uint64_t)__builtin_wasm_memory_size(0) * HM_PAGE);
}

/* Grows the memory by enough pages for `bytes` more; 0 when the memory cannot grow. */
static int heap_grow(uint64_t bytes) {
    uint64_t pages = align_up(bytes, HM_PAGE) / HM_PAGE;
    if (pages == 0 || pages > 65536u) return 0;
    size_t old = __builtin_wasm_memory_grow(0, (size_t)pages);
    if (old == (size_t)-1) return 0;
    add_region((uint64_t)old * HM_PAGE, ((uint64_t)old + pages) * HM_PAGE);
    return 1;
}

/* First fit: a block whose payload of `len` bytes starts at a multiple of `alignment` (>= 8). */
static void *alloc_aligned(size_t len, size_t alignment) {
    if (!heap_ready) heap_init();
    if (len > 0x7FFFFFF0u || alignment > HM_PAGE) return NULL;
    uint64_t body = align_up(len == 0 ? 1 : len, 8);
    for (int attempt = 0; attempt < 2; attempt++) {
        uint32_t previous = 0;
        for (uint32_t address = free_list; address != 0; previous = address, address = block_at(address)->link) {
            hm_block *block = block_at(address);
            uint64_t payload = align_up((uint64_t)address + HM_HEADER, alignment);
            uint64_t gap = payload - HM_HEADER - address;
            if (gap != 0 && gap < HM_MIN_BLOCK) {
                payload = align_up((uint64_t)address + HM_HEADER + HM_MIN_BLOCK, alignment);
                gap = payload - HM_HEADER - address;
            }
            if (gap + HM_HEADER + body > block->size) continue;
            uint32_t rest = block->size - (uint32_t)(gap + HM_HEADER + body);
            uint32_t used_size = (uint32_t)(HM_HEADER + body);
            if (rest < HM_MIN_BLOCK) {
                used_size += rest;
                rest = 0;
            }
            /* Replace the block in the list by its leading gap and its tail, whichever exist. */
            uint32_t after = block->link;
            if (rest != 0) {
                uint32_t tail = (uint32_t)payload + (uint32_t)body;
                block_at(tail)->size = rest;
                block_at(tail)->link = after;
                after = tail;
            }
            if (gap != 0) {
                block->size = (uint32_t)gap;
                block->link = after;
                after = address;
            }
            if (previous == 0) free_list = after; else block_at(previous)->link = after;
            hm_block *used = block_at((uint32_t)payload - HM_HEADER);
            used->size = used_size;
            used->link = HM_TAG_USED;
            heap_in_use += used_size;
            return (void *)(uintptr_t)payload;
        }
        if (attempt == 0 && !heap_grow(body + HM_HEADER + alignment + HM_MIN_BLOCK)) return NULL;
    }
    return NULL;
}

void *hm_alloc(size_t len) { return alloc_aligned(len, 8); }

void hm_free(void *ptr) {
    if (ptr == NULL) return;
    uintptr_t payload = (uintptr_t)ptr;
    if ((payload & 7) != 0 || payload < (uintptr_t)&__heap_base + HM_HEADER) __builtin_trap();
    hm_block *block = block_at((uint32_t)payload - HM_HEADER);
    if (block->link != HM_TAG_USED) __builtin_trap(); /* not from this allocator, or freed twice */
    heap_in_use -= block->size;
    insert_free((uint32_t)payload - HM_HEADER, block->size);
}

size_t hm_heap_in_use(void) { return heap_in_use; }

/** The host allocates every buffer it hands the guest through this export. */
HM_EXPORT("hypermesh_alloc") void *hypermesh_alloc(size_t len) { return hm_alloc(len); }

void *malloc(size_t len) { return hm_alloc(len); }
void free(void *ptr) { hm_free(ptr); }

void *calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) return NULL;
    void *ptr = hm_alloc(count * size);
    if (ptr) memset(ptr, 0, count * size);
    return ptr;
}

void *realloc(void *ptr, size_t len) {
    if (ptr == NULL) return hm_alloc(len);
    if (len == 0) {
        hm_free(ptr);
        return NULL;
    }
    hm_block *block = block_at((uint32_t)(uintptr_t)ptr - HM_HEADER);
    if (block->link != HM_TAG_USED) __builtin_trap();
    size_t capacity = block->size - HM_HEADER;
    if (len <= capacity) return ptr;
    void *grown = hm_alloc(len);
    if (grown == NULL) return NULL;
    memcpy(grown, ptr, capacity);
    hm_free(ptr);
    return grown;
}

int posix_memalign(void **out, size_t alignment, size_t len) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return HM_EINVAL;
    void *ptr = alloc_aligned(len, alignment < 8 ? 8 : alignment);
    if (ptr == NULL) return HM_ENOMEM;
    *out = ptr;
    return 0;
}

/* ---- memory and string functions (bulk-memory instructions) ---- */

void *memcpy(void *dst, const void *src, size_t n) { return __builtin_memcpy(dst, src, n); }
void *memmove(void *dst, const void *src, size_t n) { return __builtin_memmove(dst, src, n); }
void *memset(void *dst, int value, size_t n) { return __builtin_memset(dst, value, n); }

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n] != 0) n++;
    return n;
}

int strcmp(const char *a, const char *b) {
    while (*a != 0 && *a == *b) { a++; b++; }
    return (unsigned char)*a - (unsigned char)*b;
}

char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (*s == 0) return NULL;
    }
}

/* ---- helpers ---- */

hm_status hm_fail_from_host(hm_status status) {
    uint8_t *message = NULL;
    size_t message_len = 0;
    if (hypermesh_last_error(&message, &message_len) == HM_OK && message != NULL) {
        hypermesh_error_message(message, message_len);
        hm_free(message);
    }
    return status;
}

size_t hm_u64_format(uint64_t value, char *out) {
    char digits[20];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++) out[i] = digits[n - 1 - i];
    return n;
}

uint64_t hm_u64_parse(const uint8_t *text, size_t len) {
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++;
    uint64_t value = 0;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
        uint64_t digit = text[i] - '0';
        if (value > (UINT64_MAX - digit) / 10) return UINT64_MAX;
        value = value * 10 + digit;
    }
    return value;
}

/* Embedded Swift's print writes through putchar: lines go to the host log at level info. */
int putchar(int c) {
    static char line[256];
    static size_t used;
    if (c != '\n') line[used++] = (char)c;
    if (c == '\n' || used == sizeof line) {
        hypermesh_log(HM_LOG_INFO, line, used);
        used = 0;
    }
    return c;
}

/* ---- host functions as ordinary C functions (for Embedded Swift) ---- */

void hm_host_output(const void *ptr, size_t len) { hypermesh_output(ptr, len); }
void hm_host_error_message(const void *ptr, size_t len) { hypermesh_error_message(ptr, len); }
hm_status hm_host_last_error(uint8_t **out_ptr, size_t *out_len) { return hypermesh_last_error(out_ptr, out_len); }
void hm_host_log(int32_t level, const void *ptr, size_t len) { hypermesh_log(level, ptr, len); }
hm_status hm_host_storage_get(const void *key, size_t key_len, uint8_t **out_ptr, size_t *out_len) {
    return hypermesh_storage_get(key, key_len, out_ptr, out_len);
}
hm_status hm_host_storage_put(const void *key, size_t key_len, const void *value, size_t value_len) {
    return hypermesh_storage_put(key, key_len, value, value_len);
}
hm_status hm_host_storage_delete(const void *key, size_t key_len) { return hypermesh_storage_delete(key, key_len); }

/* ---- export glue ---- */

#ifndef HM_NO_HANDLE_EXPORT
HM_EXPORT("hypermesh_handle")
hm_status hypermesh_handle(const char *method, size_t method_len, const uint8_t *input, size_t input_len) {
    return hm_handle(method, method_len, input, input_len);
}
#endif
