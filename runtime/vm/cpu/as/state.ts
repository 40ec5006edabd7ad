// Hart state shared by every execution unit: linear-memory layout, registers, pc, privilege, stop flags.

/** 32 integer registers, u64 each (x0 is kept zero by the step loop). Passed to fpExecute as `xregs`. */
export const XREGS: usize = memory.data(256, 16);
/** 32 FP registers, u64 each (singles NaN-boxed). Passed to fpExecute as `fregs`. */
export const FREGS: usize = memory.data(256, 16);
/** fcsr as a u32: fflags bits 0–4, frm bits 5–7. Passed to fpExecute as `fcsr`. */
export const FCSR: usize = memory.data(8, 8);

/** Privilege levels (privileged spec §1.2). */
export const PRV_U: i32 = 0;
export const PRV_S: i32 = 1;
export const PRV_M: i32 = 3;

/** Stop reasons returned by run() (mirrored in ../hart.ts). */
export const STOP_BUDGET: i32 = 0;
export const STOP_WFI: i32 = 1;
export const STOP_HOST_TRAP: i32 = 2;
export const STOP_FATAL: i32 = 3;
export const STOP_WATCH: i32 = 4;
export const STOP_REQUESTED: i32 = 5;

/** Program counter of the instruction being executed. */
export let pc: u64 = 0;
/** Length in bytes (2 or 4) of the instruction being executed. */
export let ilen: u64 = 4;
/** Current privilege level. */
export let priv: i32 = PRV_M;
/** Retired-instruction counter (minstret; mcycle reads the same). */
export let instret: u64 = 0;
/** Set by a trap raised during the current instruction: the instruction must not complete. */
export let trapped: bool = false;
/** Stop reason requested during the current instruction (-1 = keep running). */
export let stopReason: i32 = -1;
/** True when mip/mie/mstatus/priv changed and pending interrupts must be re-evaluated. */
export let irqCheck: bool = true;

/** Guest RAM: physical base, size in bytes, and its address in linear memory. */
export let ramBase: u64 = 0x80000000;
export let ramSize: u64 = 0;
export let ramHost: usize = 0;

/** Integer register read. */
// @ts-ignore: decorator
@inline export function getX(r: u32): u64 {
  return load<u64>(XREGS + (<usize>r << 3));
}

/** Integer register write (a write to x0 is undone by the step loop). */
// @ts-ignore: decorator
@inline export function setX(r: u32, v: u64): void {
  store<u64>(XREGS + (<usize>r << 3), v);
}

/** FP register read (raw 64 bits). */
// @ts-ignore: decorator
@inline export function getF(r: u32): u64 {
  return load<u64>(FREGS + (<usize>r << 3));
}

/** FP register write (raw 64 bits). */
// @ts-ignore: decorator
@inline export function setF(r: u32, v: u64): void {
  store<u64>(FREGS + (<usize>r << 3), v);
}

/** Checked once per instruction: something (trap, stop request, interrupt change) needs the loop's attention. */
export let attn: bool = true;

/** Asks the step loop to re-evaluate pending interrupts before the next instruction. */
export function requestIrqCheck(): void {
  irqCheck = true;
  attn = true;
}
