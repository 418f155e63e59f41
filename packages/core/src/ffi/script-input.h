/*
 * A TypeScript connector as the input of a native OS plugin: a real memflow ConnectorInstance
 * whose functions are here, in C, and reach the connector through bun:ffi JSCallbacks
 * (script-input.ts). Reads and writes iterate the plugin's requests here and call JavaScript
 * once per request. JavaScript may only be entered on the thread that made the instance (Bun's
 * JSCallbacks are not thread-safe, bun-stack.md §7): a call from any other thread fails every
 * request and logs. Dropping an instance calls JavaScript once, and nothing reaches JavaScript
 * for it afterwards (its memory is freed). Included by shim.c after the logger.
 */

/* The JavaScript side, set once by script-input.ts. Reads and writes return the bytes moved, or
   -1 when the connector failed; clone returns the new handle. */
typedef struct {
  int32_t (*read)(uint32_t handle, uint64_t address, uint8_t *buffer, uint32_t length);
  int32_t (*write)(uint32_t handle, uint64_t address, const uint8_t *data, uint32_t length);
  void (*metadata)(uint32_t handle, mf_physical_memory_metadata *out);
  uint32_t (*clone)(uint32_t handle);
  void (*drop)(uint32_t handle);
} ScriptCallbacks;

static ScriptCallbacks script_callbacks;

void mf_script_callbacks_set(void *read, void *write, void *metadata, void *clone, void *drop) {
  script_callbacks.read = (int32_t (*)(uint32_t, uint64_t, uint8_t *, uint32_t))read;
  script_callbacks.write = (int32_t (*)(uint32_t, uint64_t, const uint8_t *, uint32_t))write;
  script_callbacks.metadata = (void (*)(uint32_t, mf_physical_memory_metadata *))metadata;
  script_callbacks.clone = (uint32_t (*)(uint32_t))clone;
  script_callbacks.drop = (void (*)(uint32_t))drop;
}

typedef struct { uint32_t handle; pthread_t owner; } ScriptInput;

static bool script_on_owner(const ScriptInput *input, const char *what) {
  if (pthread_equal(pthread_self(), input->owner)) return true;
  host_log(MF_LEVEL_ERROR, what);
  return false;
}

/* Largest piece handed to JavaScript at once (its length travels as a u32). */
#define SCRIPT_CHUNK ((size_t)1 << 30)

/* Moves one request's bytes; returns how many moved (fewer on failure or a short transfer). */
static size_t script_move(const ScriptInput *input, uint64_t address, uint8_t *data, size_t length, bool write) {
  size_t done = 0;
  while (done < length) {
    uint32_t piece = (uint32_t)(length - done < SCRIPT_CHUNK ? length - done : SCRIPT_CHUNK);
    int32_t moved = write ? script_callbacks.write(input->handle, address + done, data + done, piece)
                          : script_callbacks.read(input->handle, address + done, data + done, piece);
    if (moved <= 0) break;
    done += (size_t)moved;
    if ((uint32_t)moved < piece) break;
  }
  return done;
}

/* The length of the piece of a request at `address` (`left` bytes to go) that `page` allows: up
   to the next multiple of `page`, or all of it when `page` is 0. */
static size_t script_piece(uint64_t address, size_t left, uint64_t page) {
  if (page == 0) return left;
  uint64_t to_boundary = page - (address & (page - 1));
  return left < to_boundary ? left : (size_t)to_boundary;
}

/* read_raw_iter and write_raw_iter, of physical memory here and of a process's virtual memory in
   script-process.h, which differ only in their types, where a request's address is (`address`,
   a field path of the item) and how requests are cut (`page`: physical memory moves a request
   whole; a virtual memory page by page, as memflow's VirtualDma, so a hole fails its own pages
   only). Each piece's moved part is reported to `out` and the rest (from the first byte not
   moved) to `out_fail`. */
