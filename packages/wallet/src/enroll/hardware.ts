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
  /**
   * The SMS code sent to `phone` (the platform sends before it answers the step). Called again
   * with `refused` when the platform refused the code and kept the step open (`otp_invalid`,
   * "Wrong code; 4 tries left."): a person types it again.
   */
  readSmsCode(phone: string, refused?: Correctable): Promise<string>;
}

/** A refusal the person can correct: the platform kept the step open for another answer. */
export interface Correctable {
  readonly code: string;
  /** The platform's (or the wallet's own check's) safe message, to show the person. */
  readonly message: string;
}
