/** What every command gets: the server's configuration (same variables, same parsing) and the output. */
import type { Config } from '../config.js';
import type { Output } from './output.js';

export interface CommandContext {
  config: Config;
  out: Output;
}
