/*
 * Part of test-connector.c: proc=<name>, the pattern of memflow's qemu connector. Given an OS as
 * input, testmem opens the process named <name> with into_process_by_name (the process then
 * owns the OS, and testmem owns the process) and serves its physical reads and writes from that
 * process's virtual memory: physical address A is the process's virtual address A.
 * proc_read=thread also reads the process's first byte on a thread of the plugin's own while
 * starting, and logs whether that read succeeded. proc_survey=1 logs, before opening the process,
 * what the OS lists (`survey: os <kernel base hex>; processes <name>,…; modules <name>,…`) and,
 * after, what the process says (`survey: process <name> pid <pid>; modules <name>@<base hex>,…;
 * primary <name>`, then `; no translation` or `; 1234 at <hex>; list <n> pieces <m> failed; back
 * from 200000 <hex>` from its VirtualTranslate), freeing every string it was given as memflow's
 * ownership rules say.
 */

typedef struct { mf_iterator *physical; } RawRequests;

/* The connector's requests as the process's: the same buffers, meta_addr and address. */
static int32_t next_raw_read(void *iter, void *out) {
  RawRequests *requests = iter;
  mf_physical_read_data item;
  if (requests->physical->func(requests->physical->iter, &item) != 0) return 1;
  *(mf_read_data_raw *)out = (mf_read_data_raw){ item.addr.address, item.meta_addr, item.data };
  return 0;
}

static int32_t next_raw_write(void *iter, void *out) {
  RawRequests *requests = iter;
  mf_physical_write_data item;
  if (requests->physical->func(requests->physical->iter, &item) != 0) return 1;
  *(mf_write_data_raw *)out = (mf_write_data_raw){ item.addr.address, item.meta_addr, item.data };
  return 0;
}

static int32_t process_read(mf_into_process_instance *process, mf_read_ops ops) {
  RawRequests requests = { &ops.inp };
  mf_read_raw_ops raw = { { &requests, next_raw_read }, ops.out, ops.out_fail };
  return process->vtbl_memoryview->read_raw_iter(&process->container, raw);
}

static int32_t process_write(mf_into_process_instance *process, mf_write_ops ops) {
  RawRequests requests = { &ops.inp };
  mf_write_raw_ops raw = { { &requests, next_raw_write }, ops.out, ops.out_fail };
  return process->vtbl_memoryview->write_raw_iter(&process->container, raw);
}

static mf_physical_memory_metadata process_metadata(mf_into_process_instance *process) {
  mf_memory_view_metadata view = process->vtbl_memoryview->metadata(&process->container);
  mf_physical_memory_metadata metadata = { view.max_address, view.real_size, view.readonly, 0xffffffffu };
  return metadata;
}

static void *read_process_on_thread(void *context) {
  mf_into_process_instance *process = context;
  uint8_t byte = 0;
  int32_t result = process->vtbl_memoryview->read_raw_into(&process->container, 0, (mf_slice_mut){ &byte, 1 });
  plugin_log(MF_LEVEL_WARN, result == 0 ? "proc_read=thread: the read succeeded" : "proc_read=thread: the read failed",
             __LINE__);
  return NULL;
}

/* The survey's text, appended to as the callbacks arrive: `format` takes a string, then a number
   (either may go unused). */
typedef struct { char text[1024]; } Survey;

static void survey_add(Survey *survey, const char *format, const char *name, unsigned long long number) {
  size_t used = strlen(survey->text);
  snprintf(survey->text + used, sizeof survey->text - used, format, name, number);
}
static bool survey_process(void *context, mf_process_info info) {
  survey_add(context, "%s,", info.name, 0);
  free(info.name), free(info.path), free(info.command_line);
  return true;
}
static bool survey_module(void *context, mf_module_info info) {
  survey_add(context, "%s@%llx,", info.name, (unsigned long long)info.base);
  free(info.name), free(info.path);
  return true;
}
static bool survey_kernel_module(void *context, mf_module_info info) {
  survey_add(context, "%s,", info.name, 0);
  free(info.name), free(info.path);
  return true;
}

