/**
 * Builds small PE images in memory (one section holding the export data, the descriptors and
 * their strings), for cases the fixture toolchains do not make: image bases above 2^53, string
 * pointers below the image base, broken ordinal tables.
 */

export interface PeString {
  text?: string;
  /** Overrides the stored pointer (a virtual address; `0n` for null). */
  pointer?: bigint;
}

export type PeExport =
  | { name: string; descriptor: { pluginVersion?: number; name: PeString; version: PeString; description: PeString } }
  | { name: string; forwarder: string }
  /** A name whose ordinal points past the address table. */
  | { name: string; badOrdinal: true };

export interface PeSpec {
  wide?: boolean;
  machine?: number;
  imageBase?: bigint;
  exports: PeExport[];
}

const SECTION_RVA = 0x1000;
const SECTION_OFFSET = 0x200;

export function buildPe(spec: PeSpec): Uint8Array {
  const wide = spec.wide ?? true;
  const imageBase = spec.imageBase ?? (wide ? 0x1_8000_0000n : 0x1000_0000n);
  const word = wide ? 8 : 4;
  const descriptorSize = wide ? 0x60 : 0x34;
  const slots = wide ? [0x18, 0x28, 0x38] : [0x10, 0x18, 0x20];
  const count = spec.exports.length;
  const encoder = new TextEncoder();

  // Section layout: export directory, tables, names, forwarder strings | descriptors, strings.
  let at = 40;
  const functionsAt = at;
  at += count * 4;
  const namesAt = at;
  at += count * 4;
  const ordinalsAt = at;
  at += count * 2;
  const nameOffsets = spec.exports.map((entry) => {
    const offset = at;
    at += encoder.encode(entry.name).length + 1;
    return offset;
  });
  const forwarderOffsets = spec.exports.map((entry) => {
    if (!("forwarder" in entry)) return 0;
    const offset = at;
    at += encoder.encode(entry.forwarder).length + 1;
    return offset;
  });
  const exportSize = at;
  at = Math.ceil(at / 8) * 8;
  const descriptorOffsets = spec.exports.map((entry) => {
    if (!("descriptor" in entry)) return 0;
    const offset = at;
    at += descriptorSize;
    return offset;
  });
  const strings: { offset: number; bytes: Uint8Array }[] = [];
  const stringOffsets = spec.exports.map((entry) => {
    if (!("descriptor" in entry)) return [];
    const { name, version, description } = entry.descriptor;
    return [name, version, description].map((part) => {
      const bytes = encoder.encode(part.text ?? "");
      const offset = at;
      strings.push({ offset, bytes });
      at += bytes.length + 1;
      return offset;
    });
  });
  const sectionSize = Math.ceil(at / 0x200) * 0x200;

  const optionalSize = wide ? 240 : 224;
  const sectionTableAt = 0x40 + 24 + optionalSize;
  const file = new Uint8Array(SECTION_OFFSET + sectionSize);
  const view = new DataView(file.buffer);
  const u16 = (offset: number, value: number) => view.setUint16(offset, value, true);
  const u32 = (offset: number, value: number) => view.setUint32(offset, value, true);
  const pointer = (offset: number, value: bigint) =>
    wide ? view.setBigUint64(offset, value, true) : view.setUint32(offset, Number(value), true);

  file.set([0x4d, 0x5a], 0);
  u32(0x3c, 0x40);
  file.set([0x50, 0x45, 0, 0], 0x40);
  u16(0x44, spec.machine ?? (wide ? 0x8664 : 0x14c));
  u16(0x46, 1);
  u16(0x54, optionalSize);
  u16(0x56, 0x2022);
  const optional = 0x58;
  u16(optional, wide ? 0x20b : 0x10b);
  if (wide) view.setBigUint64(optional + 24, imageBase, true);
  else u32(optional + 28, Number(imageBase));
  u32(optional + 32, 0x1000);
  u32(optional + 36, 0x200);
  u32(optional + (wide ? 108 : 92), 16);
  u32(optional + (wide ? 112 : 96), SECTION_RVA);
  u32(optional + (wide ? 116 : 100), exportSize);
  file.set(encoder.encode(".edata"), sectionTableAt);
  u32(sectionTableAt + 8, sectionSize);
  u32(sectionTableAt + 12, SECTION_RVA);
  u32(sectionTableAt + 16, sectionSize);
  u32(sectionTableAt + 20, SECTION_OFFSET);

  const section = (offset: number) => SECTION_OFFSET + offset;
  const rva = (offset: number) => SECTION_RVA + offset;
  const va = (offset: number) => imageBase + BigInt(rva(offset));
  u32(section(20), count);
  u32(section(24), count);
  u32(section(28), rva(functionsAt));
  u32(section(32), rva(namesAt));
  u32(section(36), rva(ordinalsAt));
  spec.exports.forEach((entry, index) => {
    u32(section(namesAt + index * 4), rva(nameOffsets[index] ?? 0));
    file.set(encoder.encode(entry.name), section(nameOffsets[index] ?? 0));
    u16(section(ordinalsAt + index * 2), "badOrdinal" in entry ? count + 7 : index);
    if ("forwarder" in entry) {
      file.set(encoder.encode(entry.forwarder), section(forwarderOffsets[index] ?? 0));
      u32(section(functionsAt + index * 4), rva(forwarderOffsets[index] ?? 0));
    }
    if ("descriptor" in entry) {
      const descriptorAt = descriptorOffsets[index] ?? 0;
      u32(section(functionsAt + index * 4), rva(descriptorAt));
      u32(section(descriptorAt), entry.descriptor.pluginVersion ?? 1);
      const { name, version, description } = entry.descriptor;
      [name, version, description].forEach((part, field) => {
        const slot = section(descriptorAt + (slots[field] ?? 0));
        pointer(slot, part.pointer ?? va(stringOffsets[index]?.[field] ?? 0));
        pointer(slot + word, BigInt(encoder.encode(part.text ?? "").length));
      });
    }
  });
  for (const { offset, bytes } of strings) file.set(bytes, section(offset));
  return file;
}
