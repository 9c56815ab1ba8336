/**
 * The phone's hardware enrollment needs, as a port: a real wallet app implements these three
 * functions with its NFC reader, camera and SMS inbox; the CLI's stand-ins are simulator.ts
 * (Node), the web wallet's call the platform's development simulation proxy.
 */
export interface DeviceHardware {
  /** Reads the document chip over NFC. */
  readChip(): Promise<unknown>;
  /** Captures a face probe answering the liveness challenge `nonce`. */
  captureFace(nonce: string): Promise<number[]>;
  /** The newest SMS code sent to `phone` (the platform sends before it answers the step). */
  readSmsCode(phone: string): Promise<string>;
}
