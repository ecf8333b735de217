// `npx kakunin` as it ran before it shipped compiled JavaScript: the CLI straight from the TypeScript
// sources through the tsx loader (`node --import tsx test/support/kakunin-from-source.ts ...`). The
// start-up benchmark and the loader-cache test compare the compiled CLI with it; nothing ships it.
import { main } from '../../main/cli/index.ts';

process.exitCode = await main(process.argv.slice(2));
