// Benchmark kernel: executes one F/D instruction word repeatedly through fpExecute, feeding each
// iteration fresh operands from a table in linear memory (f1, f2, f4 and x5 ← table row).
import { fpExecute } from "../../../runtime/vm/cpu/as/fpu";

/**
 * Runs `insn` `n` times; row i & (rows − 1) of `table` (4 × u64: f1, f2, f4, x5; rows a power of
 * two) is loaded before each execution. Returns the number of illegal results (0 expected).
 */
export function run(insn: u32, n: i32, xregs: usize, fregs: usize, fcsr: usize, table: usize, rows: i32): i32 {
  let bad = 0;
  const mask = rows - 1;
  for (let i = 0; i < n; i++) {
    const row = table + ((<usize>(i & mask)) << 5);
    store<u64>(fregs + 8, load<u64>(row));
    store<u64>(fregs + 16, load<u64>(row, 8));
    store<u64>(fregs + 32, load<u64>(row, 16));
    store<u64>(xregs + 40, load<u64>(row, 24));
    bad += <i32>fpExecute(insn, xregs, fregs, fcsr);
  }
  return bad;
}
