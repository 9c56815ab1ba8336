// Every shell and TypeScript block of docs/rp-guide.zh-CN.md, run as written against a started system
// (test/docs/walkthrough.ts; conventions in docs/docs-that-run.md).
import { walkThrough } from './walkthrough.ts';

walkThrough('docs/rp-guide.zh-CN.md');
