/**
 * Builds small, valid ELF shared objects in memory, so tests can pin cases no toolchain here
 * produces on demand: big-endian files, SHN_XINDEX symbols, segments whose addresses differ
 * from their file offsets, bad strings. One PT_LOAD maps the whole file at `vaddrDelta`.
 */

export type PointerStorage = "in-place" | "rela" | "rel" | "relr";

export interface StringSpec {
  /** The string's bytes (a string is UTF-8 encoded). */
  text?: string | Uint8Array;
  /** Overrides the stored pointer (`0n` for a null pointer) instead of pointing at `text`. */
  pointer?: bigint;
  /** Overrides the stored length. */
  length?: bigint;
}

export interface DescriptorSpec {
  exportName: string;
  pluginVersion?: number;
  name?: StringSpec;
  version?: StringSpec;
  description?: StringSpec;
  shndx?: number;
}

export interface ElfSpec {
  wide?: boolean;
  little?: boolean;
  machine?: number;
  vaddrDelta?: bigint;
  storage?: PointerStorage;
  hash?: "sysv" | "gnu";
  sectionHeaders?: boolean;
  /** When false, the dynamic segment's program header is PT_NULL: only section headers remain. */
  dynamicSegment?: boolean;
  descriptors: DescriptorSpec[];
}

const RELATIVE_TYPE: Record<number, number> = { 3: 8, 62: 8, 40: 23, 183: 1027, 21: 22, 20: 22 };

class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(
    size: number,
    readonly little: boolean,
    readonly wide: boolean,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(at: number, value: number) {
    this.view.setUint8(at, value);
  }
  u16(at: number, value: number) {
    this.view.setUint16(at, value, this.little);
  }
  u32(at: number, value: number) {
    this.view.setUint32(at, value, this.little);
  }
  u64(at: number, value: bigint) {
    this.view.setBigUint64(at, BigInt.asUintN(64, value), this.little);
  }
  word(at: number, value: bigint) {
    if (this.wide) this.u64(at, value);
    else this.u32(at, Number(BigInt.asUintN(32, value)));
  }
}

const align = (value: number, to: number) => Math.ceil(value / to) * to;
const encode = (text: string | Uint8Array | undefined) =>
  typeof text === "string" ? new TextEncoder().encode(text) : (text ?? new Uint8Array(0));

/** Encodes sorted addresses as a RELR table (address entries and bitmaps). */
function relr(addresses: bigint[], word: number): bigint[] {
  const entries: bigint[] = [];
  const bits = word * 8 - 1;
  let index = 0;
  while (index < addresses.length) {
    const base = addresses[index] ?? 0n;
    entries.push(base);
    index += 1;
    let next = base + BigInt(word);
    while (index < addresses.length) {
      let bitmap = 0n;
      while (index < addresses.length) {
        const delta = ((addresses[index] ?? 0n) - next) / BigInt(word);
        if (delta < 0n || delta >= BigInt(bits)) break;
        bitmap |= 1n << delta;
        index += 1;
      }
      if (bitmap === 0n) break;
      entries.push((bitmap << 1n) | 1n);
      next += BigInt(bits * word);
    }
  }
  return entries;
}

