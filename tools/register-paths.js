// The compiled code imports the libs and the workspace packages by their path aliases (@keys/*,
// @key-service/*); this maps them onto dist/ at run time, so the service runs the packages' sources
// as compiled with it rather than each package's own build.
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.json');

tsConfigPaths.register({
  baseUrl: path.join(__dirname, '..', 'dist'),
  paths: compilerOptions.paths,
});
