/*
 * memflow-abi-os.h: the OS layer of memflow 0.2's plugin ABI, part of memflow-abi.h (which includes
 * it; include memflow-abi.h, never this file alone). What an OS plugin's instance offers once
 * created: processes, modules, their imports, exports and sections, virtual memory, address
 * translation and the keyboard (memflow/src/os, mem/memory_view, mem/virt_translate; the
 * reference is shared/reference/memflow-os.md, whose section numbers the comments give).
 *
 * Ownership, in one paragraph (§8): every string (`char *`) a plugin hands over, through an
 * `ok_out` or a callback, is malloc'd and belongs to the receiver, who frees it with free(). A
 * `mf_process_info` passed by value to process_by_info is the plugin's from then on, strings
 * included, so a host that builds one mallocs them. `info()` pointers are borrowed from the
 * object and die with it. `into_*` entries take the container by value: the host forgets its
 * instance whether they succeed or not.
 */
#ifndef MEMFLOW_ABI_OS_H
#define MEMFLOW_ABI_OS_H

/* Address::INVALID: "no address" (dtb2 on x86, the end of a whole address space). */
#define MF_ADDRESS_INVALID UINT64_MAX

/* ---- values (§2) ---- */

/* ProcessState: exit_code means something for MF_PROCESS_STATE_DEAD only. */
enum { MF_PROCESS_STATE_UNKNOWN, MF_PROCESS_STATE_ALIVE, MF_PROCESS_STATE_DEAD };
typedef struct { uint32_t tag; int32_t exit_code; } mf_process_state;

/*
 * ArchitectureIdent: Unknown(usize), X86(bits, address_extensions), AArch64(page_size). Compare
 * the tag and the payload the tag uses; the rest of the payload is unspecified padding.
 */
enum { MF_ARCH_UNKNOWN, MF_ARCH_X86, MF_ARCH_AARCH64 };
typedef struct {
  uint32_t tag;
  union {
    uint64_t unknown;
    struct { uint8_t bits; bool address_extensions; } x86;
    uint64_t aarch64_page_size;
  } value;
} mf_architecture_ident;

typedef struct { uint64_t base; uint64_t size; mf_architecture_ident arch; } mf_os_info;

typedef struct {
  uint64_t address; /* the OS's handle of the process (win32: its EPROCESS) */
  uint32_t pid;
  mf_process_state state;
  char *name;
  char *path;
  char *command_line;
  mf_architecture_ident sys_arch;
  mf_architecture_ident proc_arch;
  uint64_t dtb1;
  uint64_t dtb2; /* MF_ADDRESS_INVALID when the architecture has one root */
} mf_process_info;

typedef struct {
  uint64_t address;        /* the OS's handle of the module entry */
  uint64_t parent_process; /* its process's mf_process_info.address */
  uint64_t base;
  uint64_t size;
  char *name;
  char *path;
  mf_architecture_ident arch;
} mf_module_info;

typedef struct { uint64_t address; mf_architecture_ident arch; } mf_module_address_info;
/* offset: from the module's base. */
typedef struct { char *name; uint64_t offset; } mf_import_info;
typedef struct { char *name; uint64_t offset; } mf_export_info;
/* base: absolute (the module's base plus the section's RVA). */
typedef struct { char *name; uint64_t base; uint64_t size; } mf_section_info;

/* Page: page_type is an MF_PAGE_TYPE_* bit set. */
typedef struct { uint8_t page_type; uint64_t page_base; uint64_t page_size; } mf_page;
typedef struct { uint64_t address; uint64_t size; } mf_vtop_range;
typedef struct { const mf_vtop_range *data; size_t len; } mf_vtop_range_slice;
typedef struct { uint64_t address; uint64_t size; uint8_t page_type; } mf_memory_range;
typedef struct { uint64_t in_virtual; uint64_t size; mf_physical_address out_physical; } mf_virtual_translation;
typedef struct { uint64_t from; uint64_t size; } mf_virtual_translation_fail;
typedef struct { uint32_t tag; uint64_t value; } mf_option_address;

/* ---- callbacks (§3): T by value, the receiver owns it; false asks the plugin to stop ---- */

