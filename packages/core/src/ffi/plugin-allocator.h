/*
 * Part of shim.c (included once, there): the allocator of the strings that cross between the
 * host and an OS plugin. A plugin mallocs the strings it hands over and frees the ones it is
 * given with the C library's malloc and free (memflow-os.md §0.8, §11.5), so the shim must use
 * those same two for them. Plain malloc and free are not always those: in code TinyCC compiles
 * inside Bun (bun:ffi's cc), they are Bun's own allocator (mimalloc), and freeing a C-library
 * pointer there crashes or corrupts the heap. So both are looked up once in the process's global
 * scope, where the plugin's own references to them resolve too; the shim's private buffers keep
 * plain malloc, realloc and free.
 */
#ifndef MEMFLOW_TS_PLUGIN_ALLOCATOR_H
#define MEMFLOW_TS_PLUGIN_ALLOCATOR_H

#ifndef RTLD_DEFAULT
#define RTLD_DEFAULT ((void *)0) /* glibc's value, which its dlfcn.h defines only under _GNU_SOURCE */
#endif

typedef struct {
  void *(*malloc)(size_t);
  void (*free)(void *);
} PluginAllocator;

/* Looked up on first use, from the JavaScript thread (every call that allocates or frees runs there). */
static const PluginAllocator *plugin_allocator(void) {
  static PluginAllocator allocator;
  if (!allocator.free) {
    void *found_malloc = dlsym(RTLD_DEFAULT, "malloc");
    void *found_free = dlsym(RTLD_DEFAULT, "free");
    /* Not found only where a symbol lookup cannot see the C library; the compiler's are then the best guess. */
    allocator.malloc = found_malloc ? (void *(*)(size_t))found_malloc : malloc;
    allocator.free = found_free ? (void (*)(void *))found_free : free;
  }
  return &allocator;
}

/* Frees a string the plugin handed over (memflow's ReprCString). */
static void plugin_free(void *text) {
  if (text) plugin_allocator()->free(text);
}

/* Allocates a string the plugin will own and free. */
static void *plugin_malloc(size_t size) { return plugin_allocator()->malloc(size); }

#endif
