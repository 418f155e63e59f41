/*
 * memflow-abi-layout.h: the sizes and offsets of memflow-abi.h's structs, asserted at compile time
 * (memflow-core.md §6; memflow asserts the instance and descriptor sizes itself). memflow-abi.h
 * includes it at its end: include memflow-abi.h, never this file alone. A compiler that lays a
 * struct out differently stops the build here, naming the field.
 */
#ifndef MEMFLOW_ABI_LAYOUT_H
#define MEMFLOW_ABI_LAYOUT_H

/* ---- sizes and offsets (memflow-core.md §6; memflow asserts the instance and descriptor sizes) ---- */

#ifdef __cplusplus
#define MF__ASSERT(condition, message) static_assert(condition, message)
#define MF__ALIGNOF(type) alignof(type)
#else
#define MF__ASSERT(condition, message) _Static_assert(condition, message)
#define MF__ALIGNOF(type) _Alignof(type)
#endif
#define MF__SIZE(type, size) MF__ASSERT(sizeof(type) == (size), #type " is " #size " bytes")
#define MF__OFFSET(type, field, offset) MF__ASSERT(offsetof(type, field) == (offset), #type "." #field " is at " #offset)

#if UINTPTR_MAX == 0xffffffffffffffffu
MF__SIZE(void *, 8);
MF__SIZE(size_t, 8);
MF__SIZE(bool, 1);

MF__SIZE(mf_slice_ref, 16);
MF__OFFSET(mf_slice_ref, len, 8);
MF__SIZE(mf_slice_mut, 16);
MF__OFFSET(mf_slice_mut, len, 8);
MF__SIZE(mf_cbox, 16);
MF__OFFSET(mf_cbox, drop_fn, 8);
MF__SIZE(mf_carc, 24);
MF__OFFSET(mf_carc, clone_fn, 8);
MF__OFFSET(mf_carc, drop_fn, 16);
MF__SIZE(mf_container, 40);
MF__OFFSET(mf_container, context, 16);
MF__SIZE(mf_iterator, 16);
MF__OFFSET(mf_iterator, func, 8);

MF__SIZE(mf_option_bool, 8);
MF__OFFSET(mf_option_bool, value, 4);
MF__ASSERT(MF__ALIGNOF(mf_option_bool) == 4, "mf_option_bool is 4-aligned");
MF__SIZE(mf_option_u32, 8);
MF__OFFSET(mf_option_u32, value, 4);
MF__SIZE(mf_option_slice_ref, 24);
MF__OFFSET(mf_option_slice_ref, value, 8);

MF__SIZE(mf_arg_entry, 16);
MF__OFFSET(mf_arg_entry, value, 8);
MF__SIZE(mf_args, 40);
MF__OFFSET(mf_args, len, 8);
MF__OFFSET(mf_args, capacity, 16);
MF__OFFSET(mf_args, drop_fn, 24);
MF__OFFSET(mf_args, reserve_fn, 32);
MF__SIZE(mf_middleware_args, 48);
MF__SIZE(mf_connector_args, 96);
MF__OFFSET(mf_connector_args, extra_args, 8);
MF__OFFSET(mf_connector_args, middleware_args, 48);
MF__OFFSET(mf_connector_args, middleware_args.cache.value, 52);
MF__OFFSET(mf_connector_args, middleware_args.cache_size, 56);
MF__OFFSET(mf_connector_args, middleware_args.cache_validity_time, 64);
MF__OFFSET(mf_connector_args, middleware_args.cache_page_size, 72);
MF__OFFSET(mf_connector_args, middleware_args.delay, 80);
MF__OFFSET(mf_connector_args, middleware_args.metrics, 88);
MF__SIZE(mf_os_args, 48);
MF__OFFSET(mf_os_args, extra_args, 8);

MF__SIZE(mf_physical_address, 16);
MF__OFFSET(mf_physical_address, page_type, 8);
MF__OFFSET(mf_physical_address, page_size_log2, 9);
MF__SIZE(mf_physical_read_data, 40);
MF__OFFSET(mf_physical_read_data, meta_addr, 16);
MF__OFFSET(mf_physical_read_data, data.data, 24);
MF__OFFSET(mf_physical_read_data, data.len, 32);
MF__SIZE(mf_physical_write_data, 40);
MF__OFFSET(mf_physical_write_data, meta_addr, 16);
MF__OFFSET(mf_physical_write_data, data, 24);
MF__SIZE(mf_read_data, 24);
MF__OFFSET(mf_read_data, data.data, 8);
MF__OFFSET(mf_read_data, data.len, 16);
MF__SIZE(mf_write_data, 24);
MF__OFFSET(mf_write_data, data, 8);
MF__SIZE(mf_read_callback, 16);
MF__OFFSET(mf_read_callback, func, 8);
MF__SIZE(mf_write_callback, 16);
MF__OFFSET(mf_write_callback, func, 8);
MF__SIZE(mf_read_ops, 32);
MF__OFFSET(mf_read_ops, inp.func, 8);
MF__OFFSET(mf_read_ops, out, 16);
MF__OFFSET(mf_read_ops, out_fail, 24);
MF__SIZE(mf_write_ops, 32);
MF__OFFSET(mf_write_ops, out, 16);
MF__OFFSET(mf_write_ops, out_fail, 24);
MF__SIZE(mf_physical_memory_metadata, 24);
MF__OFFSET(mf_physical_memory_metadata, real_size, 8);
MF__OFFSET(mf_physical_memory_metadata, readonly, 16);
MF__OFFSET(mf_physical_memory_metadata, ideal_batch_size, 20);
MF__SIZE(mf_physical_memory_mapping, 24);
MF__OFFSET(mf_physical_memory_mapping, size, 8);
MF__OFFSET(mf_physical_memory_mapping, real_base, 16);
MF__SIZE(mf_mapping_slice, 16);