typedef struct { void *context; bool (*func)(void *context, uint64_t address); } mf_address_callback;
typedef struct { void *context; bool (*func)(void *context, mf_process_info info); } mf_process_info_callback;
typedef struct { void *context; bool (*func)(void *context, mf_module_address_info info); } mf_module_address_callback;
typedef struct { void *context; bool (*func)(void *context, mf_module_info info); } mf_module_info_callback;
typedef struct { void *context; bool (*func)(void *context, mf_import_info info); } mf_import_callback;
typedef struct { void *context; bool (*func)(void *context, mf_export_info info); } mf_export_callback;
typedef struct { void *context; bool (*func)(void *context, mf_section_info info); } mf_section_callback;
typedef struct { void *context; bool (*func)(void *context, mf_memory_range range); } mf_memory_range_callback;
typedef struct {
  void *context;
  bool (*func)(void *context, mf_virtual_translation translation);
} mf_virtual_translation_callback;
typedef struct {
  void *context;
  bool (*func)(void *context, mf_virtual_translation_fail fail);
} mf_virtual_translation_fail_callback;

/* ---- virtual memory: MemoryView (§6) ---- */

/* arch_bits and little_endian are the address space's (a 32-bit process: 32). */
typedef struct {
  uint64_t max_address;
  uint64_t real_size;
  bool readonly;
  bool little_endian;
  uint8_t arch_bits;
} mf_memory_view_metadata;

/* One request of read_raw_iter / write_raw_iter: where, the caller's meta_addr, the buffer. A
   view reports pieces to out / out_fail with meta_addr advanced by the piece's offset. */
typedef struct { uint64_t addr; uint64_t meta_addr; mf_slice_mut data; } mf_read_data_raw;
typedef struct { uint64_t addr; uint64_t meta_addr; mf_slice_ref data; } mf_write_data_raw;
/* Laid out as mf_read_ops / mf_write_ops; their items are mf_read_data_raw / mf_write_data_raw. */
typedef struct { mf_iterator inp; mf_read_callback *out; mf_read_callback *out_fail; } mf_read_raw_ops;
typedef struct { mf_iterator inp; mf_write_callback *out; mf_write_callback *out_fail; } mf_write_raw_ops;
typedef struct { mf_read_data *data; size_t len; } mf_read_data_slice;
typedef struct { const mf_write_data *data; size_t len; } mf_write_data_slice;

/*
 * Results: read_raw_list / read_raw_into return 0, MF_PARTIAL_VIRTUAL_READ (failed bytes zeroed)
 * or an error; the writes 0, MF_PARTIAL_VIRTUAL_WRITE or an error. read_iter's and write_iter's
 * items are mf_read_data / mf_write_data whose meta_addr is the address.
 */
#define MF_PARTIAL_VIRTUAL_READ (-2)
#define MF_PARTIAL_VIRTUAL_WRITE (-3)
struct mf_memory_view_vtbl {
  int32_t (*read_raw_iter)(mf_container *cont, mf_read_raw_ops ops);
  int32_t (*write_raw_iter)(mf_container *cont, mf_write_raw_ops ops);
  mf_memory_view_metadata (*metadata)(const mf_container *cont);
  int32_t (*read_iter)(mf_container *cont, mf_iterator inp, mf_read_callback *out, mf_read_callback *out_fail);
  int32_t (*read_raw_list)(mf_container *cont, mf_read_data_slice data);
  int32_t (*read_raw_into)(mf_container *cont, uint64_t address, mf_slice_mut out);
  int32_t (*write_iter)(mf_container *cont, mf_iterator inp, mf_write_callback *out, mf_write_callback *out_fail);
  int32_t (*write_raw_list)(mf_container *cont, mf_write_data_slice data);
  int32_t (*write_raw)(mf_container *cont, uint64_t address, mf_slice_ref data);
};
typedef struct mf_memory_view_vtbl mf_memory_view_vtbl;

/* ---- address translation: VirtualTranslate (§7) ---- */

/* The void entries report through callbacks only; end must not be below start (memflow asserts,
   and a panic across the ABI aborts the process). */
