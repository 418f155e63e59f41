/**
 * The VirtualTranslate entries of a TypeScript process that offers a translation, as a native
 * plugin calls them: keyed by SHIM_SCRIPT_RESULT.TRANSLATE_ENTRIES plus their offset in memflow's
 * vtable (script-translate.h), each answering from `process.virtualTranslate()`.
 */
import { MemflowError } from "../error.ts";
import type { Process } from "../os/process.ts";
import type { VirtualTranslate } from "../os/virtual-translate.ts";
import {
  ADDRESS_ENCODER,
  MEMORY_RANGE_ENCODER,
  PAGE_ENCODER,
  PHYSICAL_ADDRESS_ENCODER,
  TRANSLATION_ENCODER,
  TRANSLATION_FAILURE_ENCODER,
} from "./os-encode.ts";
import { SHIM_SCRIPT_RESULT, VIRTUAL_TRANSLATE_VTBL } from "./os-layouts.ts";
import { type Entry, many, one } from "./script-os-answers.ts";
import type { GivenArguments } from "./script-os-arguments.ts";

function translation(process: Process): VirtualTranslate {
  const translate = process.virtualTranslate();
  if (translate === undefined)
    throw new MemflowError("OsLayer", "UnsupportedOptionalFeature", `${process.name} offers no translation`);
  return translate;
}

type TranslateEntry = (translate: VirtualTranslate, given: GivenArguments) => ReturnType<Entry<Process>>;

const entries: [number, TranslateEntry][] = [
  [
    VIRTUAL_TRANSLATE_VTBL.VIRT_TO_PHYS_LIST.offset,
    (t, g) => {
      const { translations, failures } = t.virtToPhysList(g.ranges());
      return { ...many(TRANSLATION_ENCODER, translations), failures: many(TRANSLATION_FAILURE_ENCODER, failures) };
    },
  ],
  [
    VIRTUAL_TRANSLATE_VTBL.VIRT_TO_PHYS_RANGE.offset,
    (t, g) => many(TRANSLATION_ENCODER, t.virtToPhysRange(g.number(1), g.number(2))),
  ],
  [
    VIRTUAL_TRANSLATE_VTBL.VIRT_TRANSLATION_MAP_RANGE.offset,
    (t, g) => many(TRANSLATION_ENCODER, t.virtTranslationMap(g.number(1), g.number(2))),
  ],
  [VIRTUAL_TRANSLATE_VTBL.VIRT_TRANSLATION_MAP.offset, (t) => many(TRANSLATION_ENCODER, t.virtTranslationMap())],
  [
    VIRTUAL_TRANSLATE_VTBL.VIRT_PAGE_MAP_RANGE.offset,
    (t, g) => many(MEMORY_RANGE_ENCODER, t.virtPageMap(g.signed(0), g.number(1), g.number(2))),
  ],
  [VIRTUAL_TRANSLATE_VTBL.VIRT_PAGE_MAP.offset, (t, g) => many(MEMORY_RANGE_ENCODER, t.virtPageMap(g.signed(0)))],
  [VIRTUAL_TRANSLATE_VTBL.VIRT_TO_PHYS.offset, (t, g) => one(PHYSICAL_ADDRESS_ENCODER, t.virtToPhys(g.number(0)))],
  [VIRTUAL_TRANSLATE_VTBL.VIRT_PAGE_INFO.offset, (t, g) => one(PAGE_ENCODER, t.virtPageInfo(g.number(0)))],
  [
    VIRTUAL_TRANSLATE_VTBL.PHYS_TO_VIRT.offset,
    (t, g) => {
      const found = t.physToVirt(g.number(0));
      return many(ADDRESS_ENCODER, found === undefined ? [] : [found]);
    },
  ],
];

export const TRANSLATE_ENTRIES = new Map<number, Entry<Process>>(
  entries.map(([offset, answer]) => [
    SHIM_SCRIPT_RESULT.TRANSLATE_ENTRIES + offset,
    (process, given) => answer(translation(process), given),
  ]),
);
