/**
 * Reads `wangzheng start`'s banner, as the benchmarks, the fuzzer and the fault campaign do when
 * they start the platform as a child process: once the banner is complete ("Press Ctrl-C"),
 * the platform's socket address (the banner names the issuer first, and on port 0 that is no
 * address; with `--workers` the address is followed by the worker count) and the registry's.
 */
export function bannerUrls(out: string): { platformUrl: string; registryUrl: string | undefined } | undefined {
  if (!out.includes('Press Ctrl-C')) return undefined;
  const p = /platform\s+.*listening on (http:\/\/[^\s,)]+)/.exec(out);
  if (!p) return undefined;
  return { platformUrl: p[1]!, registryUrl: /registry simulator\s+(http:\/\/\S+)/.exec(out)?.[1] };
}
