import { runCli } from './cli.program';

void runCli(process.argv).then((code) => {
  process.exitCode = code;
});
