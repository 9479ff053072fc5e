import { Command } from 'commander';
import { registerMessageAmend } from './messageAmend.js';
import { registerMessageGet } from './messageGet.js';

/** `aleph message get|amend`. */
export function messageCommand(): Command {
  const message = new Command('message').description('Read and amend messages');
  registerMessageGet(message);
  registerMessageAmend(message);
  return message;
}