export function buildElf(spec: ElfSpec): Uint8Array {
  const wide = spec.wide ?? true;
  const little = spec.little ?? true;
  const machine = spec.machine ?? (wide ? 62 : 3);
  const delta = spec.vaddrDelta ?? 0n;
  const storage = spec.storage ?? "in-place";
  const word = wide ? 8 : 4;
  const va = (offset: number) => BigInt(offset) + delta;
  const ehdrSize = wide ? 64 : 52;
  const phentsize = wide ? 56 : 32;
  const symSize = wide ? 24 : 16;
  const dynSize = wide ? 16 : 8;
  const descSize = wide ? 0x60 : 0x34;
  const fields = wide ? [0x18, 0x28, 0x38] : [0x10, 0x18, 0x20];
  const lengthAt = wide ? [0x20, 0x30, 0x40] : [0x14, 0x1c, 0x24];
  const count = spec.descriptors.length;

  // Strings and the string table.
  const dynstrParts = ["", ...spec.descriptors.map((d) => d.exportName)];
  const dynstr = new TextEncoder().encode(`${dynstrParts.join("\0")}\0`);
  const nameOffsets = dynstrParts.map((_, index) =>
    dynstrParts.slice(0, index).reduce((sum, part) => sum + encode(part).length + 1, 0),
  );

  let at = ehdrSize;
  const phoff = at;
  at += 2 * phentsize;
  const dynsymOff = align(at, 8);
  at = dynsymOff + (count + 1) * symSize;
  const dynstrOff = at;
  at += dynstr.length;
  const hashOff = align(at, 8);
  const hashSize = spec.hash === "gnu" ? 16 + word + 4 + count * 4 : 8 + 4 + (count + 1) * 4;
  at = hashOff + hashSize;
  const slots = spec.descriptors.length * 3;
  const relocEntry = storage === "rela" ? 3 * word : storage === "rel" ? 2 * word : word;
  const relocOff = align(at, 8);
  const relocCount =
    storage === "in-place"
      ? 0
      : storage === "relr"
        ? relr(
            Array.from({ length: slots }, (_, i) => BigInt(i)),
            word,
          ).length + slots
        : slots;
  at = relocOff + relocCount * relocEntry;
  const dynamicOff = align(at, 8);
  const dynamicEntries = 8;
  at = dynamicOff + dynamicEntries * dynSize;
  const descOff = align(at, 8);
  at = descOff + count * align(descSize, 8);
  const stringOffsets: number[][] = [];
  const stringBytes: Uint8Array[] = [];
  for (const descriptor of spec.descriptors) {
    const offsets: number[] = [];
    for (const part of [descriptor.name, descriptor.version, descriptor.description]) {
      const bytes = encode(part?.text);
      offsets.push(at);
      stringBytes.push(bytes);
      at += bytes.length + 1;
    }
    stringOffsets.push(offsets);
  }
  const shstrtab = new TextEncoder().encode("\0.dynsym\0.dynstr\0.rela\0.shstrtab\0");
  const shstrOff = at;
  at += shstrtab.length;
  const shentsize = wide ? 64 : 40;
  const shoff = spec.sectionHeaders ? align(at, 8) : 0;
  const sectionCount = 5;
  const size = spec.sectionHeaders ? shoff + sectionCount * shentsize : at;

  const w = new Writer(size, little, wide);
  // ELF header.
  w.bytes.set([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, little ? 1 : 2, 1], 0);
  w.u16(16, 3); // ET_DYN
  w.u16(18, machine);
  w.u32(20, 1);
  if (wide) {
    w.u64(32, BigInt(phoff));
    w.u64(40, BigInt(shoff));
    w.u16(52, ehdrSize);
    w.u16(54, phentsize);
    w.u16(56, 2);
    w.u16(58, shentsize);
    w.u16(60, spec.sectionHeaders ? sectionCount : 0);
    w.u16(62, spec.sectionHeaders ? 4 : 0);
  } else {
    w.u32(28, phoff);
    w.u32(32, shoff);
    w.u16(40, ehdrSize);
    w.u16(42, phentsize);
    w.u16(44, 2);
    w.u16(46, shentsize);
    w.u16(48, spec.sectionHeaders ? sectionCount : 0);
    w.u16(50, spec.sectionHeaders ? 4 : 0);
  }
  // Program headers: PT_LOAD over the whole file, PT_DYNAMIC.
  const programHeader = (index: number, type: number, offset: number, filesz: number) => {
    const p = phoff + index * phentsize;
    w.u32(p, type);
    if (wide) {
      w.u32(p + 4, 6);
      w.u64(p + 8, BigInt(offset));
      w.u64(p + 16, va(offset));
      w.u64(p + 24, va(offset));
      w.u64(p + 32, BigInt(filesz));
      w.u64(p + 40, BigInt(filesz));
      w.u64(p + 48, 0x1000n);
    } else {
      w.u32(p + 4, offset);
      w.word(p + 8, va(offset));
      w.word(p + 12, va(offset));
      w.u32(p + 16, filesz);
      w.u32(p + 20, filesz);
      w.u32(p + 24, 6);
      w.u32(p + 28, 0x1000);
    }
  };
  programHeader(0, 1, 0, size);
  programHeader(1, spec.dynamicSegment === false ? 0 : 2, dynamicOff, dynamicEntries * dynSize);

  // Symbols.
  spec.descriptors.forEach((descriptor, index) => {
    const s = dynsymOff + (index + 1) * symSize;
    const value = va(descOff + index * align(descSize, 8));
    w.u32(s, nameOffsets[index + 1] ?? 0);
    const shndx = descriptor.shndx ?? 1;
    if (wide) {
      w.u8(s + 4, 0x11);
      w.u16(s + 6, shndx);
      w.u64(s + 8, value);
      w.u64(s + 16, BigInt(descSize));
    } else {
      w.u32(s + 4, Number(value));
      w.u32(s + 8, descSize);
      w.u8(s + 12, 0x11);
      w.u16(s + 14, shndx);
    }
  });
  w.bytes.set(dynstr, dynstrOff);
  // Hash table.
  if (spec.hash === "gnu") {
    w.u32(hashOff, 1);
    w.u32(hashOff + 4, 1);
    w.u32(hashOff + 8, 1);
    w.u32(hashOff + 12, 0);
    w.word(hashOff + 16, -1n);
    w.u32(hashOff + 16 + word, count > 0 ? 1 : 0);
    for (let index = 0; index < count; index += 1) w.u32(hashOff + 20 + word + index * 4, index === count - 1 ? 1 : 0);
  } else {
    w.u32(hashOff, 1);
    w.u32(hashOff + 4, count + 1);
  }

  // Descriptors, strings and relocations.
  const relocated: { slot: bigint; target: bigint }[] = [];
  spec.descriptors.forEach((descriptor, index) => {
    const d = descOff + index * align(descSize, 8);
    w.u32(d, descriptor.pluginVersion ?? 1);
    [descriptor.name, descriptor.version, descriptor.description].forEach((part, field) => {
      const offset = stringOffsets[index]?.[field] ?? 0;
      const bytes = stringBytes[index * 3 + field] ?? new Uint8Array(0);
      w.bytes.set(bytes, offset);
      const target = part?.pointer ?? va(offset);
      const slotAt = d + (fields[field] ?? 0);
      if (storage === "rela" && target !== 0n) {
        relocated.push({ slot: va(slotAt), target });
      } else {
        w.word(slotAt, target);
        if ((storage === "rel" || storage === "relr") && target !== 0n) relocated.push({ slot: va(slotAt), target });
      }
      w.word(d + (lengthAt[field] ?? 0), part?.length ?? BigInt(bytes.length));
    });
  });
  const relative = RELATIVE_TYPE[machine] ?? 8;
  let relocBytes = 0;
  if (storage === "rela" || storage === "rel") {
    relocated.forEach(({ slot, target }, index) => {
      const r = relocOff + index * relocEntry;
      w.word(r, slot);
      w.word(r + word, BigInt(relative));
      if (storage === "rela") w.word(r + 2 * word, target);
    });
    relocBytes = relocated.length * relocEntry;
  } else if (storage === "relr") {
    const entries = relr(
      relocated.map((entry) => entry.slot).sort((a, b) => (a < b ? -1 : 1)),
      word,
    );
    for (const [index, entry] of entries.entries()) w.word(relocOff + index * word, entry);
    relocBytes = entries.length * word;
  }

  // Dynamic segment.
  const dynamic: [bigint, bigint][] = [
    [spec.hash === "gnu" ? 0x6ffffef5n : 4n, va(hashOff)],
    [5n, va(dynstrOff)],
    [6n, va(dynsymOff)],
    [10n, BigInt(dynstr.length)],
    [11n, BigInt(symSize)],
  ];
  if (storage === "rela") dynamic.push([7n, va(relocOff)], [8n, BigInt(relocBytes)]);
  if (storage === "rel") dynamic.push([17n, va(relocOff)], [18n, BigInt(relocBytes)]);
  if (storage === "relr") dynamic.push([36n, va(relocOff)], [35n, BigInt(relocBytes)]);
  dynamic.forEach(([tag, value], index) => {
    w.word(dynamicOff + index * dynSize, tag);
    w.word(dynamicOff + index * dynSize + dynSize / 2, value);
  });

  // Section headers: null, .dynsym, .dynstr, .rela, .shstrtab.
  if (spec.sectionHeaders) {
    w.bytes.set(shstrtab, shstrOff);
    const section = (
      index: number,
      name: number,
      type: number,
      offset: number,
      sectionSize: number,
      link: number,
      entsize: number,
    ) => {
      const s = shoff + index * shentsize;
      w.u32(s, name);
      w.u32(s + 4, type);
      if (wide) {
        w.u64(s + 16, va(offset));
        w.u64(s + 24, BigInt(offset));
        w.u64(s + 32, BigInt(sectionSize));
        w.u32(s + 40, link);
        w.u64(s + 56, BigInt(entsize));
      } else {
        w.u32(s + 12, Number(va(offset)));
        w.u32(s + 16, offset);
        w.u32(s + 20, sectionSize);
        w.u32(s + 24, link);
        w.u32(s + 36, entsize);
      }
    };
    section(1, 1, 11, dynsymOff, (count + 1) * symSize, 2, symSize);
    section(2, 9, 3, dynstrOff, dynstr.length, 0, 0);
    const relType = storage === "rela" ? 4 : storage === "rel" ? 9 : storage === "relr" ? 19 : 0;
    section(3, 17, relType, relocOff, relocBytes, 1, relocEntry);
    section(4, 23, 3, shstrOff, shstrtab.length, 0, 0);
  }
  return w.bytes;
}
