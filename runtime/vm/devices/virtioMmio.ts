// virtio-mmio transport, version 2 (modern): the register block, per-queue state, status and
// interrupt handshake. Device types plug in as a `VirtioBackend`; with none the slot reads as
// device ID 0, which drivers treat as an empty slot.
//
// Register layout: Virtual I/O Device (VIRTIO) Version 1.2, §4.2.2 "MMIO Device Register Layout".
import type { AccessSize, IrqLine, MmioDevice } from "./device.js";

/** "virt" in little-endian ASCII (virtio 1.2 §4.2.2, MagicValue). */
export const VIRTIO_MMIO_MAGIC = 0x74726976;
/** Transport version implemented (virtio 1.2 §4.2.2: 2 = non-legacy). */
export const VIRTIO_MMIO_VERSION = 2;
/** Vendor ID reported ("QEMU" in little-endian ASCII, what QEMU's virt board reports). */
export const VIRTIO_MMIO_VENDOR = 0x554d4551;
/** Size of one slot's window (QEMU `virt`: VIRT_VIRTIO size 0x1000). */
export const VIRTIO_MMIO_SIZE = 0x1000;
/** Offset of the device-specific configuration space (virtio 1.2 §4.2.2, Config). */
export const VIRTIO_MMIO_CONFIG = 0x100;

/** Register offsets (virtio 1.2 §4.2.2). */
export const VirtioReg = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueNumMax: 0x034,
  QueueNum: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  ConfigGeneration: 0x0fc,
} as const;

/** VIRTIO_F_VERSION_1 (virtio 1.2 §6): required of every device on a v2 transport. */
export const VIRTIO_F_VERSION_1 = 1n << 32n;

/** Guest-programmed state of one virtqueue. */
export interface VirtqueueState {
  num: number;
  ready: boolean;
  desc: bigint;
  driver: bigint;
  device: bigint;
}

/** A device type behind the transport (virtio-blk, -console, … in later issues). */
export interface VirtioBackend {
  /** Virtio device ID (virtio 1.2 §5), never 0. */
  readonly deviceId: number;
  /** Offered feature bits (VIRTIO_F_VERSION_1 is added by the transport). */
  readonly features: bigint;
  /** Maximum size of each queue; its length is the number of queues. */
  readonly queueNumMax: readonly number[];
  /** Reads the device configuration space. */
  readConfig(offset: number, size: AccessSize): bigint;
  /** Writes the device configuration space. */
  writeConfig(offset: number, size: AccessSize, value: bigint): void;
  /** The driver notified queue `index`. */
  notify(index: number, queue: VirtqueueState): void;
  /** The driver reset the device (status written as 0). */
  reset(): void;
}

/**
 * One virtio-mmio slot. `irq` is its interrupt line (QEMU `virt`: PLIC sources 1..8). A backend
 * calls `interrupt(bits)` to set InterruptStatus bits (1 = used buffer, 2 = configuration change).
 */
export class VirtioMmio implements MmioDevice {
  readonly size = VIRTIO_MMIO_SIZE;
  private status = 0;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private configGeneration = 0;
  private queues: VirtqueueState[] = [];

  constructor(
    readonly name: string,
    private readonly irq: IrqLine,
    private readonly backend?: VirtioBackend,
  ) {
    this.resetState();
  }

  /** Feature bits the driver accepted. */
  negotiatedFeatures(): bigint {
    return this.driverFeatures;
  }

  /** Sets InterruptStatus bits and raises the line. */
  interrupt(bits: number): void {
    this.interruptStatus |= bits & 3;
    this.irq(this.interruptStatus !== 0);
  }