static bool survey_count(void *count, mf_virtual_translation translation) {
  (void)translation;
  ++*(int *)count;
  return true;
}
static bool survey_count_fail(void *count, mf_virtual_translation_fail fail) {
  (void)fail;
  ++*(int *)count;
  return true;
}

static void survey_translation(Survey *survey, mf_into_process_instance *process) {
  const mf_virtual_translate_vtbl *translate = process->vtbl_virtualtranslate;
  if (!translate) {
    survey_add(survey, "%s", "; no translation", 0);
    return;
  }
  mf_physical_address physical;
  if (translate->virt_to_phys(&process->container, 0x1234, &physical) == 0)
    survey_add(survey, "%s%llx", "; 1234 at ", (unsigned long long)physical.address);
  const mf_vtop_range ranges[] = { { 0xfff, 2 }, { 0x3ff0, 0x20 } };
  int pieces = 0, failed = 0;
  translate->virt_to_phys_list(&process->container, (mf_vtop_range_slice){ ranges, 2 },
                               (mf_virtual_translation_callback){ &pieces, survey_count },
                               (mf_virtual_translation_fail_callback){ &failed, survey_count_fail });
  survey_add(survey, "%s%llu pieces", "; list ", (unsigned long long)pieces);
  survey_add(survey, "%s%llu failed", " ", (unsigned long long)failed);
  mf_option_address back = translate->phys_to_virt(&process->container, 0x200000);
  if (back.tag == MF_OPTION_SOME) survey_add(survey, "%s%llx", "; back from 200000 ", (unsigned long long)back.value);
}

static void survey_os(mf_os_instance *os) {
  Survey survey = { "survey: os " };
  survey_add(&survey, "%s%llx; processes ", "", (unsigned long long)os->vtbl_os->info(&os->container)->base);
  os->vtbl_os->process_info_list_callback(&os->container, (mf_process_info_callback){ &survey, survey_process });
  survey_add(&survey, "%s", "; modules ", 0);
  os->vtbl_os->module_list_callback(&os->container, (mf_module_info_callback){ &survey, survey_kernel_module });
  plugin_log(MF_LEVEL_WARN, survey.text, __LINE__);
}

static void survey_process_instance(mf_into_process_instance *process) {
  Survey survey = { "survey: process " };
  const mf_process_info *info = process->vtbl_process->info(&process->container);
  survey_add(&survey, "%s pid %llu; modules ", info->name, info->pid);
  process->vtbl_process->module_list_callback(&process->container, NULL,
                                              (mf_module_info_callback){ &survey, survey_module });
  mf_module_info primary;
  if (process->vtbl_process->primary_module(&process->container, &primary) == 0) {
    survey_add(&survey, "; primary %s", primary.name, 0);
    free(primary.name), free(primary.path);
  }
  survey_translation(&survey, process);
  plugin_log(MF_LEVEL_WARN, survey.text, __LINE__);
}

/*
 * Opens process `name` of the input OS, which it consumes whatever happens. Returns 0 with
 * *out set, or the OS's error; without an input, (Connector, ArgValidation) and a log record.
 */
static int32_t open_process(mf_option_os_instance *input, const char *name, bool read_thread, bool survey,
                            mf_into_process_instance **out) {
  if (input->tag != MF_OPTION_SOME) {
    plugin_log(MF_LEVEL_ERROR, "proc=<name> reads a process of the OS given as input, and none was given", __LINE__);
    return MF_ERROR(MF_ORIGIN_CONNECTOR, MF_KIND_ARG_VALIDATION);
  }
  if (survey) survey_os(&input->value);
  input->tag = MF_OPTION_NONE; /* moved into the call below */
  mf_into_process_instance *process = malloc(sizeof *process);
  mf_slice_ref slice = { (const uint8_t *)name, strlen(name) };
  int32_t result = input->value.vtbl_os->into_process_by_name(input->value.container, slice, process);
  if (result != 0) {
    free(process);
    return result;
  }
  if (survey) survey_process_instance(process);
  if (read_thread) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, read_process_on_thread, process) == 0) pthread_join(thread, NULL);
  }
  *out = process;
  return 0;
}

static void close_process(mf_into_process_instance *process) {
  drop_container(&process->container);
  free(process);
}
