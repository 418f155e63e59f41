/*
 * A connector that crashes where it is told to, for crash reports: `-c crashy::in=create` in
 * create, `in=read` (the default) in read, `in=abort` in read by abort() (SIGABRT, as a Rust
 * panic across the ABI ends), `in=thread` on a thread of its own during create (which no call
 * of the host's is on), and `help crashy` in its help text.
 */
#include <pthread.h>
#include <signal.h>
#include "memflow-plugin.h"

static void crash(void) { *(volatile int *)(uintptr_t)0 = 1; }

static void *crash_on_a_thread(void *unused) {
  (void)unused;
  crash();
  return NULL;
}

static const char *where_of(const mf_connector_args *args) {
  const char *where = mf_args_get(args, "in");
  return where ? where : "read";
}

static void *crashy_create(const mf_connector_args *args, int32_t *error) {
  *error = 0;
  const char *where = where_of(args);
  if (strcmp(where, "create") == 0) crash();
  if (strcmp(where, "thread") == 0) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, crash_on_a_thread, NULL) == 0) pthread_join(thread, NULL);
  }
  /* The state is how read is to crash: a string of the library's own, nothing to free. */
  return (void *)(strcmp(where, "abort") == 0 ? "abort" : "read");
}

static void crashy_drop(void *state) { (void)state; }

static int64_t crashy_read(void *how, uint64_t address, uint8_t *buffer, uint64_t length) {
  (void)address, (void)buffer, (void)length;
  if (strcmp(how, "abort") == 0) abort();
  crash();
  return 0;
}

static mf_metadata crashy_metadata(void *state) {
  (void)state;
  return (mf_metadata){ 0xffff, 0x10000, true, 1 };
}

static const char *crashy_help(void) {
  crash();
  return "never";
}

static const mf_connector_ops crashy_ops = { .create = crashy_create, .drop = crashy_drop, .read = crashy_read, .metadata = crashy_metadata, .help = crashy_help };

MEMFLOW_CONNECTOR(CRASHY, "crashy", "0.1.0", "a connector that crashes where it is told to", crashy_ops);
