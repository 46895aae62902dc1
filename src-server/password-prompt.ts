import { createInterface } from 'node:readline';

/** Reads a password: the first line of stdin when asked for (scripts), else a prompt that does not echo. */
export function readPassword(prompt: string, fromStdin: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const interactive = !fromStdin && process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: interactive ? process.stderr : undefined, terminal: interactive });
    if (interactive) {
      process.stderr.write(prompt);
      // Swallow the echo of typed characters.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
    }
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      if (interactive) process.stderr.write('\n');
      rl.close();
      resolve(line.replace(/\r$/, ''));
    });
    rl.once('close', () => {
      if (!answered) reject(new Error('no password given'));
    });
  });
}
