#!/usr/bin/env node
// First step of `npm run build`: tsc never deletes, so a file left by an older build (say a module since moved out
// of the production build) would otherwise ship in dist/.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

rmSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), { recursive: true, force: true });
