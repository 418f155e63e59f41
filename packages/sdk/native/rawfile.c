/*
 * The rawfile connector: a raw physical-memory dump file (the target, `rawfile:/path/to.raw`)
 * mapped as physical memory, read-only unless `writable=true` (then writes go to the file).
 * Reads past the end of the file are reported as failed parts.
 */
#include "memflow-plugin.h"

#if defined(_WIN32)
#error "rawfile uses POSIX mmap; build it for Linux or macOS"
#endif

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  uint8_t *bytes;
  uint64_t size;
  bool writable;
} rawfile;

static const char *const known_arguments[] = { "writable", NULL };

static void *rawfile_create(const mf_connector_args *args, int32_t *error) {
  if ((*error = mf_args_check_known(args, known_arguments)) != 0) return NULL;
  const char *path = mf_args_target(args);
  if (!path || !*path) {
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_REQUIRED_ARG_NOT_FOUND);
    return NULL;
  }
  const char *writable_text = mf_args_get(args, "writable");
  bool writable = writable_text && (strcmp(writable_text, "true") == 0 || strcmp(writable_text, "1") == 0);
  int fd = open(path, writable ? O_RDWR : O_RDONLY);
  if (fd < 0) {
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNABLE_TO_READ_FILE);
    return NULL;
  }
  struct stat status;
  if (fstat(fd, &status) != 0 || status.st_size <= 0) {
    close(fd);
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNABLE_TO_READ_FILE);
    return NULL;
  }
  void *mapped = mmap(NULL, (size_t)status.st_size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (mapped == MAP_FAILED) {
    *error = MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_UNABLE_TO_MAP_FILE);
    return NULL;
  }
  rawfile *file = malloc(sizeof *file);
  if (!file) {
    munmap(mapped, (size_t)status.st_size);
    return NULL;
  }
  file->bytes = mapped;
  file->size = (uint64_t)status.st_size;
  file->writable = writable;
  return file;
}

static void rawfile_drop(void *state) {
  rawfile *file = state;
  munmap(file->bytes, (size_t)file->size);
  free(file);
}

static int64_t rawfile_read(void *state, uint64_t address, uint8_t *buffer, uint64_t length) {
  const rawfile *file = state;
  return mf_memory_read(file->bytes, file->size, address, buffer, length);
}

/* A file opened read-only takes no byte (reported as failed, not as an error). */
static int64_t rawfile_write(void *state, uint64_t address, const uint8_t *buffer, uint64_t length) {
  rawfile *file = state;
  return file->writable ? mf_memory_write(file->bytes, file->size, address, buffer, length) : 0;
}

static mf_metadata rawfile_metadata(void *state) {
  const rawfile *file = state;
  mf_metadata metadata = { file->size - 1, file->size, !file->writable, UINT32_MAX };
  return metadata;
}

static const char *rawfile_help(void) {
  return "rawfile: a raw physical-memory dump file as physical memory\n"
         "target: path of the dump file (required), e.g. rawfile:/tmp/memory.raw\n"
         "writable: true to write changes back to the file, default false";
}

/* Clones share the mapping (the file is the memory). */
static const mf_connector_ops rawfile_ops = {
  .create = rawfile_create,
  .drop = rawfile_drop,
  .read = rawfile_read,
  .write = rawfile_write,
  .metadata = rawfile_metadata,
  .clone = NULL,
  .help = rawfile_help,
  .target_list = NULL,
};

MEMFLOW_CONNECTOR(RAWFILE, "rawfile", "0.1.0", "a raw physical-memory dump file as physical memory", rawfile_ops);