struct mf_virtual_translate_vtbl {
  void (*virt_to_phys_list)(mf_container *cont, mf_vtop_range_slice addrs, mf_virtual_translation_callback out,
                            mf_virtual_translation_fail_callback out_fail);
  void (*virt_to_phys_range)(mf_container *cont, uint64_t start, uint64_t end, mf_virtual_translation_callback out);
  void (*virt_translation_map_range)(mf_container *cont, uint64_t start, uint64_t end,
                                     mf_virtual_translation_callback out);
  void (*virt_page_map_range)(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                              mf_memory_range_callback out);
  int32_t (*virt_to_phys)(mf_container *cont, uint64_t address, mf_physical_address *ok_out);
  int32_t (*virt_page_info)(mf_container *cont, uint64_t address, mf_page *ok_out);
  void (*virt_translation_map)(mf_container *cont, mf_virtual_translation_callback out);
  mf_option_address (*phys_to_virt)(mf_container *cont, uint64_t phys);
  void (*virt_page_map)(mf_container *cont, int64_t gap_size, mf_memory_range_callback out);
};
typedef struct mf_virtual_translate_vtbl mf_virtual_translate_vtbl;

/* ---- processes (§5) ---- */

typedef struct mf_process_vtbl mf_process_vtbl;

/* ProcessInstance: borrows the OS it came from, and must be dropped before it. */
typedef struct {
  const mf_memory_view_vtbl *vtbl_memoryview;
  const mf_process_vtbl *vtbl_process;
  const mf_virtual_translate_vtbl *vtbl_virtualtranslate; /* optional */
  mf_container container;
} mf_process_instance;

/* IntoProcessInstance: owns what the OS owned (the OS moved into it). */
typedef struct {
  const mf_clone_vtbl *vtbl_clone;
  const mf_memory_view_vtbl *vtbl_memoryview;
  const mf_process_vtbl *vtbl_process;
  const mf_virtual_translate_vtbl *vtbl_virtualtranslate; /* optional */
  mf_container container;
} mf_into_process_instance;

/* target_arch / architecture pointers may be NULL: every architecture of the process. */
struct mf_process_vtbl {
  mf_process_state (*state)(mf_container *cont);
  int32_t (*set_dtb)(mf_container *cont, uint64_t dtb1, uint64_t dtb2);
  int32_t (*module_address_list_callback)(mf_container *cont, const mf_architecture_ident *target_arch,
                                          mf_module_address_callback callback);
  int32_t (*module_list_callback)(mf_container *cont, const mf_architecture_ident *target_arch,
                                  mf_module_info_callback callback);
  int32_t (*module_by_address)(mf_container *cont, uint64_t address, mf_architecture_ident architecture,
                               mf_module_info *ok_out);
  int32_t (*module_by_name_arch)(mf_container *cont, mf_slice_ref name, const mf_architecture_ident *architecture,
                                 mf_module_info *ok_out);
  int32_t (*module_by_name)(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out);
  int32_t (*primary_module_address)(mf_container *cont, uint64_t *ok_out);
  int32_t (*primary_module)(mf_container *cont, mf_module_info *ok_out);
  int32_t (*module_import_list_callback)(mf_container *cont, const mf_module_info *info, mf_import_callback callback);
  int32_t (*module_export_list_callback)(mf_container *cont, const mf_module_info *info, mf_export_callback callback);
  int32_t (*module_section_list_callback)(mf_container *cont, const mf_module_info *info,
                                          mf_section_callback callback);
  int32_t (*module_import_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                   mf_import_info *ok_out);
  int32_t (*module_export_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                   mf_export_info *ok_out);
  int32_t (*module_section_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                    mf_section_info *ok_out);
  const mf_process_info *(*info)(const mf_container *cont);
  void (*mapped_mem_range)(mf_container *cont, int64_t gap_size, uint64_t start, uint64_t end,
                           mf_memory_range_callback out);
  void (*mapped_mem)(mf_container *cont, int64_t gap_size, mf_memory_range_callback out);
};

/* ---- the OS (§4) ---- */

