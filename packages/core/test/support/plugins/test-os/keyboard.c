/*
 * testos: the keyboard (OsKeyboard, memflow-os.md §9): 256 keys kept by the OS, all up at first.
 * keyboard() borrows the OS as a borrowed process does, into_keyboard() consumes it as
 * into_process_* does, and state() hands out a snapshot its receiver drops. Part of test-os.c.
 */

typedef struct {
  TestOs *os;
  bool owning;
} TestKeyboard;

typedef struct { bool keys[256]; } KeyboardSnapshot;

static bool key_valid(int32_t vk) { return vk >= 0 && vk < 256; }

static TestKeyboard *keyboard_of(const mf_container *cont) { return cont->instance.instance; }

static bool keyboard_is_down(mf_container *cont, int32_t vk) {
  return key_valid(vk) && keyboard_of(cont)->os->keys[vk];
}

static void keyboard_set_down(mf_container *cont, int32_t vk, bool down) {
  if (key_valid(vk)) keyboard_of(cont)->os->keys[vk] = down;
}

static bool snapshot_is_down(const mf_container *cont, int32_t vk) {
  const KeyboardSnapshot *snapshot = cont->instance.instance;
  return key_valid(vk) && snapshot->keys[vk];
}

static void snapshot_drop(void *instance) {
  free(instance);
  live_keyboard_states--;
}

static const mf_keyboard_state_vtbl keyboard_state_vtbl = { snapshot_is_down };

static int32_t keyboard_state(mf_container *cont, mf_keyboard_state *ok_out) {
  KeyboardSnapshot *snapshot = malloc(sizeof *snapshot);
  memcpy(snapshot->keys, keyboard_of(cont)->os->keys, sizeof snapshot->keys);
  live_keyboard_states++;
  ok_out->vtbl = &keyboard_state_vtbl;
  ok_out->container.instance.instance = snapshot;
  ok_out->container.instance.drop_fn = snapshot_drop;
  ok_out->container.context = carc_clone(cont->context);
  return 0;
}

static const mf_keyboard_vtbl keyboard_vtbl = { keyboard_is_down, keyboard_set_down, keyboard_state };

static void keyboard_drop(void *instance) {
  TestKeyboard *keyboard = instance;
  TestOs *os = keyboard->os;
  bool owning = keyboard->owning;
  free(keyboard);
  live_keyboards--;
  if (owning) os_drop(os);
  else os_unborrow(os);
}

static mf_cbox keyboard_new(TestOs *os, bool owning) {
  TestKeyboard *keyboard = malloc(sizeof *keyboard);
  keyboard->os = owning ? os : os_borrow(os);
  keyboard->owning = owning;
  live_keyboards++;
  mf_cbox box = { keyboard, keyboard_drop };
  return box;
}

static int32_t os_keyboard(mf_container *cont, mf_keyboard *ok_out) {
  TestOs *os = os_entry(cont);
  ok_out->vtbl = &keyboard_vtbl;
  ok_out->container.instance = keyboard_new(os, false);
  ok_out->container.context = carc_clone(cont->context);
  return 0;
}

static int32_t os_into_keyboard(mf_container cont, mf_into_keyboard *ok_out) {
  TestOs *os = os_entry(&cont);
  ok_out->vtbl_clone = &clone_vtbl;
  ok_out->vtbl_keyboard = &keyboard_vtbl;
  ok_out->container.instance = keyboard_new(os, true);
  ok_out->container.context = cont.context;
  return 0;
}

static const mf_os_keyboard_vtbl os_keyboard_vtbl = { os_keyboard, os_into_keyboard };
