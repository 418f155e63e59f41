/*
 * memflow-abi-os-layout.h: the sizes and offsets of memflow-abi-os.h's structs and vtables,
 * asserted at compile time (memflow-os.md §1, §2, §4–§7, §9, measured on memflow.h 0.2.4 and in
 * memflow-native's TypeLayouts). memflow-abi-os.h includes it at its end.
 */
#ifndef MEMFLOW_ABI_OS_LAYOUT_H
#define MEMFLOW_ABI_OS_LAYOUT_H

#if UINTPTR_MAX == 0xffffffffffffffffu
MF__SIZE(mf_process_state, 8);
MF__OFFSET(mf_process_state, exit_code, 4);
MF__SIZE(mf_architecture_ident, 16);
MF__OFFSET(mf_architecture_ident, value, 8);
MF__OFFSET(mf_architecture_ident, value.x86.address_extensions, 9);
MF__SIZE(mf_os_info, 32);
MF__OFFSET(mf_os_info, arch, 16);
MF__SIZE(mf_process_info, 96);
MF__OFFSET(mf_process_info, pid, 8);
MF__OFFSET(mf_process_info, state, 12);
MF__OFFSET(mf_process_info, name, 24);
MF__OFFSET(mf_process_info, path, 32);
MF__OFFSET(mf_process_info, command_line, 40);
MF__OFFSET(mf_process_info, sys_arch, 48);
MF__OFFSET(mf_process_info, proc_arch, 64);
MF__OFFSET(mf_process_info, dtb1, 80);
MF__OFFSET(mf_process_info, dtb2, 88);
MF__SIZE(mf_module_info, 64);
MF__OFFSET(mf_module_info, parent_process, 8);
MF__OFFSET(mf_module_info, base, 16);
MF__OFFSET(mf_module_info, size, 24);
MF__OFFSET(mf_module_info, name, 32);
MF__OFFSET(mf_module_info, path, 40);
MF__OFFSET(mf_module_info, arch, 48);
MF__SIZE(mf_module_address_info, 24);
MF__OFFSET(mf_module_address_info, arch, 8);
MF__SIZE(mf_import_info, 16);
MF__OFFSET(mf_import_info, offset, 8);
MF__SIZE(mf_export_info, 16);
MF__OFFSET(mf_export_info, offset, 8);
MF__SIZE(mf_section_info, 24);
MF__OFFSET(mf_section_info, base, 8);
MF__OFFSET(mf_section_info, size, 16);

MF__SIZE(mf_physical_address, 16);
MF__OFFSET(mf_physical_address, page_type, 8);
MF__OFFSET(mf_physical_address, page_size_log2, 9);
MF__SIZE(mf_page, 24);
MF__OFFSET(mf_page, page_base, 8);
MF__OFFSET(mf_page, page_size, 16);
MF__SIZE(mf_vtop_range, 16);
MF__SIZE(mf_vtop_range_slice, 16);
MF__SIZE(mf_memory_range, 24);
MF__OFFSET(mf_memory_range, page_type, 16);
MF__SIZE(mf_virtual_translation, 32);
MF__OFFSET(mf_virtual_translation, out_physical, 16);
MF__SIZE(mf_virtual_translation_fail, 16);
MF__SIZE(mf_option_address, 16);
MF__OFFSET(mf_option_address, value, 8);

MF__SIZE(mf_address_callback, 16);
MF__SIZE(mf_process_info_callback, 16);
MF__SIZE(mf_module_info_callback, 16);
MF__SIZE(mf_memory_range_callback, 16);
MF__OFFSET(mf_memory_range_callback, func, 8);

MF__SIZE(mf_memory_view_metadata, 24);
MF__OFFSET(mf_memory_view_metadata, readonly, 16);
MF__OFFSET(mf_memory_view_metadata, little_endian, 17);
MF__OFFSET(mf_memory_view_metadata, arch_bits, 18);
MF__SIZE(mf_read_data_raw, 32);
MF__OFFSET(mf_read_data_raw, meta_addr, 8);
MF__OFFSET(mf_read_data_raw, data, 16);
MF__SIZE(mf_write_data_raw, 32);
MF__SIZE(mf_read_raw_ops, 32);
MF__OFFSET(mf_read_raw_ops, out, 16);
MF__OFFSET(mf_read_raw_ops, out_fail, 24);
MF__SIZE(mf_read_data_slice, 16);

MF__SIZE(mf_memory_view_vtbl, 9 * 8);
MF__OFFSET(mf_memory_view_vtbl, metadata, 16);
MF__OFFSET(mf_memory_view_vtbl, read_raw_into, 40);
MF__OFFSET(mf_memory_view_vtbl, write_raw, 64);
MF__SIZE(mf_memory_view, 48);
MF__SIZE(mf_virtual_translate_vtbl, 9 * 8);
MF__OFFSET(mf_virtual_translate_vtbl, virt_to_phys, 32);
MF__OFFSET(mf_virtual_translate_vtbl, phys_to_virt, 56);
MF__SIZE(mf_process_vtbl, 18 * 8);
MF__OFFSET(mf_process_vtbl, module_by_address, 32);
MF__OFFSET(mf_process_vtbl, module_import_list_callback, 72);
MF__OFFSET(mf_process_vtbl, module_import_by_name, 96);
MF__OFFSET(mf_process_vtbl, info, 120);
MF__OFFSET(mf_process_vtbl, mapped_mem, 136);
MF__SIZE(mf_os_vtbl, 26 * 8);
MF__OFFSET(mf_os_vtbl, process_by_info, 40);
MF__OFFSET(mf_os_vtbl, into_process_by_pid, 96);
MF__OFFSET(mf_os_vtbl, module_address_list_callback, 104);
MF__OFFSET(mf_os_vtbl, primary_module_address, 136);
MF__OFFSET(mf_os_vtbl, module_section_by_name, 192);
MF__OFFSET(mf_os_vtbl, info, 200);

MF__SIZE(mf_process_instance, 64);
MF__OFFSET(mf_process_instance, vtbl_process, 8);
MF__OFFSET(mf_process_instance, vtbl_virtualtranslate, 16);
MF__OFFSET(mf_process_instance, container, 24);
MF__SIZE(mf_into_process_instance, 72);
MF__OFFSET(mf_into_process_instance, vtbl_memoryview, 8);
MF__OFFSET(mf_into_process_instance, vtbl_process, 16);
MF__OFFSET(mf_into_process_instance, vtbl_virtualtranslate, 24);
MF__OFFSET(mf_into_process_instance, container, 32);

MF__SIZE(mf_keyboard_state_vtbl, 8);
MF__SIZE(mf_keyboard_state, 48);
MF__SIZE(mf_keyboard_vtbl, 24);
MF__OFFSET(mf_keyboard_vtbl, state, 16);
MF__SIZE(mf_keyboard, 48);
MF__OFFSET(mf_keyboard, container, 8);
MF__SIZE(mf_into_keyboard, 56);
MF__OFFSET(mf_into_keyboard, container, 16);
MF__SIZE(mf_os_keyboard_vtbl, 16);
#endif /* 64-bit; 32-bit targets are covered by memflow-abi-layout.h's note */

#endif /* MEMFLOW_ABI_OS_LAYOUT_H */
