/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, `kill`), so a server command can shut down cleanly. */
export function untilSignalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