  read(offset: number, size: AccessSize): bigint {
    if (offset >= VIRTIO_MMIO_CONFIG) return this.backend?.readConfig(offset - VIRTIO_MMIO_CONFIG, size) ?? 0n;
    if (size !== 4) return 0n;
    const q = this.queues[this.queueSel];
    switch (offset) {
      case VirtioReg.MagicValue:
        return BigInt(VIRTIO_MMIO_MAGIC);
      case VirtioReg.Version:
        return BigInt(VIRTIO_MMIO_VERSION);
      case VirtioReg.DeviceID:
        return BigInt(this.backend?.deviceId ?? 0);
      case VirtioReg.VendorID:
        return BigInt(VIRTIO_MMIO_VENDOR);
      case VirtioReg.DeviceFeatures: {
        const all = this.backend ? this.backend.features | VIRTIO_F_VERSION_1 : 0n;
        return this.deviceFeaturesSel > 1 ? 0n : (all >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn;
      }
      case VirtioReg.QueueNumMax:
        return BigInt(this.backend?.queueNumMax[this.queueSel] ?? 0);
      case VirtioReg.QueueReady:
        return q?.ready ? 1n : 0n;
      case VirtioReg.InterruptStatus:
        return BigInt(this.interruptStatus);
      case VirtioReg.Status:
        return BigInt(this.status);
      case VirtioReg.ConfigGeneration:
        return BigInt(this.configGeneration);
      default:
        return 0n;
    }
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset >= VIRTIO_MMIO_CONFIG) {
      this.backend?.writeConfig(offset - VIRTIO_MMIO_CONFIG, size, value);
      return;
    }
    if (size !== 4) return;
    const v = Number(value & 0xffff_ffffn);
    const big = BigInt(v);
    const q = this.queues[this.queueSel];
    switch (offset) {
      case VirtioReg.DeviceFeaturesSel:
        this.deviceFeaturesSel = v;
        return;
      case VirtioReg.DriverFeaturesSel:
        this.driverFeaturesSel = v;
        return;
      case VirtioReg.DriverFeatures:
        if (this.driverFeaturesSel <= 1) {
          const shift = BigInt(32 * this.driverFeaturesSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffff_ffffn << shift)) | (big << shift);
        }
        return;
      case VirtioReg.QueueSel:
        this.queueSel = v;
        return;
      case VirtioReg.QueueNum:
        if (q) q.num = v;
        return;
      case VirtioReg.QueueReady:
        if (q) q.ready = (v & 1) === 1;
        return;
      case VirtioReg.QueueNotify: {
        const nq = this.queues[v];
        if (nq && this.backend) this.backend.notify(v, nq);
        return;
      }
      case VirtioReg.InterruptACK:
        this.interruptStatus &= ~v;
        this.irq(this.interruptStatus !== 0);
        return;
      case VirtioReg.Status:
        if (v === 0) {
          this.resetState();
          this.backend?.reset();
        } else {
          this.status = v & 0xff;
        }
        return;
      case VirtioReg.QueueDescLow:
        if (q) q.desc = (q.desc & ~0xffff_ffffn) | big;
        return;
      case VirtioReg.QueueDescHigh:
        if (q) q.desc = (q.desc & 0xffff_ffffn) | (big << 32n);
        return;
      case VirtioReg.QueueDriverLow:
        if (q) q.driver = (q.driver & ~0xffff_ffffn) | big;
        return;
      case VirtioReg.QueueDriverHigh:
        if (q) q.driver = (q.driver & 0xffff_ffffn) | (big << 32n);
        return;
      case VirtioReg.QueueDeviceLow:
        if (q) q.device = (q.device & ~0xffff_ffffn) | big;
        return;
      case VirtioReg.QueueDeviceHigh:
        if (q) q.device = (q.device & 0xffff_ffffn) | (big << 32n);
        return;
      default:
        return;
    }
  }

  private resetState(): void {
    this.status = 0;
    this.driverFeatures = 0n;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.queueSel = 0;
    this.interruptStatus = 0;
    this.queues = (this.backend?.queueNumMax ?? []).map(() => ({
      num: 0,
      ready: false,
      desc: 0n,
      driver: 0n,
      device: 0n,
    }));
    this.irq(false);
  }
}
