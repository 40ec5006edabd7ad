// SYSTEM opcode: ECALL, EBREAK, MRET, SRET, WFI, SFENCE.VMA (privileged spec §3.3, §4.2.1) and the Zicsr instructions.
import * as S from "./state";
import * as C from "./csr";
import * as T from "./trap";
import { sfenceVma } from "./mmu";

/** True while the hart waits in WFI for an interrupt. */
export let wfiWait: bool = false;

/** Clears the WFI wait state (used by the host on reset). */
export function clearWfi(): void { wfiWait = false; }

/** Executes a SYSTEM-opcode (0x73) instruction. */
export function execSystem(insn: u32): void {
  const f3 = (insn >> 12) & 7;
  if (f3 == 0) { execPriv(insn); return; }
  if (f3 == 4) { T.illegal(insn); return; }
  const csr = insn >> 20;
  const rd = (insn >> 7) & 31;
  const rs1 = (insn >> 15) & 31;
  const src: u64 = f3 >= 5 ? <u64>rs1 : S.getX(rs1);
  const op = f3 & 3; // 1 = write, 2 = set, 3 = clear
  let old: u64 = 0;
  if (op != 1 || rd != 0) {
    old = C.csrRead(csr);
    if (C.csrIllegal) { T.illegal(insn); return; }
  } else {
    // CSRRW with rd = x0 does not read, but the access must still be legal.
    C.csrRead(csr);
    if (C.csrIllegal) { T.illegal(insn); return; }
  }
  if (op == 1 || rs1 != 0) {
    // Read-modify-writes of mip see only the software-writable SEIP bit, not the external line
    // (privileged spec §3.1.9); otherwise a CSRRS/CSRRC would latch the line into the software bit.
    const base = csr == 0x344 ? (old & ~(<u64>1 << 9)) | (C.mipSw & (<u64>1 << 9)) : old;
    const nv = op == 1 ? src : (op == 2 ? base | src : base & ~src);
    C.csrWrite(csr, nv);
    if (C.csrIllegal) { T.illegal(insn); return; }
  }
  S.setX(rd, old);
  S.pc += S.ilen;
}

function execPriv(insn: u32): void {
  const p = S.priv;
  if (insn == 0x00000073) { T.raiseException(<u64>(8 + p), 0); return; }            // ECALL: cause 8/9/11
  if (insn == 0x00100073) { T.raiseException(T.EXC_BREAKPOINT, S.pc); return; }       // EBREAK: tval = pc
  if (insn == 0x30200073) {                                                           // MRET
    if (p < S.PRV_M) { T.illegal(insn); return; }
    let ms = C.mstatus;
    const mpp = <i32>((ms >> 11) & 3);
    const mpie = (ms >> 7) & 1;
    ms = (ms & ~(C.MS_MIE | C.MS_MPP)) | (mpie << 3) | C.MS_MPIE;
    if (mpp != S.PRV_M) ms &= ~C.MS_MPRV;
    C.setMstatusRaw(ms);
    S.pc = C.mepc;
    T.setPriv(mpp);
    return;
  }
  if (insn == 0x10200073) {                                                           // SRET
    if (p < S.PRV_S || (p == S.PRV_S && (C.mstatus & C.MS_TSR) != 0)) { T.illegal(insn); return; }
    let ms = C.mstatus;
    const spp = <i32>((ms >> 8) & 1);
    const spie = (ms >> 5) & 1;
    ms = (ms & ~(C.MS_SIE | C.MS_SPP | C.MS_MPRV)) | (spie << 1) | C.MS_SPIE;
    C.setMstatusRaw(ms);
    S.pc = C.sepc;
    T.setPriv(spp);
    return;
  }
  if (insn == 0x10500073) {                                                           // WFI
    if (p == S.PRV_U || (p == S.PRV_S && (C.mstatus & C.MS_TW) != 0)) { T.illegal(insn); return; }
    S.pc += S.ilen;
    if ((C.mipValue() & C.mie) == 0) {
      wfiWait = true;
      S.stopReason = S.STOP_WFI;
      S.attn = true;
    }
    return;
  }
  if ((insn >> 25) == 0x09 && ((insn >> 7) & 31) == 0) {                              // SFENCE.VMA
    if (p == S.PRV_U || (p == S.PRV_S && (C.mstatus & C.MS_TVM) != 0)) { T.illegal(insn); return; }
    const rs1 = (insn >> 15) & 31;
    const rs2 = (insn >> 20) & 31;
    sfenceVma(S.getX(rs1), rs1 != 0, S.getX(rs2), rs2 != 0);
    S.pc += S.ilen;
    return;
  }
  T.illegal(insn);
}
