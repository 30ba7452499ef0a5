/** The local emulator of the Exotel, Plivo and Apifonica number APIs. */
export interface SandboxHandle {
  /** Base URL; each vendor lives under `<url>/exotel`, `<url>/plivo`, `<url>/apifonica`. */
  url: string;
  close(): Promise<void>;
}
