// The guest console: UART output to the host terminal and to a log, host keyboard input to the
// UART, raw terminal mode on a TTY, and QEMU's `Ctrl-A x` escape to quit.

/** The escape prefix byte (Ctrl-A), as in QEMU's `-serial mon:stdio` character backend. */
export const ESCAPE_BYTE = 0x01;

/** Result of feeding host input through the escape decoder. */
export interface DecodedInput {
  /** Bytes to deliver to the guest. */
  toGuest: number[];
  /** The user typed Ctrl-A x. */
  quit: boolean;
  /** The user asked for help (Ctrl-A h). */
  help: boolean;
}

/**
 * Decodes QEMU-style escapes in host input: `Ctrl-A x` quits, `Ctrl-A h` asks for help,
 * `Ctrl-A Ctrl-A` sends one Ctrl-A to the guest; any other byte after Ctrl-A is dropped with it.
 * State carries across calls, so an escape split between two reads still works.
 */
export class EscapeDecoder {
  private pendingEscape = false;

  feed(bytes: Iterable<number>): DecodedInput {
    const out: DecodedInput = { toGuest: [], quit: false, help: false };
    for (const b of bytes) {
      if (this.pendingEscape) {
        this.pendingEscape = false;
        if (b === 0x78 /* x */) {
          out.quit = true;
          break;
        }
        if (b === 0x68 /* h */) out.help = true;
        else if (b === ESCAPE_BYTE) out.toGuest.push(ESCAPE_BYTE);
        continue;
      }
      if (b === ESCAPE_BYTE) this.pendingEscape = true;
      else out.toGuest.push(b);
    }
    return out;
  }
}

/** Text shown for Ctrl-A h. */
export const ESCAPE_HELP = "\r\nC-a x    exit the VM\r\nC-a h    this help\r\nC-a C-a  send C-a to the guest\r\n";

/** Where console output goes. */
export interface ConsoleSinks {
  /** Host terminal output (e.g. process.stdout); omitted for a headless console. */
  write?: (chunk: Uint8Array) => void;
}

/**
 * The console: collects every byte the guest transmits into an in-memory log (for tests and
 * `--console-log`), forwards it to the host in batches (`flush()`), and offers `waitFor()` on
 * the log.
 */
export class GuestConsole {
  private readonly chunks: Buffer[] = [];
  private current: number[] = [];
  private unflushed: number[] = [];
  private totalLength = 0;

  constructor(private readonly sinks: ConsoleSinks = {}) {}

  private watches: Array<{ bytes: Buffer; matched: number; cb: () => void }> = [];

  /**
   * Calls `cb` once, synchronously, when the guest has printed `marker` (e.g. to time boot-to-
   * marker; the callback runs inside the guest's UART write, so it sees the exact instruction count).
   */
  onMarker(marker: string, cb: () => void): void {
    this.watches.push({ bytes: Buffer.from(marker), matched: 0, cb });
  }

  /** Called by the UART for every transmitted byte. */
  readonly transmit = (byte: number): void => {
    if (this.watches.length > 0) this.match(byte);
    this.current.push(byte);
    if (this.sinks.write) this.unflushed.push(byte);
    this.totalLength++;
    if (this.current.length >= 4096) this.seal();
  };

  /** Sends pending output to the host terminal. */
  flush(): void {
    if (this.sinks.write && this.unflushed.length > 0) {
      this.sinks.write(Uint8Array.from(this.unflushed));
      this.unflushed = [];
    }
  }

  /** Everything the guest has written so far. */
  log(): Buffer {
    this.seal();
    return Buffer.concat(this.chunks);
  }

  /** The log as text (UTF-8, invalid sequences replaced). */
  text(): string {
    return this.log().toString("utf8");
  }

  /** Total bytes written by the guest. */
  get length(): number {
    return this.totalLength;
  }

  /** The last non-empty line of output (for diagnostics when a boot stalls). */
  lastLine(): string {
    const lines = this.text().split(/\r?\n/).filter((l) => l.trim() !== "");
    return lines.length ? lines[lines.length - 1]! : "";
  }

  private match(byte: number): void {
    for (const w of this.watches) {
      // Restart-on-mismatch matching; exact for markers whose first byte does not recur in them.
      if (w.bytes[w.matched] === byte) w.matched++;
      else w.matched = w.bytes[0] === byte ? 1 : 0;
      if (w.matched === w.bytes.length) {
        w.matched = 0;
        this.watches = this.watches.filter((x) => x !== w);
        w.cb();
      }
    }
  }

  private seal(): void {
    if (this.current.length > 0) {
      this.chunks.push(Buffer.from(this.current));
      this.current = [];
    }
  }
}

/** Host stdin attached to the guest; `close()` restores the terminal. */
export interface AttachedInput {
  close(): void;
}

/**
 * Attaches `stdin` to the guest: raw mode when it is a TTY (restored on close), escapes decoded,
 * bytes passed to `deliver`, `onQuit` called on Ctrl-A x. The end of stdin (a pipe that closes)
 * only stops input: the guest keeps running until it powers off or times out.
 */
export function attachStdin(
  stdin: NodeJS.ReadStream,
  deliver: (bytes: number[]) => void,
  onQuit: () => void,
  showHelp: (text: string) => void,
): AttachedInput {
  const decoder = new EscapeDecoder();
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => {
    const d = decoder.feed(chunk);
    if (d.toGuest.length) deliver(d.toGuest);
    if (d.help) showHelp(ESCAPE_HELP);
    if (d.quit) onQuit();
  };
  stdin.on("data", onData);
  stdin.resume();
  return {
    close() {
      stdin.off("data", onData);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
    },
  };
}
