// The few WebAssembly JS-API types the CPU loader uses (the project's lib setting has no DOM/WebAssembly typings).

/** WebAssembly.Memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** An opaque compiled module. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** WebAssembly.Instance. */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmNamespace {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The global WebAssembly namespace, typed. */
export const Wasm = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
