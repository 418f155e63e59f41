/*
 * dummy OS: x86-64 4-level paging in physical memory (dummy-os.md "Page tables"). Mappings are
 * written as genuine PML4/PDPT/PD/PT entries; translation is the MMU's walk, reading each entry
 * from physical memory and honouring the PS bit of PDPT (1 GiB) and PD (2 MiB) entries, so any
 * x64 walk over the same connector gets the same answers; page types follow memflow's x64 rule
 * (below). Part of dummy-os.c.
 */

#define KIB4 0x1000ull
#define MIB2 0x200000ull
#define GIB1 0x40000000ull

#define PTE_PRESENT 0x1ull
#define PTE_WRITABLE 0x2ull
#define PTE_USER 0x4ull
#define PTE_LARGE 0x80ull /* PS: a 1 GiB leaf in a PDPT, a 2 MiB leaf in a PD */
#define PTE_NO_EXECUTE (1ull << 63)
#define PTE_ADDRESS 0x000ffffffffff000ull /* bits 12-51: the next table or the 4 KiB frame */

/* The page size a walk ends at, by level: 4 = PML4 ... 1 = PT. */
static uint64_t level_page_size(int level) { return level == 3 ? GIB1 : level == 2 ? MIB2 : KIB4; }

/* Bits 47:12 of a virtual address index the four levels, 9 bits each. */
static unsigned level_index(uint64_t address, int level) { return (unsigned)((address >> (12 + 9 * (level - 1))) & 0x1ff); }

/* x86-64 addresses are canonical: bits 63:48 copy bit 47. */
static bool canonical(uint64_t address) {
  uint64_t top = address >> 47;
  return top == 0 || top == 0x1ffff;
}

static uint64_t sign_extend48(uint64_t address) { return (address & (1ull << 47)) ? address | 0xffff000000000000ull : address; }

/*
 * memflow's page type of a mapping (mmu/spec.rs get_phys_page with x64's bits): WRITEABLE when
 * ANY entry of the walk has RW set, else READ_ONLY; NOEXEC when any has NX. (The CPU needs RW
 * on every level instead; the tables here set RW on every table entry, so a page the CPU sees
 * read-only is still WRITEABLE to memflow: the rule followed is memflow's.) `entry` is the OR of
 * the walk's entries.
 */
#define PTE_INHERITED (PTE_WRITABLE | PTE_NO_EXECUTE)
static uint8_t entry_page_type(uint64_t entry) {
  uint8_t type = (entry & PTE_WRITABLE) ? MF_PAGE_TYPE_WRITEABLE : MF_PAGE_TYPE_READ_ONLY;
  return (entry & PTE_NO_EXECUTE) ? (uint8_t)(type | MF_PAGE_TYPE_NOEXEC) : type;
}

/* memflow's PhysicalAddress encoding of a page size: bit_length(size) - 2 (11 for 4 KiB). */
static uint8_t page_size_log2(uint64_t page_size) { return (uint8_t)(64 - __builtin_clzll(page_size) - 2); }

/* A mapped page found by a walk. */
typedef struct {
  uint64_t virtual_base; /* the page's first virtual address */
  uint64_t physical_base;
  uint64_t size;
  uint64_t entry; /* the leaf entry, with the RW and NX bits of every entry above it ORed in */
} Leaf;

static mf_physical_address leaf_physical(const Leaf *leaf, uint64_t address) {
  mf_physical_address physical = { leaf->physical_base + (address - leaf->virtual_base), entry_page_type(leaf->entry),
                                   page_size_log2(leaf->size) };
  return physical;
}

/* The walk of one address from `dtb`: false when it is not canonical, an entry is not present or unreadable. */
static bool translate_address(mf_connector_instance *connector, uint64_t dtb, uint64_t address, Leaf *leaf) {
  if (!canonical(address)) return false;
  uint64_t table = dtb & PTE_ADDRESS, inherited = 0;
  for (int level = 4; level >= 1; level--) {
    uint64_t entry;
    if (!physical_read(connector, table + 8ull * level_index(address, level), &entry, 8)) return false;
    if (!(entry & PTE_PRESENT)) return false;
    entry |= inherited;
    inherited = entry & PTE_INHERITED;
    bool leaf_here = level == 1 || ((level == 2 || level == 3) && (entry & PTE_LARGE));
    if (leaf_here) {
      uint64_t size = level_page_size(level);
      leaf->virtual_base = address & ~(size - 1);
      leaf->physical_base = entry & PTE_ADDRESS & ~(size - 1);
      leaf->size = size;
      leaf->entry = entry;
      return true;
    }
    table = entry & PTE_ADDRESS;
  }
  return false;
}

/* Receives each mapped page of a range walk, in address order; false stops the walk. */
typedef bool (*LeafFn)(void *context, const Leaf *leaf);

typedef struct {
  mf_connector_instance *connector;
  uint64_t start, end; /* [start, end), end exclusive */
  LeafFn visit;
  void *context;
} RangeWalk;

/*
 * Visits the present entries of the table at `table` (level `level`, covering virtual addresses
 * from `base`) that meet [start, end): leaves go to visit, tables are walked in turn. A table
 * page is read whole, once. False when visit stopped the walk.
 */
static bool walk_table(RangeWalk *walk, uint64_t table, int level, uint64_t base, uint64_t inherited) {
  uint64_t entries[512];
  if (!physical_read(walk->connector, table, entries, sizeof entries)) return true;
  uint64_t span = 1ull << (12 + 9 * (level - 1));
  for (unsigned index = 0; index < 512; index++) {
    uint64_t first = level == 4 ? sign_extend48((uint64_t)index << 39) : base + index * span;
    uint64_t last = first + (span - 1);
    if (last < walk->start) continue;
    if (first >= walk->end) break;
    uint64_t entry = entries[index];
    if (!(entry & PTE_PRESENT)) continue;
    entry |= inherited;
    if (level == 1 || ((level == 2 || level == 3) && (entry & PTE_LARGE))) {
      Leaf leaf = { first, entry & PTE_ADDRESS & ~(span - 1), span, entry };
      if (!walk->visit(walk->context, &leaf)) return false;
    } else if (!walk_table(walk, entry & PTE_ADDRESS, level - 1, first, entry & PTE_INHERITED)) {
      return false;
    }
  }
  return true;
}

/* Every mapped page meeting [start, end) from `dtb`, in address order. False when visit stopped it. */
static bool walk_range(mf_connector_instance *connector, uint64_t dtb, uint64_t start, uint64_t end, LeafFn visit,
                       void *context) {
  if (end <= start) return true;
  RangeWalk walk = { connector, start, end, visit, context };
  return walk_table(&walk, dtb & PTE_ADDRESS, 4, 0, 0);
}
