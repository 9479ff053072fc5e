import { createInterface } from 'node:readline/promises';

/** Prompts run only when a person can answer: stdin and stdout are terminals. */
export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.ALEPH_NO_PROMPT !== '1';
}

/** Asks one question on the terminal; returns `fallback` for an empty answer. */
export async function ask(question: string, fallback = ''): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(question)).trim();
    return answer || fallback;
  } finally {
    rl.close();
  }
}

/** A yes/no question in aleph-client's style (`[y/N]`). */
export async function confirm(question: string, fallback = false): Promise<boolean> {
  const answer = (await ask(`${question} [${fallback ? 'Y/n' : 'y/N'}] `)).toLowerCase();
  if (!answer) return fallback;
  return answer === 'y' || answer === 'yes';
}

/** Asks until `valid` accepts the answer (prompts never loop when there is no terminal: callers check first). */
export async function askValid(question: string, valid: (s: string) => string | null, fallback = ''): Promise<string> {
  for (;;) {
    const answer = await ask(question, fallback);
    const problem = valid(answer);
    if (!problem) return answer;
    process.stderr.write(`  ${problem}\n`);
  }
}
