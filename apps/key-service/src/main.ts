import 'reflect-metadata';
import { createApp } from './bootstrap';
import { ConfigurationError, loadAppConfig } from './config/app.config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAppConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(process.env);
  await app.listen(config.port, config.host);
  process.stdout.write(`Key service (${config.topology.kind}) listening on http://${config.host}:${config.port} — API docs at /docs\n`);
}

void main();
