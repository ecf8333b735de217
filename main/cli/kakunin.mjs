#!/usr/bin/env node
// `npx kakunin ...`: registers the TypeScript loader, then hands over to main/cli/index.ts.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('./index.ts');
process.exitCode = await main(process.argv.slice(2));