MF__SIZE(mf_memory_view, 48);
MF__OFFSET(mf_memory_view, container, 8);
MF__SIZE(mf_clone_vtbl, 8);
MF__SIZE(mf_physical_memory_vtbl, 48);
MF__OFFSET(mf_physical_memory_vtbl, phys_write_raw_iter, 8);
MF__OFFSET(mf_physical_memory_vtbl, metadata, 16);
MF__OFFSET(mf_physical_memory_vtbl, set_mem_map, 24);
MF__OFFSET(mf_physical_memory_vtbl, into_phys_view, 32);
MF__OFFSET(mf_physical_memory_vtbl, phys_view, 40);
MF__SIZE(mf_connector_instance, 64);
MF__OFFSET(mf_connector_instance, vtbl_physicalmemory, 8);
MF__OFFSET(mf_connector_instance, vtbl_connectorcpustate, 16);
MF__OFFSET(mf_connector_instance, container, 24);
MF__OFFSET(mf_connector_instance, container.instance.drop_fn, 32);
MF__OFFSET(mf_connector_instance, container.context.instance, 40);
MF__OFFSET(mf_connector_instance, container.context.clone_fn, 48);
MF__OFFSET(mf_connector_instance, container.context.drop_fn, 56);
MF__SIZE(mf_os_instance, 88);
MF__OFFSET(mf_os_instance, vtbl_os, 8);
MF__OFFSET(mf_os_instance, vtbl_memoryview, 16);
MF__OFFSET(mf_os_instance, vtbl_oskeyboard, 24);
MF__OFFSET(mf_os_instance, vtbl_physicalmemory, 32);
MF__OFFSET(mf_os_instance, vtbl_virtualtranslate, 40);
MF__OFFSET(mf_os_instance, container, 48);
MF__SIZE(mf_option_connector_instance, 72);
MF__OFFSET(mf_option_connector_instance, value, 8);
MF__SIZE(mf_option_os_instance, 96);
MF__OFFSET(mf_option_os_instance, value, 8);

MF__SIZE(mf_log_metadata, 24);
MF__OFFSET(mf_log_metadata, target, 8);
MF__SIZE(mf_write_vtbl, 8);
MF__SIZE(mf_write_mut, 16);
MF__OFFSET(mf_write_mut, instance, 8);
MF__SIZE(mf_display_vtbl, 8);
MF__SIZE(mf_display_ref, 16);
MF__SIZE(mf_log_record, 96);
MF__OFFSET(mf_log_record, message.vtbl, 24);
MF__OFFSET(mf_log_record, message.instance, 32);
MF__OFFSET(mf_log_record, module_path.tag, 40);
MF__OFFSET(mf_log_record, module_path.value.data, 48);
MF__OFFSET(mf_log_record, module_path.value.len, 56);
MF__OFFSET(mf_log_record, file.tag, 64);
MF__OFFSET(mf_log_record, file.value.data, 72);
MF__OFFSET(mf_log_record, file.value.len, 80);
MF__OFFSET(mf_log_record, line.tag, 88);
MF__OFFSET(mf_log_record, line.value, 92);
MF__SIZE(mf_plugin_logger, 40);
MF__OFFSET(mf_plugin_logger, enabled, 8);
MF__OFFSET(mf_plugin_logger, log, 16);
MF__OFFSET(mf_plugin_logger, flush, 24);
MF__OFFSET(mf_plugin_logger, on_level_change, 32);

MF__SIZE(mf_target_info, 8);
MF__SIZE(mf_help_callback, 16);
MF__OFFSET(mf_help_callback, func, 8);
MF__SIZE(mf_target_callback, 16);
MF__OFFSET(mf_target_callback, func, 8);
MF__SIZE(mf_plugin_descriptor, 0x60);
MF__OFFSET(mf_plugin_descriptor, accept_input, 0x04);
MF__OFFSET(mf_plugin_descriptor, input_layout, 0x08);
MF__OFFSET(mf_plugin_descriptor, output_layout, 0x10);
MF__OFFSET(mf_plugin_descriptor, name.data, 0x18);
MF__OFFSET(mf_plugin_descriptor, name.len, 0x20);
MF__OFFSET(mf_plugin_descriptor, version.data, 0x28);
MF__OFFSET(mf_plugin_descriptor, version.len, 0x30);
MF__OFFSET(mf_plugin_descriptor, description.data, 0x38);
MF__OFFSET(mf_plugin_descriptor, description.len, 0x40);
MF__OFFSET(mf_plugin_descriptor, help_callback, 0x48);
MF__OFFSET(mf_plugin_descriptor, target_list_callback, 0x50);
MF__OFFSET(mf_plugin_descriptor, create, 0x58);
#elif UINTPTR_MAX == 0xffffffffu
/* 32-bit: the numbers above are 64-bit ones, so they are skipped. */
MF__SIZE(mf_plugin_descriptor, 0x34);
#else
#error "memflow-abi.h knows memflow's layouts for 64-bit and 32-bit pointers only"
#endif

#endif /* MEMFLOW_ABI_LAYOUT_H */
