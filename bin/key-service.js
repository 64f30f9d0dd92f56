#!/usr/bin/env node
// The `key-service` command (package.json "bin"): the CLI built by `npm run build`, with the
// path aliases (@keys/*) mapped onto dist/ as `npm start` does.
require('../tools/register-paths.js');
require('../dist/apps/cli/src/main.js');