/* Entries taking `mf_container cont` by value consume the OS (§8). */
struct mf_os_vtbl {
  int32_t (*process_address_list_callback)(mf_container *cont, mf_address_callback callback);
  int32_t (*process_info_list_callback)(mf_container *cont, mf_process_info_callback callback);
  int32_t (*process_info_by_address)(mf_container *cont, uint64_t address, mf_process_info *ok_out);
  int32_t (*process_info_by_name)(mf_container *cont, mf_slice_ref name, mf_process_info *ok_out);
  int32_t (*process_info_by_pid)(mf_container *cont, uint32_t pid, mf_process_info *ok_out);
  int32_t (*process_by_info)(mf_container *cont, mf_process_info info, mf_process_instance *ok_out);
  int32_t (*into_process_by_info)(mf_container cont, mf_process_info info, mf_into_process_instance *ok_out);
  int32_t (*process_by_address)(mf_container *cont, uint64_t address, mf_process_instance *ok_out);
  int32_t (*process_by_name)(mf_container *cont, mf_slice_ref name, mf_process_instance *ok_out);
  int32_t (*process_by_pid)(mf_container *cont, uint32_t pid, mf_process_instance *ok_out);
  int32_t (*into_process_by_address)(mf_container cont, uint64_t address, mf_into_process_instance *ok_out);
  int32_t (*into_process_by_name)(mf_container cont, mf_slice_ref name, mf_into_process_instance *ok_out);
  int32_t (*into_process_by_pid)(mf_container cont, uint32_t pid, mf_into_process_instance *ok_out);
  int32_t (*module_address_list_callback)(mf_container *cont, mf_address_callback callback);
  int32_t (*module_list_callback)(mf_container *cont, mf_module_info_callback callback);
  int32_t (*module_by_address)(mf_container *cont, uint64_t address, mf_module_info *ok_out);
  int32_t (*module_by_name)(mf_container *cont, mf_slice_ref name, mf_module_info *ok_out);
  int32_t (*primary_module_address)(mf_container *cont, uint64_t *ok_out);
  int32_t (*primary_module)(mf_container *cont, mf_module_info *ok_out);
  int32_t (*module_import_list_callback)(mf_container *cont, const mf_module_info *info, mf_import_callback callback);
  int32_t (*module_export_list_callback)(mf_container *cont, const mf_module_info *info, mf_export_callback callback);
  int32_t (*module_section_list_callback)(mf_container *cont, const mf_module_info *info,
                                          mf_section_callback callback);
  int32_t (*module_import_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                   mf_import_info *ok_out);
  int32_t (*module_export_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                   mf_export_info *ok_out);
  int32_t (*module_section_by_name)(mf_container *cont, const mf_module_info *info, mf_slice_ref name,
                                    mf_section_info *ok_out);
  const mf_os_info *(*info)(const mf_container *cont);
};
typedef struct mf_os_vtbl mf_os_vtbl;

/* ---- the keyboard (§9; virtual-key codes as win32's VK_*) ---- */

typedef struct mf_keyboard_state_vtbl { bool (*is_down)(const mf_container *cont, int32_t vk); } mf_keyboard_state_vtbl;
/* KeyboardStateBase: a snapshot, dropped by its receiver. */
typedef struct { const mf_keyboard_state_vtbl *vtbl; mf_container container; } mf_keyboard_state;

typedef struct mf_keyboard_vtbl {
  bool (*is_down)(mf_container *cont, int32_t vk);
  void (*set_down)(mf_container *cont, int32_t vk, bool down);
  int32_t (*state)(mf_container *cont, mf_keyboard_state *ok_out);
} mf_keyboard_vtbl;
/* KeyboardBase: borrows the OS, like a ProcessInstance. */
typedef struct { const mf_keyboard_vtbl *vtbl; mf_container container; } mf_keyboard;
/* IntoKeyboard: owns the OS. */
typedef struct {
  const mf_clone_vtbl *vtbl_clone;
  const mf_keyboard_vtbl *vtbl_keyboard;
  mf_container container;
} mf_into_keyboard;

struct mf_os_keyboard_vtbl {
  int32_t (*keyboard)(mf_container *cont, mf_keyboard *ok_out);
  int32_t (*into_keyboard)(mf_container cont, mf_into_keyboard *ok_out);
};
typedef struct mf_os_keyboard_vtbl mf_os_keyboard_vtbl;

#include "memflow-abi-os-layout.h"

#endif /* MEMFLOW_ABI_OS_H */