#define SCRIPT_RAW_ITER(name, ops_type, item_type, data_type, address, page, write, refusal)                     \
  static int32_t name(mf_container *cont, ops_type ops) {                                                      \
    const ScriptInput *input = cont->instance.instance;                                                        \
    bool allowed = script_on_owner(input, refusal);                                                            \
    item_type item;                                                                                            \
    bool go = true;                                                                                            \
    while (go && ops.inp.func(ops.inp.iter, &item) == 0) {                                                     \
      uint8_t *data = (uint8_t *)item.data.data;                                                               \
      for (size_t at = 0, piece; go && at < item.data.len; at += piece) {                                      \
        piece = script_piece(item.address + at, item.data.len - at, page);                                     \
        size_t done = allowed ? script_move(input, item.address + at, data + at, piece, write) : 0;            \
        if (done > 0 && ops.out) go = ops.out->func(ops.out->context, (data_type){ item.meta_addr + at, { data + at, done } }); \
        if (done < piece && ops.out_fail)                                                                      \
          go = ops.out_fail->func(ops.out_fail->context,                                                       \
                                  (data_type){ item.meta_addr + at + done, { data + at + done, piece - done } }) && go; \
      }                                                                                                        \
    }                                                                                                          \
    return 0;                                                                                                  \
  }

SCRIPT_RAW_ITER(script_read_raw_iter, mf_read_ops, mf_physical_read_data, mf_read_data, addr.address, 0, false,
                "a TypeScript connector was read from another thread; the read fails")
SCRIPT_RAW_ITER(script_write_raw_iter, mf_write_ops, mf_physical_write_data, mf_write_data, addr.address, 0, true,
                "a TypeScript connector was written from another thread; the write fails")

static mf_physical_memory_metadata script_metadata(const mf_container *cont) {
  const ScriptInput *input = cont->instance.instance;
  mf_physical_memory_metadata metadata;
  memset(&metadata, 0, sizeof metadata);
  metadata.readonly = true;
  if (script_on_owner(input, "a TypeScript connector's metadata was asked for from another thread"))
    script_callbacks.metadata(input->handle, &metadata);
  return metadata;
}

/* memflow's memory map is a connector-side remap; a TypeScript connector has none to set. */
static void script_set_mem_map(mf_container *cont, mf_mapping_slice mappings) { (void)cont; (void)mappings; }

static void script_drop(void *instance) {
  ScriptInput *input = instance;
  /* From another thread the JavaScript handle cannot be released: it leaks, and says so. */
  if (script_on_owner(input, "a TypeScript connector was dropped on another thread; it stays open"))
    script_callbacks.drop(input->handle);
  free(input);
}

static mf_container script_container(uint32_t handle, pthread_t owner) {
  mf_container cont;
  memset(&cont, 0, sizeof cont);
  ScriptInput *input = malloc(sizeof *input);
  if (!input) return cont;
  input->handle = handle;
  input->owner = owner;
  cont.instance.instance = input;
  cont.instance.drop_fn = script_drop;
  return cont;
}

static mf_container script_clone(const mf_container *cont) {
  const ScriptInput *input = cont->instance.instance;
  mf_container none;
  memset(&none, 0, sizeof none);
  if (!script_on_owner(input, "a TypeScript connector was cloned on another thread; the clone is empty")) return none;
  return script_container(script_callbacks.clone(input->handle), input->owner);
}

static const mf_clone_vtbl script_clone_vtbl = { script_clone };
static const mf_physical_memory_vtbl script_physical_vtbl = {
  script_read_raw_iter, script_write_raw_iter, script_metadata, script_set_mem_map, 0, 0,
};

/* Fills `out` with a ConnectorInstance on JavaScript handle `handle`, owned by this thread.
   Returns false when out of memory (the handle is then not taken). */
bool mf_script_input_new(uint32_t handle, mf_connector_instance *out) {
  memset(out, 0, sizeof *out);
  out->container = script_container(handle, pthread_self());
  if (!out->container.instance.instance) return false;
  out->vtbl_clone = &script_clone_vtbl;
  out->vtbl_physicalmemory = &script_physical_vtbl;
  return true;
}
