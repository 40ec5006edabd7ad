// User-mode address space for the Linux runner: physical page allocator, Sv39 page tables in guest RAM, regions with demand paging.
import type { Hart } from "./hart.js";
import { GuestMemoryExhaustedError } from "./errors.js";

/** Page protections (Linux PROT_*). */
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

const PAGE = 4096;
/** Sv39 PTE bits (privileged spec §4.3.1). */
const PTE_V = 1n, PTE_R = 2n, PTE_W = 4n, PTE_X = 8n, PTE_U = 16n;

/** A reserved range of user virtual memory; pages inside are populated on first touch. */
export interface Region {
  start: number;
  end: number;
  prot: number;
}

/** Sv39 user address space backed by the hart's RAM. Virtual addresses are numbers (< 2^39). */
export class AddressSpace {
  private readonly free: number[] = [];
  private nextPage: number;
  private readonly ramPages: number;
  /** Virtual page number → physical address of the mapped page. */
  readonly pages = new Map<number, bigint>();
  regions: Region[] = [];
  /** Physical address of the root page table. */
  readonly root: bigint;

  constructor(private readonly hart: Hart) {
    this.ramPages = Math.floor(hart.ramSize / PAGE);
    this.nextPage = 0;
    this.root = this.allocPage();
  }

  /** The satp value selecting this address space (Sv39, ASID 0). */
  get satp(): bigint {
    return (8n << 60n) | ((this.root >> 12n) & ((1n << 44n) - 1n));
  }

  /** Allocates a zeroed physical page; throws when guest RAM is exhausted. */
  allocPage(): bigint {
    let idx = this.free.pop();
    if (idx === undefined) {
      if (this.nextPage >= this.ramPages) throw new GuestMemoryExhaustedError(this.hart.ramSize);
      idx = this.nextPage++;
    }
    const pa = this.hart.ramBase + BigInt(idx * PAGE);
    this.hart.ram.fill(0, idx * PAGE, idx * PAGE + PAGE);
    return pa;
  }

  private freePage(pa: bigint): void {
    this.free.push(Number(pa - this.hart.ramBase) / PAGE);
  }

  private pteFlags(prot: number): bigint {
    let f = PTE_V | PTE_U;
    if (prot & PROT_READ) f |= PTE_R;
    if (prot & PROT_WRITE) f |= PTE_W | PTE_R;
    if (prot & PROT_EXEC) f |= PTE_X;
    return f;
  }

  /** Address of the leaf PTE for `va`, creating intermediate tables when `create`. */
  private leafPte(va: number, create: boolean): bigint | undefined {
    let table = this.root;
    for (let level = 2; level > 0; level--) {
      const idx = BigInt(Math.floor(va / 2 ** (12 + 9 * level)) & 0x1ff);
      const addr = table + idx * 8n;
      let pte = this.hart.readPhys64(addr);
      if ((pte & PTE_V) === 0n) {
        if (!create) return undefined;
        const next = this.allocPage();
        pte = ((next >> 12n) << 10n) | PTE_V;
        this.hart.writePhys64(addr, pte);
      }
      table = (pte >> 10n) << 12n;
    }
    return table + BigInt(Math.floor(va / PAGE) & 0x1ff) * 8n;
  }

  /** Maps the page at `va` to a fresh zero page with `prot`; returns its physical address. */
  mapNew(va: number, prot: number): bigint {
    const vpn = Math.floor(va / PAGE);
    const have = this.pages.get(vpn);
    if (have !== undefined) return have;
    const pa = this.allocPage();
    const pte = this.leafPte(vpn * PAGE, true)!;
    const flags = prot === 0 ? 0n : this.pteFlags(prot);
    this.hart.writePhys64(pte, ((pa >> 12n) << 10n) | flags);
    this.pages.set(vpn, pa);
    return pa;
  }

  /** Changes the protection of mapped pages in [start, end). */
  protect(start: number, end: number, prot: number): void {
    for (let va = start; va < end; va += PAGE) {
      const pa = this.pages.get(va / PAGE);
      if (pa === undefined) continue;
      const pte = this.leafPte(va, false)!;
      this.hart.writePhys64(pte, ((pa >> 12n) << 10n) | (prot === 0 ? 0n : this.pteFlags(prot)));
    }
    this.hart.flushTlb();
  }

