#!/usr/bin/env node
// The `wangzheng` command. The sources are TypeScript run through tsx, so there is no
// build step between a change and `npx wangzheng …`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