  /** Unmaps and frees the pages in [start, end). */
  unmap(start: number, end: number): void {
    for (let va = start; va < end; va += PAGE) {
      const pa = this.pages.get(va / PAGE);
      if (pa === undefined) continue;
      this.hart.writePhys64(this.leafPte(va, false)!, 0n);
      this.pages.delete(va / PAGE);
      this.freePage(pa);
    }
    this.hart.flushTlb();
  }

  /** The region containing `va`, if any. */
  regionAt(va: number): Region | undefined {
    return this.regions.find((r) => va >= r.start && va < r.end);
  }

  /** Adds a region (callers keep regions disjoint; overlapping parts of older regions are cut). */
  addRegion(start: number, end: number, prot: number): void {
    this.cutRegions(start, end);
    this.regions.push({ start, end, prot });
  }

  /** Removes [start, end) from the region list (splitting regions). */
  cutRegions(start: number, end: number): void {
    const out: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) out.push(r);
      else {
        if (r.start < start) out.push({ start: r.start, end: start, prot: r.prot });
        if (r.end > end) out.push({ start: end, end: r.end, prot: r.prot });
      }
    }
    this.regions = out;
  }

  /** Sets the protection of [start, end) inside regions; false if part of it is not in any region. */
  setProt(start: number, end: number, prot: number): boolean {
    for (let va = start; va < end; va += PAGE) if (this.regionAt(va) === undefined) return false;
    const out: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) out.push(r);
      else {
        if (r.start < start) out.push({ start: r.start, end: start, prot: r.prot });
        out.push({ start: Math.max(r.start, start), end: Math.min(r.end, end), prot });
        if (r.end > end) out.push({ start: end, end: r.end, prot: r.prot });
      }
    }
    this.regions = out;
    this.protect(start, end, prot);
    return true;
  }

  /**
   * Handles a page fault at `va`: populates the page when it lies in a region whose protection
   * allows the access. Returns false for a genuine fault (SIGSEGV).
   */
  fault(va: number, access: "fetch" | "load" | "store"): boolean {
    const r = this.regionAt(va);
    if (r === undefined) return false;
    const need = access === "fetch" ? PROT_EXEC : access === "load" ? PROT_READ : PROT_WRITE;
    if ((r.prot & need) === 0) return false;
    if (this.pages.has(Math.floor(va / PAGE))) return false; // mapped yet faulting: a real permission fault
    this.mapNew(va, r.prot);
    return true;
  }

  /** Physical address backing `va` (populating region pages); undefined when not accessible. */
  private phys(va: number): bigint | undefined {
    const vpn = Math.floor(va / PAGE);
    let pa = this.pages.get(vpn);
    if (pa === undefined) {
      const r = this.regionAt(va);
      if (r === undefined) return undefined;
      pa = this.mapNew(va, r.prot);
    }
    return pa + BigInt(va % PAGE);
  }

  /** Copies guest virtual memory out; undefined when any byte is not accessible (EFAULT). */
  read(va: number, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const pa = this.phys(va + done);
      if (pa === undefined) return undefined;
      const n = Math.min(len - done, PAGE - ((va + done) % PAGE));
      const off = Number(pa - this.hart.ramBase);
      out.set(this.hart.ram.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  /** Copies bytes into guest virtual memory (ignores page protection, like the kernel's copy_to_user on writable data); false on EFAULT. */
  write(va: number, bytes: Uint8Array): boolean {
    let done = 0;
    while (done < bytes.length) {
      const pa = this.phys(va + done);
      if (pa === undefined) return false;
      const n = Math.min(bytes.length - done, PAGE - ((va + done) % PAGE));
      this.hart.ram.set(bytes.subarray(done, done + n), Number(pa - this.hart.ramBase));
      done += n;
    }
    return true;
  }

  /** Reads a NUL-terminated string (at most `max` bytes); undefined on EFAULT. */
  readString(va: number, max = 4096): string | undefined {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read(va + i, 1);
      if (b === undefined) return undefined;
      if (b[0] === 0) return Buffer.from(bytes).toString("utf8");
      bytes.push(b[0]!);
    }
    return undefined;
  }
}
